import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { capAnswerBytes } from './answer-cap.js';
import { keepAliveAgents, sendPieces, type Agents } from './send-pieces.js';
import { regroupEvents } from './sse-events.js';
import type { FileBytes } from '../core/images.js';

/**
 * Images travel to Gemini without ever becoming strings in memory. The request the SDK serialises
 * carries a short random token where each image's base64 would be; the fetch below streams the
 * JSON and, in each token's place, the base64 encoded slice by slice from the image's bytes.
 *
 * Without this, an /edit with three 8 MB images held its inputs three times while Gemini worked:
 * as bytes, as 32 MB of base64 strings, and as the SDK's 32 MB JSON body. Images in files are read
 * slice by slice as they are sent, so they are never in memory whole.
 */
const TOKEN = /bbinline_[0-9a-f]{32}/g;
/**
 * Images are encoded 48 KiB at a time (a multiple of 3, so no padding mid-image): each 64 KiB
 * base64 string is an ordinary young object that a cheap scavenge frees, not a large object left
 * for the next full collection. The JSON around the images is short and is sent as it is.
 */
const BYTES_SLICE = 3 * (1 << 14);

type Bytes = Buffer | FileBytes;

export class InlineImages {
  private readonly images = new Map<string, Bytes>();

  /** `agents`: where connections come from; tests pass ones that trust their own certificate. */
  constructor(private readonly agents: Agents = keepAliveAgents()) {}

  /** The string to put in inlineData.data; valid until released. */
  register(data: Bytes): string {
    const token = `bbinline_${randomBytes(16).toString('hex')}`;
    this.images.set(token, data);
    return token;
  }

  release(tokens: Iterable<string>): void {
    for (const token of tokens) this.images.delete(token);
  }

  get size(): number {
    return this.images.size;
  }

  /**
   * A fetch for the SDK: bodies with tokens are streamed with the images in place. A streamed
   * answer (Server-Sent Events) is passed on as it comes, grouped by whole events (see wholeEvents).
   */
  readonly fetch: typeof fetch = (input, init) =>
    this.send(input, init)
      .then((response) => capAnswerBytes(response))
      .then(regroupEvents);

  private send(input: Parameters<typeof fetch>[0], init: RequestInit | undefined): Promise<Response> {
    const body = init?.body;
    if (!init || typeof body !== 'string' || input instanceof Request) return fetch(input, init);
    const pieces = this.split(body);
    if (pieces.length === 1 && typeof pieces[0] === 'string') return fetch(input, init);

    const length = pieces.reduce(
      (n, p) => n + (typeof p === 'string' ? Buffer.byteLength(p, 'utf8') : 4 * Math.ceil(sizeOf(p) / 3)),
      0,
    );
    // A known length keeps the request a plain one (no chunked encoding).
    return sendPieces(new URL(input), init, length, streamPieces(pieces), this.agents);
  }

  private split(body: string): (string | Bytes)[] {
    const pieces: (string | Bytes)[] = [];
    let last = 0;
    for (const match of body.matchAll(TOKEN)) {
      const image = this.images.get(match[0]);
      if (!image) continue;
      pieces.push(body.slice(last, match.index), image);
      last = match.index + match[0].length;
    }
    pieces.push(body.slice(last));
    return pieces.filter((p) => typeof p !== 'string' || p.length > 0);
  }
}

function sizeOf(bytes: Bytes): number {
  return Buffer.isBuffer(bytes) ? bytes.length : bytes.size;
}

async function* streamPieces(pieces: (string | Bytes)[]): AsyncGenerator<string> {
  for (const piece of pieces) {
    if (typeof piece === 'string') yield piece;
    else if (Buffer.isBuffer(piece)) yield* bufferSlices(piece);
    else yield* fileSlices(piece);
  }
}

function* bufferSlices(bytes: Buffer): Generator<string> {
  for (let i = 0; i < bytes.length; i += BYTES_SLICE)
    yield bytes.subarray(i, i + BYTES_SLICE).toString('base64');
}

/** Files are read in larger blocks (a multiple of BYTES_SLICE): a read is a trip to the thread pool. */
const FILE_BLOCK = 16 * BYTES_SLICE;

async function* fileSlices(file: FileBytes): AsyncGenerator<string> {
  const handle = await open(file.path, 'r');
  try {
    const block = Buffer.allocUnsafe(Math.min(FILE_BLOCK, file.size));
    for (let position = 0; position < file.size;) {
      const want = Math.min(block.length, file.size - position);
      let got = 0;
      while (got < want) {
        const { bytesRead } = await handle.read(block, got, want - got, position + got);
        // The declared content-length is already promised; a shorter file cannot keep it.
        if (bytesRead === 0) throw new Error(`image file ended ${file.size - position - got} bytes early`);
        got += bytesRead;
      }
      position += want;
      // Encoded before the next read reuses the block.
      yield* bufferSlices(block.subarray(0, want));
    }
  } finally {
    await handle.close();
  }
}
