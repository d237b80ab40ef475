import { Redis } from 'ioredis';
import type { DailyUsage } from '../core/results.js';

export type WindowHit = { readonly ok: true } | { readonly ok: false; readonly freeAt: number };

/** Where per-user counts live: in this process (and its SQLite), or in Redis for several processes. */
export interface LimitBackend {
  /** Counts a start in the sliding window unless `limit` starts already happened in it. */
  hitWindow(key: string, limit: number, windowMs: number, now: number): Promise<WindowHit>;
  dailyCount(userId: string, day: string): Promise<number>;
  /** Counts one picture for the day unless `limit` (0: none) are already counted; false when full. */
  reserveDaily(userId: string, day: string, limit: number): Promise<boolean>;
  /** Adds (or, negative, gives back) pictures for the day. */
  addDaily(userId: string, day: string, images: number): Promise<void>;
  close(): Promise<void>;
}

export function memoryLimitBackend(store: DailyUsage): LimitBackend {
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
    reserveDaily(userId, day, limit) {
      // Synchronous read and write: nothing else runs between them in this process.
      if (limit > 0 && store.usage(userId, day) >= limit) return Promise.resolve(false);
      store.addUsage(userId, day, 1);
      return Promise.resolve(true);
    },
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

/** Takes one place for the day unless the limit is reached, atomically across processes. */
const RESERVE_DAILY = `
local key, limit, ttl = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])
local count = redis.call('INCRBY', key, 1)
if limit > 0 and count > limit then
  redis.call('DECRBY', key, 1)
  return 0
end
redis.call('EXPIRE', key, ttl)
return 1`;

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
    async reserveDaily(userId, day, limit) {
      return Number(await redis.eval(RESERVE_DAILY, 1, dayKey(userId, day), limit, 2 * 86_400)) === 1;
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
