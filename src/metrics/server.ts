import { within } from '../core/abort.js';
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface HealthCheck {
  /** The Discord gateway session is ready. */
  gatewayConnected(): boolean;
  /** The store answers a read (rejects or answers false when it does not). */
  storeUsable(): Promise<boolean>;
}

/** How long /healthz waits for the store before calling it unusable. */
const STORE_CHECK_MS = 2000;

/**
 * The operator's HTTP listener: GET /metrics in Prometheus text format, GET /healthz answering 200
 * when the gateway is connected and the store usable, 503 otherwise, with a short JSON body.
 */
export function startMetricsServer(
  port: number,
  registry: Registry,
  health: HealthCheck,
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
        () => res.writeHead(500).end(),
      );
      return;
    }
    if (path === '/healthz') {
      void storeCheck(health).then((store) => {
        const gateway = health.gatewayConnected();
        const ok = gateway && store;
        res
          .writeHead(ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' })
          .end(
            JSON.stringify({
              status: ok ? 'ok' : 'unhealthy',
              gateway: gateway ? 'connected' : 'disconnected',
              store: store ? 'ok' : 'unusable',
            }),
          );
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics or /healthz\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      const address = server.address();
      resolve({
        server,
        port: typeof address === 'object' && address ? address.port : port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // A scraper's keep-alive connection would hold close() open until it idles out.
            server.closeAllConnections();
          }),
      });
    });
  });
}

async function storeCheck(health: HealthCheck): Promise<boolean> {
  return (
    (await within(
      health.storeUsable().catch(() => false),
      STORE_CHECK_MS,
    )) ?? false
  );
}
