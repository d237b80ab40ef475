import { Redis } from 'ioredis';

/** Where a developer's Redis usually answers; looked for when REDIS_URL is unset. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const PROBE_TIMEOUT_MS = 1000;

export const REDIS_SKIP_NOTICE = `Redis tests skipped: set REDIS_URL=${DEFAULT_REDIS_URL} (or start redis-server) to run them`;

export type RedisChoice =
  | { readonly kind: 'use'; readonly url: string }
  | { readonly kind: 'skip'; readonly notice: string }
  | { readonly kind: 'fail'; readonly reason: string };

/**
 * Which Redis the tests that need one use:
 * - REDIS_URL when it is set; one that does not answer fails the run (it was asked for);
 * - otherwise a Redis answering at REDIS_PROBE_URL (default redis://127.0.0.1:6379), since developers often run one;
 * - otherwise none: the tests are skipped, unless CI=true, where they are required and the run fails.
 */
export async function chooseRedis(env: NodeJS.ProcessEnv): Promise<RedisChoice> {
  const configured = env.REDIS_URL?.trim();
  if (configured) {
    const problem = await pingRedis(configured);
    return problem === null
      ? { kind: 'use', url: configured }
      : { kind: 'fail', reason: `REDIS_URL=${configured} does not answer (${problem})` };
  }
  const probeUrl = env.REDIS_PROBE_URL?.trim() || DEFAULT_REDIS_URL;
  const problem = await pingRedis(probeUrl);
  if (problem === null) return { kind: 'use', url: probeUrl };
  if (env.CI === 'true') {
    return {
      kind: 'fail',
      reason: `CI=true requires the Redis tests, but REDIS_URL is unset and nothing answers at ${probeUrl} (${problem})`,
    };
  }
  return { kind: 'skip', notice: REDIS_SKIP_NOTICE };
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
