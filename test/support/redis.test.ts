import { describe, expect, test } from 'vitest';
import { chooseRedis, REDIS_SKIP_NOTICE } from './redis.js';

// Port 1 on loopback: nothing listens there, so every connection is refused at once.
const CLOSED = 'redis://127.0.0.1:1';

describe('which Redis the Redis tests use', () => {
  test('a REDIS_URL that does not answer fails the run, even outside CI: it was asked for', async () => {
    expect(await chooseRedis({ REDIS_URL: CLOSED })).toMatchObject({
      kind: 'fail',
      reason: expect.stringMatching(/REDIS_URL=redis:\/\/127\.0\.0\.1:1 does not answer \(.*ECONNREFUSED/),
    });
  });

  test('without REDIS_URL and with nothing answering, the tests are skipped with a notice saying how to run them', async () => {
    expect(await chooseRedis({ REDIS_PROBE_URL: CLOSED })).toEqual({
      kind: 'skip',
      notice: REDIS_SKIP_NOTICE,
    });
    expect(REDIS_SKIP_NOTICE).toMatch(/set REDIS_URL=redis:\/\/127\.0\.0\.1:6379 \(or start redis-server\)/);
  });

  test('with CI=true the Redis tests are required: no Redis fails the run', async () => {
    expect(await chooseRedis({ CI: 'true', REDIS_PROBE_URL: CLOSED })).toMatchObject({
      kind: 'fail',
      reason: expect.stringMatching(/^CI=true requires the Redis tests/),
    });
  });
});
