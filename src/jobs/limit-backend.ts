import { createHash, randomBytes } from 'node:crypto';
import { pino } from 'pino';
import type { Redis } from 'ioredis';
import { UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { DailyUsage, SpendLedger } from '../core/results.js';
import { SHARED_STORE_DOWN, USAGE_NOT_COUNTED } from './present.js';
import { createRedisClient, RedisHealth, redisAddress, whenReady } from './redis-client.js';

/**
 * Every Redis key of the bot starts with this. Google's quota belongs to the API key's project,
 * so processes sharing a key share the prefix (and the quota), and nothing else does.
 */
export function redisKeyPrefix(geminiApiKey: string): string {
  return `banana:${createHash('sha256').update(geminiApiKey).digest('hex').slice(0, 16)}`;
}

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
  /** Budgets in micro-dollars: see SpendLedger; shared by every process when in Redis. */
  reserveSpend: SpendLedger['reserveSpend'];
  addSpend: SpendLedger['addSpend'];
  spent: SpendLedger['spent'];
  close(): Promise<void>;
}

export function memoryLimitBackend(store: DailyUsage & SpendLedger): LimitBackend {
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
    dailyCount: (userId, day) => store.usage(userId, day),
    async reserveDaily(userId, day, limit) {
      // One atomic step in the store: two jobs racing for the last picture cannot both get it.
      try {
        return await store.reserveUsage(userId, day, limit);
      } catch (err) {
        // A picture that cannot be counted (a full disk, a broken database) is not handed out free.
        throw new UserError(USAGE_NOT_COUNTED, { cause: err });
      }
    },
    async addDaily(userId, day, images) {
      await store.addUsage(userId, day, images);
    },
    async reserveSpend(claims, day, micros) {
      try {
        return await store.reserveSpend(claims, day, micros);
      } catch (err) {
        // Spend that cannot be counted is not spent unchecked.
        throw new UserError(USAGE_NOT_COUNTED, { cause: err });
      }
    },
    addSpend: (scopes, day, micros) => store.addSpend(scopes, day, micros),
    spent: (scope, day) => store.spent(scope, day),
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

/**
 * Adds ARGV[1] micro-dollars to every key unless one would pass its limit (ARGV[2..], 0: none):
 * all or nothing, so two processes racing for the last cent cannot both get it. Returns 0 when
 * reserved, else the 1-based index of the full key.
 */
const RESERVE_SPEND = `
local micros, ttl = tonumber(ARGV[1]), tonumber(ARGV[2])
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[i + 2])
  if limit > 0 and tonumber(redis.call('GET', key) or '0') + micros > limit then return i end
end
for _, key in ipairs(KEYS) do
  redis.call('INCRBY', key, micros)
  redis.call('EXPIRE', key, ttl)
end
return 0`;

type ScriptCall = (...args: (string | number)[]) => Promise<unknown>;

/**
 * A Lua script as a command of `redis`: ioredis sends it by its SHA1 (EVALSHA), and the whole
 * script only the first time on a connection or when Redis lost it (a restart answers NOSCRIPT).
 * Without numberOfKeys, the first argument says how many keys follow.
 */
function script(redis: Redis, name: string, lua: string, numberOfKeys?: number): ScriptCall {
  redis.defineCommand(name, { lua, ...(numberOfKeys !== undefined ? { numberOfKeys } : {}) });
  const call = (redis as unknown as Record<string, ScriptCall>)[name]!;
  return (...args) => call.apply(redis, args);
}

/**
 * Limits kept in Redis. Every call answers within REDIS_DEADLINE_MS: when Redis is down (at once)
 * or hangs, admission fails with a UserError the member is told, instead of waiting on Redis.
 */
export function redisLimitBackend(
  url: string,
  prefix: string,
  log: Logger = pino({ level: 'silent' }),
): LimitBackend {
  const redis = createRedisClient(url, new RedisHealth(log, redisAddress(url), 'per-user limits'));
  const hitWindow = script(redis, 'bananaHitWindow', HIT_WINDOW, 1);
  const reserveDaily = script(redis, 'bananaReserveDaily', RESERVE_DAILY, 1);
  const reserveSpend = script(redis, 'bananaReserveSpend', RESERVE_SPEND);
  // Names this backend's entries in a window: two backends at the same millisecond (two
  // processes, or two clients in one) must never write the same member, or one start is lost.
  const self = randomBytes(6).toString('hex');
  let seq = 0;
  const dayKey = (userId: string, day: string) => `${prefix}:daily:${day}:${userId}`;
  const spendKey = (scope: string, day: string) => `${prefix}:spend:${day}:${scope}`;
  const answering = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    try {
      if (!(await whenReady(redis))) throw new Error(`not connected (${redis.status})`);
      return await call();
    } catch (err) {
      // The outage itself is logged once by RedisHealth; this is one line per refused member.
      log.warn(
        { call: what, detail: err instanceof Error ? err.message : String(err) },
        'Redis did not answer a limits call',
      );
      throw new UserError(SHARED_STORE_DOWN);
    }
  };
  return {
    async hitWindow(key, limit, windowMs, now) {
      const member = `${now}:${self}:${seq++}`;
      const freeAt = Number(
        await answering('hitWindow', () =>
          hitWindow(`${prefix}:window:${key}`, limit, windowMs, now, member),
        ),
      );
      return freeAt === 0 ? { ok: true } : { ok: false, freeAt };
    },
    dailyCount: (userId, day) =>
      answering('dailyCount', async () => Number((await redis.get(dayKey(userId, day))) ?? 0)),
    reserveDaily: (userId, day, limit) =>
      answering(
        'reserveDaily',
        async () => Number(await reserveDaily(dayKey(userId, day), limit, 2 * 86_400)) === 1,
      ),
    async addDaily(userId, day, images) {
      const key = dayKey(userId, day);
      try {
        if (!(await whenReady(redis))) throw new Error(`not connected (${redis.status})`);
        await redis
          .multi()
          .incrby(key, images)
          .expire(key, 2 * 86_400)
          .exec();
      } catch (err) {
        // The picture is already delivered: a count lost while Redis is away is logged, not thrown.
        log.warn({ err, userId, images }, 'Redis did not answer; these pictures were not counted today');
      }
    },
    async reserveSpend(claims, day, micros) {
      const keys = claims.map((c) => spendKey(c.scope, day));
      const full = Number(
        await answering('reserveSpend', () =>
          reserveSpend(keys.length, ...keys, micros, 2 * 86_400, ...claims.map((c) => c.limitMicros)),
        ),
      );
      return full === 0 ? { ok: true } : { ok: false, full: claims[full - 1]!.scope };
    },
    async addSpend(scopes, day, micros) {
      try {
        if (!(await whenReady(redis))) throw new Error(`not connected (${redis.status})`);
        const multi = redis.multi();
        for (const scope of scopes)
          multi.incrby(spendKey(scope, day), micros).expire(spendKey(scope, day), 2 * 86_400);
        await multi.exec();
      } catch (err) {
        // As with pictures: the job has ended; a settlement lost while Redis is away is logged.
        log.warn({ err, scopes, micros }, 'Redis did not answer; this spend was not settled');
      }
    },
    spent: (scope, day) =>
      answering('spent', async () => Number((await redis.get(spendKey(scope, day))) ?? 0)),
    async close() {
      // quit() needs a live connection; without one, stop the reconnection attempts instead.
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
