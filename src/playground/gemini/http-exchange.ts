import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorAnswer } from './google-errors.js';
import { MAX_REQUEST_BYTES } from './request-reading.js';

/** Reading requests and writing answers on node:http, independent of what is answered. */

export interface Answer {
  status: number;
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export function jsonAnswer(status: number, body: unknown): Answer {
  return { status, body, contentType: 'application/json; charset=UTF-8' };
}

export function fromError(error: ErrorAnswer): Answer {
  return { status: error.status, body: error.body, contentType: error.contentType };
}

/** Body as a Buffer; anything over the API's inline limit is drained and reported as too large. */
export async function readBody(request: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size <= MAX_REQUEST_BYTES) chunks.push(buffer);
  }
  return size > MAX_REQUEST_BYTES ? 'too-large' : Buffer.concat(chunks);
}

/** Resolves true after `ms`, or false as soon as the connection closes. */
export function waitUnlessClosed(ms: number, response: ServerResponse): Promise<boolean> {
  if (response.destroyed || response.writableEnded) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    // setTimeout turns Infinity into 1 ms: a hang must have no timer at all.
    const timer = Number.isFinite(ms) ? setTimeout(done, ms, true) : undefined;
    function done(completed: boolean) {
      if (timer) clearTimeout(timer);
      response.off('close', onClose);
      resolve(completed);
    }
    function onClose() {
      done(false);
    }
    response.on('close', onClose);
  });
}

export function apiKeyOf(request: IncomingMessage, url: URL): string | undefined {
  const header = request.headers['x-goog-api-key'];
  return (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('key') ?? undefined;
}

/** Writes once; a connection that closed or already got its answer is left alone. Returns whether it wrote. */
export function writeAnswer(response: ServerResponse, answer: Answer): boolean {
  if (response.destroyed || response.writableEnded) return false;
  const verbatim = typeof answer.body === 'string' || Buffer.isBuffer(answer.body);
  const payload = verbatim ? (answer.body as string | Buffer) : JSON.stringify(answer.body);
  const contentType =
    answer.contentType ?? (verbatim ? 'text/plain; charset=UTF-8' : 'application/json; charset=UTF-8');
  response.writeHead(answer.status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(payload),
    ...answer.headers,
  });
  response.end(payload);
  return true;
}
