import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import { LogEvent } from '../../src/log-events.js';
import { RedisHealth, redisAddress } from '../../src/jobs/redis-client.js';

function setup() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const raw of chunk.toString('utf8').split('\n')) if (raw) lines.push(JSON.parse(raw));
      done();
    },
  });
  let now = 0;
  const health = new RedisHealth(pino(stream), '127.0.0.1:6390', 'per-user limits', () => now);
  return { lines, health, advance: (ms: number) => (now += ms) };
}

describe('RedisHealth', () => {
  test('an outage is one error line, a reminder a minute, and one line when Redis is back', async () => {
    const { lines, health, advance } = setup();
    health.ready();
    for (let i = 0; i < 100; i++) {
      health.failed(new Error('connect ECONNREFUSED 127.0.0.1:6390'));
      advance(1000);
    }
    health.ready();
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => [l.level, l.event])).toEqual([
      [50, LogEvent.redisUnavailable],
      [40, LogEvent.redisUnavailable],
      [30, LogEvent.redisRecovered],
    ]);
    expect(lines[0]!.msg).toBe(
      'Redis at 127.0.0.1:6390 stopped answering; members are asked to try again shortly until it answers; retrying in the background',
    );
    expect(lines[1]).toMatchObject({ downMs: 60_000, failures: 60 });
    expect(lines[2]).toMatchObject({ downMs: 100_000, purpose: 'per-user limits' });
  });

  test('never connected yet: the line says Redis cannot be reached, what for, and that it is REDIS_URL', async () => {
    const { lines, health } = setup();
    health.failed(new Error('connect ECONNREFUSED 127.0.0.1:6390'));
    await new Promise((r) => setImmediate(r));
    expect(lines[0]!.msg).toMatch(
      /^cannot reach Redis at 127\.0\.0\.1:6390 \(REDIS_URL\), used for per-user limits;/,
    );
  });

  test.each([
    ['redis://:s3cret@cache.internal:6380/2', 'cache.internal:6380/2'],
    ['rediss://user:pw@host', 'host:6379'],
    ['redis://127.0.0.1:6379', '127.0.0.1:6379'],
  ])('the address of %s in log lines is %s, without credentials', (url, address) => {
    expect(redisAddress(url)).toBe(address);
  });
});
