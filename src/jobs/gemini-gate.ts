import Bottleneck from 'bottleneck';
import type { Redis } from 'ioredis';
import { UserError } from '../errors.js';
import type { GeminiGate } from '../core/generation.js';
import type { Logger } from '../logger.js';
import { sleep } from '../core/abort.js';
import { SHARED_STORE_DOWN } from './present.js';
import { createRedisClient, RedisHealth, redisAddress, whenReady } from './redis-client.js';

export interface GateOptions {
  readonly rpm: number;
  readonly concurrency: number;
  /** Shares the quota between processes through Bottleneck's Redis datastore. */
  readonly redisUrl?: string | undefined;
  readonly id?: string;
  /** How long the shared state outlives the last Gemini call (Bottleneck's `timeout`). */
  readonly redisKeyTtlMs?: number;
  readonly log: Logger;
}

export interface ClosableGate extends GeminiGate {
  stop(): Promise<void>;
  readonly limiter: Bottleneck;
}

/**
 * Starts are spaced 1% wider than 60000/RPM: the time from a start to the request reaching Google
 * varies (encoding, connection reuse), and the margin absorbs that jitter so arrivals, which are
 * what Google counts, also stay within the quota.
 */
const SPACING_MARGIN = 1.01;

/**
 * The one Bottleneck every Gemini attempt (retries included) goes through. Spacing starts evenly
 * keeps every sliding 60-second window at or under GEMINI_RPM, which is how Google counts, while
 * a steady load still uses (all but 1% of) the whole quota.
 */
export function createGeminiGate(opts: GateOptions): ClosableGate {
  const minTime = Math.ceil((60_000 / opts.rpm) * SPACING_MARGIN);
  const settings: Bottleneck.ConstructorOptions = { maxConcurrent: opts.concurrency, minTime };
  let shared: SharedConnection | undefined;
  if (opts.redisUrl) {
    shared = sharedConnection(opts.redisUrl, opts.log);
    Object.assign(settings, {
      id: opts.id ?? 'gemini-quota',
      datastore: 'ioredis',
      connection: shared.connection,
      clearDatastore: false,
      // Keys expire if every process is gone for a while, so stale state never blocks a new deploy.
      timeout: opts.redisKeyTtlMs ?? 10 * 60_000,
    });
  }
  const limiter = new Bottleneck(settings);
  // Heartbeats and drains report Redis failures here, every few seconds while it is down: the
  // outage is logged once by RedisHealth, anything else once a minute at most.
  const limiterErrors = throttledErrorLog(opts.log);
  limiter.on('error', (err: unknown) => {
    if (!shared || shared.client.status === 'ready') limiterErrors(err);
  });
  let pausedUntil = 0;

  return {
    limiter,
    async schedule<T>(fn: () => Promise<T>): Promise<T> {
      // Without Redis no process may start a call, and waiting for it here would hold the job
      // silently: say so now. (Jobs already inside Bottleneck go on once Redis is back.)
      if (shared && !(await whenReady(shared.client))) throw new UserError(SHARED_STORE_DOWN);
      let started = false;
      try {
        return await limiter.schedule(async () => {
          started = true;
          // Hold the slot while Gemini has asked everyone to wait, so no attempt slips past.
          while (Date.now() < pausedUntil) await sleep(pausedUntil - Date.now());
          return fn();
        });
      } catch (err) {
        // A failure before the call started is the shared store's (Bottleneck could not queue it).
        if (shared && !started) {
          opts.log.warn({ detail: err instanceof Error ? err.message : String(err) }, 'quota store failed');
          throw new UserError(SHARED_STORE_DOWN);
        }
        throw err;
      }
    },
    backOff(ms: number) {
      const until = Date.now() + ms;
      if (until > pausedUntil) {
        pausedUntil = until;
        opts.log.warn({ waitMs: ms }, 'Gemini quota exhausted; pausing every Gemini call');
      }
    },
    async stop() {
      // The connection is ours (see sharedConnection), so Bottleneck leaves it open. Closing it
      // first also keeps the limiter from unsubscribing on a dead connection, a rejection that
      // Bottleneck does not handle.
      await shared?.connection.disconnect(false);
      await limiter.disconnect(false);
    },
  };
}

const GATE_COMMAND_TIMEOUT_MS = 10_000;

interface SharedConnection {
  readonly connection: Bottleneck.IORedisConnection;
  /** The client Bottleneck runs its scripts on; its status tells whether Redis is reachable. */
  readonly client: Redis;
}

/**
 * Bottleneck's connection on a client of our own: with the fail-fast options (its default client
 * would queue commands for ever while Redis is down), with errors logged as JSON, and with the
 * script errors Bottleneck recovers from spelled the way it expects (see bottleneckScriptErrors).
 */
function sharedConnection(url: string, log: Logger): SharedConnection {
  const health = new RedisHealth(log, redisAddress(url), 'the Gemini quota shared between processes');
  // A longer deadline than the limits': the gate runs after the reply is deferred, and a script
  // that ran in Redis but whose answer came too late leaves its slot counted as running there for
  // good (Bottleneck's jobs have no expiration), so only a Redis that really hangs may time out.
  const client = createRedisClient(url, health, { commandTimeout: GATE_COMMAND_TIMEOUT_MS });
  bottleneckScriptErrors(client);
  const connection = new Bottleneck.IORedisConnection({ client });
  // Both of its clients (ours and the subscriber it duplicates from it) report errors here; ours
  // is already watched, the subscriber shares its fate, and an unheard error would be printed raw.
  connection.on('error', () => undefined);
  return { connection, client };
}

/**
 * Bottleneck 2.19.5 rebuilds its Redis state when a script answers exactly `SETTINGS_KEY_NOT_FOUND`
 * (keys expired after an idle spell, or Redis restarted empty) and registers itself again on
 * exactly `UNKNOWN_CLIENT` (the other processes dropped it after ~10 s without a heartbeat). Since
 * Redis 7 a script's error reply reaches the client as `ERR SETTINGS_KEY_NOT_FOUND`, the equality
 * fails, and the limiter fails every call until the process restarts (SGrondin/bottleneck#205,
 * #212, #219). Taking the prefix off these replies, on the one client Bottleneck runs its scripts
 * on, restores its own recovery. Nothing else's errors are touched.
 */
const BOTTLENECK_SCRIPT_ERROR = /^ERR ((?:SETTINGS_KEY_NOT_FOUND|UNKNOWN_CLIENT)$|OVERWEIGHT:)/;

export function bottleneckScriptErrors(client: Redis): void {
  const define = client.defineCommand.bind(client);
  client.defineCommand = (name, definition) => {
    define(name, definition);
    const commands = client as unknown as Record<string, (...args: unknown[]) => unknown>;
    const script = commands[name]!;
    commands[name] = (...args: unknown[]) => {
      const callback = args.at(-1);
      if (typeof callback === 'function') {
        args[args.length - 1] = (err: unknown, result: unknown) =>
          (callback as (err: unknown, result: unknown) => void)(unprefixed(err), result);
        return script.apply(client, args);
      }
      return (script.apply(client, args) as Promise<unknown>).catch((err: unknown) => {
        throw unprefixed(err);
      });
    };
  };
}

function unprefixed(err: unknown): unknown {
  if (err instanceof Error && BOTTLENECK_SCRIPT_ERROR.test(err.message)) err.message = err.message.slice(4);
  return err;
}

/** At most one line a minute for errors that repeat, with how many were left out. */
function throttledErrorLog(log: Logger, everyMs = 60_000): (err: unknown) => void {
  let last = 0;
  let skipped = 0;
  return (err) => {
    const now = Date.now();
    if (now - last < everyMs) {
      skipped++;
      return;
    }
    log.error({ err, skipped }, 'quota limiter error');
    last = now;
    skipped = 0;
  };
}
