import diagnostics from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/** One request/answer on an emulator's port, timed with performance.now() in this process. */
export interface Exchange {
  readonly port: number;
  readonly method: string;
  readonly url: string;
  readonly contentType: string;
  /** Request body bytes: Content-Length, or what the socket read when it had none. */
  contentLength: number;
  /** Request headers parsed. */
  readonly startAt: number;
  /** Request body fully received (undefined until then). */
  bodyEndAt: number | undefined;
  /** Answer handed to the socket in full. */
  finishAt: number | undefined;
  status: number;
  /** Bytes written on the socket for the answer, headers included. */
  responseLength: number;
}

interface ServerMessage {
  request: IncomingMessage;
  response: ServerResponse;
  socket: Socket;
}

/**
 * Times every HTTP exchange of the emulators running in this process through Node's own
 * diagnostics channels, so the emulators need no hooks: Gemini's own arrival-to-answer time,
 * when an upload to Discord was completely received, when a callback arrived.
 */
export class HttpTap {
  private readonly byPort = new Map<number, Exchange[]>();
  private readonly open = new WeakMap<IncomingMessage, Exchange>();
  private readonly written = new WeakMap<Exchange, number>();

  private readonly onStart = (message: unknown) => {
    const { request, socket } = message as ServerMessage;
    const port = socket.localPort ?? 0;
    const exchange: Exchange = {
      port,
      method: request.method ?? 'GET',
      url: request.url ?? '/',
      contentType: String(request.headers['content-type'] ?? ''),
      contentLength: Number(request.headers['content-length'] ?? 0),
      startAt: performance.now(),
      bodyEndAt: undefined,
      finishAt: undefined,
      status: 0,
      responseLength: 0,
    };
    // An 'end' listener does not switch the stream to flowing mode: the emulator still reads it.
    const readBefore = socket.bytesRead;
    request.once('end', () => {
      exchange.bodyEndAt = performance.now();
      // Without Content-Length (chunked), what the socket read is the best figure at hand.
      if (!exchange.contentLength) exchange.contentLength = socket.bytesRead - readBefore;
    });
    this.open.set(request, exchange);
    // Connections are kept alive but used by one exchange at a time, so a delta is this answer.
    this.written.set(exchange, socket.bytesWritten);
    let list = this.byPort.get(port);
    if (!list) this.byPort.set(port, (list = []));
    list.push(exchange);
  };

  private readonly onFinish = (message: unknown) => {
    const { request, response, socket } = message as ServerMessage;
    const exchange = this.open.get(request);
    if (!exchange) return;
    exchange.finishAt = performance.now();
    exchange.status = response.statusCode;
    exchange.responseLength = socket.bytesWritten - (this.written.get(exchange) ?? 0);
  };

  constructor() {
    diagnostics.subscribe('http.server.request.start', this.onStart);
    diagnostics.subscribe('http.server.response.finish', this.onFinish);
  }

  /** Exchanges on this port that started at or after `since` (performance.now() time). */
  on(port: number, since = 0): Exchange[] {
    return (this.byPort.get(port) ?? []).filter((e) => e.startAt >= since);
  }

  /** Forgets everything recorded so far (each scenario has emulators of its own). */
  clear(): void {
    this.byPort.clear();
  }

  close(): void {
    diagnostics.unsubscribe('http.server.request.start', this.onStart);
    diagnostics.unsubscribe('http.server.response.finish', this.onFinish);
  }
}

export function portOf(baseUrl: string): number {
  return Number(new URL(baseUrl).port);
}
