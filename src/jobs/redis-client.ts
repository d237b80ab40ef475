import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger.js';
import { LogEvent } from '../log-events.js';

/**
 * The most one Redis call may take unless its client says otherwise (the quota gate's does). Admission
 * makes these calls, and an interaction whose admission is still running 1 s after Discord made it
 * is acknowledged without waiting (discord/acknowledge.ts), so a hanging Redis still gets the
 * member an answer. Not shorter: in a burst (hundreds of commands at once) the process's own event
 * loop is the slow part, the reply sitting unread in the socket while the timer that gives up on it
 * fires, and a 1 s deadline refused members whose limits Redis had answered in a millisecond.
 */
export const REDIS_DEADLINE_MS = 2000;

/**
 * Fail fast instead of waiting for Redis: a command sent while the connection is down fails at
 * once (no offline queue, no per-request retries), one that hangs fails after REDIS_DEADLINE_MS.
 * The connection itself is retried for ever in the background, so the bot recovers on its own.
 */
export const FAIL_FAST_OPTIONS: RedisOptions = {
  commandTimeout: REDIS_DEADLINE_MS,
  connectTimeout: 1500,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  retryStrategy: (times) => Math.min(times * 200, 2000),
};

/**
 * How long a call waits for a connection that is not ready yet: long enough for a client just
 * created (at start-up) or reconnecting after a blip, short enough that a Redis that is down
 * still gets the member an answer within Discord's 3 seconds.
 */
export const READY_GRACE_MS = 500;

/** Resolves true once the client is ready, or false after `graceMs` if it is not. */
export function whenReady(client: Redis, graceMs = READY_GRACE_MS): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), graceMs);
    client.on('ready', onReady);
  });
}

/** host:port (and database) of a Redis URL, for log lines: never its user name or password. */
export function redisAddress(url: string): string {
  try {
    const u = new URL(url);
    const db = u.pathname.replace(/^\/+/, '');
    return `${u.hostname}:${u.port || '6379'}${db ? `/${db}` : ''}`;
  } catch {
    return 'an unparsable REDIS_URL';
  }
}

/** While Redis stays down, one reminder this often rather than a line per reconnection attempt. */
const REMINDER_MS = 60_000;

/**
 * Turns the 'error' events of Redis clients (ioredis emits one per failed reconnection, and
 * prints "[ioredis] Unhandled error event" on stderr when nobody listens) into a few JSON lines:
 * one when Redis stops answering, a reminder a minute while it stays away, one when it is back.
 */
export class RedisHealth {
  private everReady = false;
  private downSince: number | undefined;
  private lastLogged = 0;
  private suppressed = 0;

  constructor(
    private readonly log: Logger,
    private readonly address: string,
    /** What this connection is for, for the operator reading the log. */
    private readonly purpose: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Listens to a client's 'error' and 'ready' events. */
  watch(client: Redis): void {
    client.on('error', (err: unknown) => this.failed(err));
    client.on('ready', () => this.ready());
  }

  failed(err: unknown): void {
    const now = this.now();
    const detail = err instanceof Error ? err.message : String(err);
    if (this.downSince === undefined) {
      this.downSince = now;
      this.lastLogged = now;
      this.suppressed = 0;
      const fields = { event: LogEvent.redisUnavailable, redis: this.address, purpose: this.purpose, detail };
      if (this.everReady) {
        this.log.error(fields, `Redis at ${this.address} stopped answering; ${this.consequence()}`);
      } else {
        this.log.error(
          fields,
          `cannot reach Redis at ${this.address} (REDIS_URL), used for ${this.purpose}; ${this.consequence()}`,
        );
      }
      return;
    }
    this.suppressed++;
    if (now - this.lastLogged >= REMINDER_MS) {
      this.log.warn(
        {
          event: LogEvent.redisUnavailable,
          redis: this.address,
          purpose: this.purpose,
          detail,
          downMs: now - this.downSince,
          failures: this.suppressed,
        },
        `Redis at ${this.address} is still not answering`,
      );
      this.lastLogged = now;
      this.suppressed = 0;
    }
  }

  ready(): void {
    const wasDown = this.downSince;
    this.everReady = true;
    this.downSince = undefined;
    if (wasDown !== undefined) {
      this.log.info(
        {
          event: LogEvent.redisRecovered,
          redis: this.address,
          purpose: this.purpose,
          downMs: this.now() - wasDown,
        },
        `Redis at ${this.address} answers again`,
      );
    }
  }

  private consequence(): string {
    return 'members are asked to try again shortly until it answers; retrying in the background';
  }
}

/** A Redis client with the fail-fast options whose errors are logged by `health`. */
export function createRedisClient(url: string, health: RedisHealth, options: RedisOptions = {}): Redis {
  const client = new Redis(url, { ...FAIL_FAST_OPTIONS, ...options });
  health.watch(client);
  return client;
}
