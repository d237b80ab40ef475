import { Redis } from 'ioredis';
import { chooseService, type ServiceChoice } from './service-choice.js';

/** Where a developer's Redis usually answers; looked for when REDIS_URL is unset. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const PROBE_TIMEOUT_MS = 1000;

export const REDIS_SKIP_NOTICE = `Redis tests skipped: set REDIS_URL=${DEFAULT_REDIS_URL} (or start redis-server) to run them`;

export type RedisChoice = ServiceChoice;

/** Which Redis the tests that need one use (REDIS_URL, else the local one; see chooseService). */
export function chooseRedis(env: NodeJS.ProcessEnv): Promise<RedisChoice> {
  return chooseService(
    {
      name: 'Redis',
      urlVariable: 'REDIS_URL',
      probeVariable: 'REDIS_PROBE_URL',
      defaultUrl: DEFAULT_REDIS_URL,
      skipNotice: REDIS_SKIP_NOTICE,
      ping: pingRedis,
    },
    env,
  );
}

/** null when a Redis answers PING at the URL, else why not. */
export async function pingRedis(url: string): Promise<string | null> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: PROBE_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // The event carries the cause (ECONNREFUSED, a wrong password); the rejection only says the connection closed.
  let cause: Error | undefined;
  redis.on('error', (err: Error) => (cause = err));
  try {
    await redis.connect();
    await redis.ping();
    return null;
  } catch (err) {
    return (cause ?? (err instanceof Error ? err : new Error(String(err)))).message;
  } finally {
    redis.disconnect();
  }
}

/**
 * Deletes the keys whose names contain `marker` (a run's own prefix or quota id), and nothing else: the server
 * may be a developer's own, holding keys the tests did not make.
 */
export async function deleteOwnKeys(url: string, marker: string): Promise<number> {
  if (marker.length < 8) throw new Error(`refusing to delete keys by a marker this short: ${marker}`);
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    await redis.connect();
    const pattern = `*${marker.replace(/[*?[\]\\]/g, '\\$&')}*`;
    for await (const keys of redis.scanStream({ match: pattern, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    }
    return deleted;
  } finally {
    redis.disconnect();
  }
}
