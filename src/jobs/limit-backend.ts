import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Store } from '../store/store.js';

export type WindowHit = { readonly ok: true } | { readonly ok: false; readonly freeAt: number };

/** Where per-user counts live: in this process (and its SQLite), or in Redis for several processes. */
export interface LimitBackend {
  /** Counts a start in the sliding window unless `limit` starts already happened in it. */
  hitWindow(key: string, limit: number, windowMs: number, now: number): Promise<WindowHit>;
  dailyCount(userId: string, day: string): Promise<number>;
  addDaily(userId: string, day: string, images: number): Promise<void>;
  close(): Promise<void>;
}

export function memoryLimitBackend(store: Store): LimitBackend {
  const starts = new Map<string, number[]>();
  return {
    hitWindow(key, limit, windowMs, now) {
      const recent = (starts.get(key) ?? []).filter((t) => t > now - windowMs);
      if (recent.length >= limit) {
        starts.set(key, recent);
        return Promise.resolve({ ok: false, freeAt: recent[0]! + windowMs });
      }
      recent.push(now);
      starts.set(key, recent);
      return Promise.resolve({ ok: true });
    },
    dailyCount: (userId, day) => Promise.resolve(store.usage(userId, day)),
    addDaily(userId, day, images) {
      store.addUsage(userId, day, images);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}

/**
 * Sliding window as a sorted set of start times, checked and updated in one Lua call so two
 * processes cannot both take the last place.
 */
const HIT_WINDOW = `
local key, limit, window, now, member = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) >= limit then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return tonumber(oldest[2]) + window
end
redis.call('ZADD', key, now, member)
redis.call('PEXPIRE', key, window)
return 0`;

/**
 * The prefix of every Redis key a bot writes: its windows and daily counts here, and `b_<prefix>:gemini_*` for
 * the Gemini gate's Bottleneck. The quota belongs to the key's Google project: processes sharing a key share it.
 */
export function quotaIdFor(geminiApiKey: string): string {
  return `banana:${createHash('sha256').update(geminiApiKey).digest('hex').slice(0, 16)}`;
}

export function redisLimitBackend(url: string, prefix: string): LimitBackend {
  const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
  let seq = 0;
  const dayKey = (userId: string, day: string) => `${prefix}:daily:${day}:${userId}`;
  return {
    async hitWindow(key, limit, windowMs, now) {
      const member = `${now}:${process.pid}:${seq++}`;
      const freeAt = Number(
        await redis.eval(HIT_WINDOW, 1, `${prefix}:window:${key}`, limit, windowMs, now, member),
      );
      return freeAt === 0 ? { ok: true } : { ok: false, freeAt };
    },
    async dailyCount(userId, day) {
      return Number((await redis.get(dayKey(userId, day))) ?? 0);
    },
    async addDaily(userId, day, images) {
      const key = dayKey(userId, day);
      await redis
        .multi()
        .incrby(key, images)
        .expire(key, 2 * 86_400)
        .exec();
    },
    async close() {
      await redis.quit().catch(() => undefined);
    },
  };
}
