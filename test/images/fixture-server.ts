import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';

/** How the fixture server answers one path: a stand-in for Discord's CDN at its most hostile. */
export type Route = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface FixtureServer {
  readonly origin: string;
  readonly hostPort: string;
  /** Requests seen per path, to prove what was never fetched. */
  readonly hits: Map<string, number>;
  route(path: string, handler: Route): string;
  close(): Promise<void>;
}

export async function startFixtureServer(): Promise<FixtureServer> {
  const routes = new Map<string, Route>();
  const hits = new Map<string, number>();
  const server = http.createServer((req, res) => {
    // The client hangs up on purpose (caps, deadlines): that is not a server error.
    res.on('error', () => {});
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const handler = routes.get(path);
    if (handler) handler(req, res);
    else res.writeHead(404).end('not found');
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    hostPort: `127.0.0.1:${port}`,
    hits,
    route(path, handler) {
      routes.set(path, handler);
      return `${origin}${path}`;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const serve =
  (body: Buffer, headers: http.OutgoingHttpHeaders = {}): Route =>
  (_req, res) =>
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': body.length, ...headers }).end(body);

/** No Content-Length: the size is only known by counting the stream. */
export const streamed =
  (totalBytes: number): Route =>
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'image/png' });
    Readable.from(chunks(totalBytes)).pipe(res);
  };

/** Small on the wire, big once gunzipped: the cap must count the decoded bytes. */
export const gzipBomb = (decodedBytes: number): Route => {
  const wire = zlib.gzipSync(Buffer.alloc(decodedBytes), { level: 9 });
  return (_req, res) =>
    res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': wire.length }).end(wire);
};

export const redirect =
  (location: string, status = 302): Route =>
  (_req, res) =>
    res.writeHead(status, { location }).end();

export const status =
  (code: number): Route =>
  (_req, res) =>
    res.writeHead(code).end(`status ${code}`);

/** Headers and a first byte, then one byte every `everyMs`: a slow loris of a CDN. */
export const drip =
  (everyMs: number): Route =>
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'image/png' });
    res.write(Buffer.from([0x89]));
    const timer = setInterval(() => res.write(Buffer.from([0])), everyMs);
    res.on('close', () => clearInterval(timer));
  };

/** Accepts the connection and never answers. */
export const silent = (): Route => () => {};

function* chunks(total: number): Generator<Buffer> {
  const chunk = Buffer.alloc(64 * 1024, 1);
  for (let sent = 0; sent < total; sent += chunk.length)
    yield chunk.subarray(0, Math.min(chunk.length, total - sent));
}
