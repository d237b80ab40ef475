/**
 * A fetch for the Gemini SDK that sends a large JSON body in slices instead of letting undici
 * encode the whole string into one more buffer. An /edit with three 8 MB images makes a 32 MB
 * body; without this, every request in flight holds that body twice (string and bytes).
 */
const SLICE = 1 << 20;
const STREAM_FROM = 4 * SLICE;

function* utf8Slices(text: string): Generator<Uint8Array> {
  for (let i = 0; i < text.length;) {
    let end = Math.min(text.length, i + SLICE);
    // Never split a surrogate pair between two slices.
    const code = text.charCodeAt(end - 1);
    if (end < text.length && code >= 0xd800 && code <= 0xdbff) end--;
    yield Buffer.from(text.slice(i, end), 'utf8');
    i = end;
  }
}

export const streamingFetch: typeof fetch = (input, init) => {
  const body = init?.body;
  if (typeof body !== 'string' || body.length < STREAM_FROM) return fetch(input, init);
  const slices = utf8Slices(body);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = slices.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
  });
  const headers = new Headers(init?.headers);
  // A known length keeps the request a plain one (no chunked encoding).
  headers.set('content-length', String(Buffer.byteLength(body, 'utf8')));
  return fetch(input, { ...init, headers, body: stream, duplex: 'half' } as RequestInit);
};
