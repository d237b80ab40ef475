import { randomBytes } from 'node:crypto';
import { said } from '../support/said.js';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { UserError } from '../../src/errors.js';
import { createGeminiGate, type ClosableGate } from '../../src/jobs/gemini-gate.js';
import { redisLimitBackend, type LimitBackend } from '../../src/jobs/limit-backend.js';
import { SHARED_STORE_DOWN } from '../../src/jobs/present.js';
import { UserLimits } from '../../src/jobs/user-limits.js';
import { LogEvent } from '../../src/log-events.js';
import { ownRedis, redisServerMissing, type OwnRedis } from '../support/redis-server.js';

/** A pino logger whose lines the test can read. */
function capturingLog() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const raw of chunk.toString('utf8').split('\n')) if (raw) lines.push(JSON.parse(raw));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

async function eventually<T>(what: string, fn: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await fn();
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms: ${String(last)}`);
}

const timed = async <T>(p: Promise<T>) => {
  const started = Date.now();
  const result = await p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return { ...result, ms: Date.now() - started };
};

const CI = process.env.CI === 'true';

if (redisServerMissing && CI) {
  test('the Redis fault tests have a redis-server to run against', () => {
    throw new Error(`${redisServerMissing}; CI must run these tests`);
  });
}

describe.skipIf(redisServerMissing !== undefined)(
  `Redis faults, against a redis-server of the test’s own${redisServerMissing ? ` (skipped: ${redisServerMissing})` : ''}`,
  () => {
    let redis: OwnRedis;
    let admin: Redis;
    const closers: (() => Promise<unknown>)[] = [];
    const consoleError = vi.spyOn(console, 'error');

    beforeAll(async () => {
      redis = await ownRedis();
      admin = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      admin.on('error', () => undefined);
    });
    afterEach(async () => {
      redis.thaw();
      await redis.start().catch(() => undefined);
      for (const close of closers.splice(0)) await close().catch(() => undefined);
      // ioredis prints "[ioredis] Unhandled error event" (not JSON) when a client has no listener.
      expect(consoleError).not.toHaveBeenCalled();
    });
    afterAll(async () => {
      admin?.disconnect();
      await redis?.stop();
    });

    const gate = (opts: { id: string; ttlMs?: number; log?: pino.Logger; rpm?: number }): ClosableGate => {
      const g = createGeminiGate({
        rpm: opts.rpm ?? 6000,
        concurrency: 2,
        redisUrl: redis.url,
        id: opts.id,
        redisKeyTtlMs: opts.ttlMs,
        log: opts.log ?? pino({ level: 'silent' }),
      });
      closers.push(() => g.stop());
      return g;
    };
    const backend = (log = pino({ level: 'silent' })): LimitBackend => {
      const b = redisLimitBackend(redis.url, `test:${randomBytes(6).toString('hex')}`, log);
      closers.push(() => b.close());
      return b;
    };
    const call = (g: ClosableGate) => g.schedule(() => Promise.resolve('called'));
    const id = () => `test:${randomBytes(6).toString('hex')}`;
    const settingsKey = (gateId: string) => `b_${gateId}_settings`;

    test('after an idle spell longer than the key lifetime, the next call still runs (keys re-created)', async () => {
      const gateId = id();
      const g = gate({ id: gateId, ttlMs: 1000 });
      expect(await call(g)).toBe('called');
      if (admin.status !== 'ready') await admin.connect();
      expect(await admin.exists(settingsKey(gateId))).toBe(1);
      await eventually('the settings key expiring', async () => {
        if ((await admin.exists(settingsKey(gateId))) !== 0) throw new Error('still there');
      });
      expect(await call(g)).toBe('called');
      expect(await admin.exists(settingsKey(gateId))).toBe(1);
    });

    test('the limit scripts go by their hash, and Redis forgetting them (SCRIPT FLUSH) costs nothing', async () => {
      const limits = new UserLimits({ perMinute: 50, perDay: 0, backend: backend() });
      if (admin.status !== 'ready') await admin.connect();
      await admin.config('RESETSTAT');
      for (let i = 0; i < 5; i++) expect((await limits.admit('u')).ok).toBe(true);
      const calls = async () => {
        const info = await admin.info('commandstats');
        const count = (cmd: string) => Number(new RegExp(`cmdstat_${cmd}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
        return { eval: count('eval'), evalsha: count('evalsha') };
      };
      // Two scripts (the daily reservation and the minute window): each sent whole once, then by hash.
      expect(await calls()).toEqual({ eval: 2, evalsha: 8 });
      // What a Redis restart does to the script cache: the next calls load them again by themselves.
      await admin.script('FLUSH');
      expect((await limits.admit('u')).ok).toBe(true);
      expect((await limits.admit('u')).ok).toBe(true);
      expect(await calls()).toEqual({ eval: 4, evalsha: 12 });
    });

    test('a process the others dropped (its heartbeat missed) registers again and goes on', async () => {
      const gateId = id();
      const g = gate({ id: gateId });
      expect(await call(g)).toBe('called');
      if (admin.status !== 'ready') await admin.connect();
      // What another process's tick does to a client it has not heard from for clientTimeout.
      for (const suffix of ['client_last_seen', 'client_running', 'client_last_registered']) {
        await admin.del(`b_${gateId}_${suffix}`);
      }
      await admin.del(`b_${gateId}_client_num_queued`);
      expect(await call(g)).toBe('called');
    });

    test('after Redis restarts empty, calls run again once it is back, and two gates stay spaced as one', async () => {
      const gateId = id();
      const { log, lines } = capturingLog();
      const a = gate({ id: gateId, log, rpm: 240 });
      const b = gate({ id: gateId, rpm: 240 });
      expect(await call(a)).toBe('called');
      expect(await call(b)).toBe('called');

      await redis.stop();
      const down = await timed(call(a));
      expect(down.ok).toBe(false);
      expect(!down.ok && down.error).toBeInstanceOf(UserError);
      expect(!down.ok && (down.error as Error).message).toBe(said(SHARED_STORE_DOWN));
      expect(down.ms).toBeLessThan(1500);
      // Down long enough for reconnection attempts to fail (a shorter blip goes unnoticed).
      await new Promise((r) => setTimeout(r, 1000));
      await redis.start();

      await eventually('gate a answering', () => call(a));
      await eventually('gate b answering', () => call(b));
      const starts: number[] = [];
      const stamp = (g: ClosableGate) => g.schedule(async () => void starts.push(Date.now()));
      await Promise.all(Array.from({ length: 6 }, (_, i) => stamp(i % 2 ? a : b)));
      starts.sort((x, y) => x - y);
      // 240 per minute = one start every 252 ms (with the margin) across both; unshared, the two
      // would start in pairs. Each start is stamped after a local timer, which a loaded machine can
      // fire some ms late, so single gaps get slack and the whole span is held to the pace.
      for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(200);
      expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(5 * 250);

      const events = lines.map((l) => l.event);
      expect(events.filter((e) => e === LogEvent.redisUnavailable)).toHaveLength(1);
      expect(events).toContain(LogEvent.redisRecovered);
      expect(lines.find((l) => l.event === LogEvent.redisUnavailable)).toMatchObject({
        redis: `127.0.0.1:${redis.port}`,
      });
    });

    test('with Redis down, admission says “try again shortly” at once, and works again when it is back', async () => {
      const { log, lines } = capturingLog();
      const limits = new UserLimits({ perMinute: 5, perDay: 10, backend: backend(log) });
      expect((await limits.admit('u')).ok).toBe(true);

      await redis.stop();
      for (let i = 0; i < 3; i++) {
        const refused = await timed(limits.admit('u'));
        expect(refused.ok).toBe(false);
        expect(!refused.ok && (refused.error as Error).message).toBe(said(SHARED_STORE_DOWN));
        expect(refused.ms).toBeLessThan(1500);
      }
      // The picture is delivered by then: a count that cannot be stored is logged, not thrown.
      await expect(limits.recordImages('u', 1)).resolves.toBeUndefined();
      // Reconnection attempts every ~200 ms..2 s make one line, not one each.
      await new Promise((r) => setTimeout(r, 1500));
      expect(lines.filter((l) => l.event === LogEvent.redisUnavailable)).toHaveLength(1);

      await redis.start();
      await eventually('admission answering again', async () => {
        if (!(await limits.admit('u')).ok) throw new Error('refused');
      });
      expect(lines.some((l) => l.event === LogEvent.redisRecovered)).toBe(true);
    });

    test('a Redis that hangs (frozen): admission answers within 2.5 s, the gate within its longer deadline', async () => {
      const limits = new UserLimits({ perMinute: 5, perDay: 10, backend: backend() });
      const g = gate({ id: id() });
      expect((await limits.admit('u')).ok).toBe(true);
      expect(await call(g)).toBe('called');

      redis.freeze();
      const admission = await timed(limits.admit('u'));
      const scheduled = await timed(call(g));
      redis.thaw();
      expect(!admission.ok && (admission.error as Error).message).toBe(said(SHARED_STORE_DOWN));
      // 2 s, not less: admission is acknowledged after 1 s whatever Redis does.
      expect(admission.ms).toBeGreaterThanOrEqual(1900);
      expect(admission.ms).toBeLessThan(2500);
      expect(!scheduled.ok && (scheduled.error as Error).message).toBe(said(SHARED_STORE_DOWN));
      expect(scheduled.ms).toBeLessThan(11_500);

      await eventually('admission after the thaw', async () => {
        if (!(await limits.admit('u')).ok) throw new Error('refused');
      });
      await eventually('a call after the thaw', () => call(g));
    }, 20_000);

    test('a gate created while Redis is down answers at once, and works once Redis starts', async () => {
      const { log, lines } = capturingLog();
      await redis.stop();
      const g = gate({ id: id(), log });
      const early = await timed(call(g));
      expect(!early.ok && (early.error as Error).message).toBe(said(SHARED_STORE_DOWN));
      expect(early.ms).toBeLessThan(1500);
      expect(lines.find((l) => l.event === LogEvent.redisUnavailable)?.msg).toMatch(
        new RegExp(`cannot reach Redis at 127\\.0\\.0\\.1:${redis.port} \\(REDIS_URL\\)`),
      );
      await redis.start();
      expect(await eventually('a call once Redis is up', () => call(g))).toBe('called');
    });
  },
);
