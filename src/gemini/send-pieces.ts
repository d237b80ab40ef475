import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';

/**
 * Sends a POST whose body comes as a sequence of strings, over node:http(s), and answers like
 * fetch: a Response, a TypeError "fetch failed" (with the cause) when the network fails, an
 * AbortError when the signal fires.
 *
 * Why not fetch: its body must be a stream of Uint8Arrays, so every 64 KiB of an image's base64
 * became a fresh ArrayBuffer: 32 MB of them per /edit with three 8 MB images. V8 frees those only
 * at its next full collection, which it puts off until tens of MB of them have piled up. A string
 * written to a socket is copied straight out and is young garbage that the next cheap scavenge frees.
 */
export function sendPieces(
  url: URL,
  init: RequestInit,
  length: number,
  pieces: AsyncIterable<string>,
  agents: Agents,
): Promise<Response> {
  const signal = init.signal ?? undefined;
  return new Promise<Response>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    headers['content-length'] = String(length);
    // fetch would decompress an encoded answer; node:http does not, so ask for none.
    headers['accept-encoding'] = 'identity';
    const secure = url.protocol === 'https:';
    const req = (secure ? https : http).request(url, {
      method: init.method ?? 'POST',
      headers,
      agent: secure ? agents.https : agents.http,
    });
    let answered = false;
    let response: http.IncomingMessage | undefined;
    // A streamed answer is read long after it began: an abort (the attempt's timeout) must also
    // end the body being read, as an AbortError, so it reads as the timeout it is.
    const onAbort = () => {
      const reason = abortError(signal!);
      req.destroy(reason);
      response?.destroy(reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => {
      signal?.removeEventListener('abort', onAbort);
      if (answered) return;
      reject(err.name === 'AbortError' ? err : new TypeError('fetch failed', { cause: err }));
    });
    req.on('response', (res) => {
      answered = true;
      response = res;
      res.on('close', () => signal?.removeEventListener('abort', onAbort));
      const status = res.statusCode ?? 0;
      const responseHeaders = new Headers();
      for (const [name, value] of Object.entries(res.headers)) {
        for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
          responseHeaders.append(name, v);
        }
      }
      const noBody = status === 204 || status === 304 || init.method === 'HEAD';
      if (noBody) res.resume();
      const body = noBody ? null : (Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>);
      resolve(new Response(body, { status, statusText: res.statusMessage ?? '', headers: responseHeaders }));
    });
    void writeAll(req, pieces).catch((err: unknown) => req.destroy(err as Error));
  });
}

export interface Agents {
  readonly http: http.Agent;
  readonly https: https.Agent;
}

/** Connections stay open between requests, as fetch keeps them. `tls`: extra options, for tests. */
export function keepAliveAgents(tls: https.AgentOptions = {}): Agents {
  return {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true, ...tls }),
  };
}

async function writeAll(req: http.ClientRequest, pieces: AsyncIterable<string>): Promise<void> {
  for await (const piece of pieces) {
    if (req.destroyed) return;
    if (!req.write(piece, 'utf8')) {
      await new Promise<void>((resolve) => {
        const done = () => {
          req.off('drain', done);
          req.off('close', done);
          resolve();
        };
        req.on('drain', done);
        req.on('close', done);
      });
    }
  }
  req.end();
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && (reason.name === 'AbortError' || reason.name === 'TimeoutError'))
    return reason;
  return new DOMException('This operation was aborted', 'AbortError');
}
