import { randomBytes } from 'node:crypto';

/**
 * Images travel to Gemini without ever becoming strings in memory. The request the SDK serialises
 * carries a short random token where each image's base64 would be; the fetch below streams the
 * JSON and, in each token's place, the base64 encoded slice by slice from the image's bytes.
 *
 * Without this, an /edit with three 8 MB images held its inputs three times while Gemini worked:
 * as bytes, as 32 MB of base64 strings, and as the SDK's 32 MB JSON body.
 */
const TOKEN = /bbinline_[0-9a-f]{32}/g;
/**
 * Slices stay small (64 KiB of base64) so each temporary string and buffer is an ordinary young
 * object that a cheap scavenge frees, not a large object left for the next full collection.
 */
const TEXT_SLICE = 1 << 16;
/** A multiple of 3 bytes, so each slice encodes to base64 without padding in the middle. */
const BYTES_SLICE = 3 * (1 << 14);

export class InlineImages {
  private readonly images = new Map<string, Buffer>();

  /** The string to put in inlineData.data; valid until released. */
  register(data: Buffer): string {
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

  /** A fetch for the SDK: bodies with tokens are streamed with the images in place. */
  readonly fetch: typeof fetch = (input, init) => {
    const body = init?.body;
    if (typeof body !== 'string') return fetch(input, init);
    const pieces = this.split(body);
    if (pieces.length === 1 && typeof pieces[0] === 'string') return fetch(input, init);

    const length = pieces.reduce(
      (n, p) => n + (typeof p === 'string' ? Buffer.byteLength(p, 'utf8') : 4 * Math.ceil(p.length / 3)),
      0,
    );
    const chunks = streamPieces(pieces);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
    });
    const headers = new Headers(init?.headers);
    // A known length keeps the request a plain one (no chunked encoding).
    headers.set('content-length', String(length));
    return fetch(input, { ...init, headers, body: stream, duplex: 'half' } as RequestInit);
  };

  private split(body: string): (string | Buffer)[] {
    const pieces: (string | Buffer)[] = [];
    let last = 0;
    for (const match of body.matchAll(TOKEN)) {
      const image = this.images.get(match[0]);
      if (!image) continue;
      pieces.push(body.slice(last, match.index), image);
      last = match.index + match[0].length;
    }
    pieces.push(body.slice(last));
    return pieces.filter((p) => p.length > 0);
  }
}

function* streamPieces(pieces: (string | Buffer)[]): Generator<Uint8Array> {
  for (const piece of pieces) {
    if (typeof piece !== 'string') {
      for (let i = 0; i < piece.length; i += BYTES_SLICE) {
        yield Buffer.from(piece.subarray(i, i + BYTES_SLICE).toString('base64'), 'latin1');
      }
      continue;
    }
    for (let i = 0; i < piece.length;) {
      let end = Math.min(piece.length, i + TEXT_SLICE);
      // Never split a surrogate pair between two slices.
      const code = piece.charCodeAt(end - 1);
      if (end < piece.length && code >= 0xd800 && code <= 0xdbff) end--;
      yield Buffer.from(piece.slice(i, end), 'utf8');
      i = end;
    }
  }
}
