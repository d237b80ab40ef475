import Bottleneck from 'bottleneck';
import type { GeminiGate } from '../core/generation.js';
import type { Logger } from '../logger.js';
import { sleep } from '../core/abort.js';

export interface GateOptions {
  readonly rpm: number;
  readonly concurrency: number;
  /** Shares the quota between processes through Bottleneck's Redis datastore. */
  readonly redisUrl?: string | undefined;
  readonly id?: string;
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
  if (opts.redisUrl) {
    Object.assign(settings, {
      id: opts.id ?? 'gemini-quota',
      datastore: 'ioredis',
      clearDatastore: false,
      clientOptions: opts.redisUrl,
      // Keys expire if every process is gone for a while, so stale state never blocks a new deploy.
      timeout: 10 * 60_000,
    });
  }
  const limiter = new Bottleneck(settings);
  limiter.on('error', (err: unknown) => opts.log.error({ err }, 'quota limiter error'));
  let pausedUntil = 0;

  return {
    limiter,
    schedule<T>(fn: () => Promise<T>): Promise<T> {
      return limiter.schedule(async () => {
        // Hold the slot while Gemini has asked everyone to wait, so no attempt slips past.
        while (Date.now() < pausedUntil) await sleep(pausedUntil - Date.now());
        return fn();
      });
    },
    backOff(ms: number) {
      const until = Date.now() + ms;
      if (until > pausedUntil) {
        pausedUntil = until;
        opts.log.warn({ waitMs: ms }, 'Gemini quota exhausted; pausing every Gemini call');
      }
    },
    async stop() {
      await limiter.disconnect(false);
    },
  };
}
