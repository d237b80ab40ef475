import { randomBytes } from 'node:crypto';
import { inEnglish } from '../support/said.js';
import { pino } from 'pino';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { createGeminiGate } from '../../src/jobs/gemini-gate.js';
import { redisLimitBackend } from '../../src/jobs/limit-backend.js';
import { BOT_SCOPE, guildScope, SpendBudgets } from '../../src/jobs/budgets.js';
import { UserLimits } from '../../src/jobs/user-limits.js';
import { deleteOwnKeys } from '../support/redis.js';

// A real Redis, or none and these tests skipped: see test/support/redis.ts.
const redisUrl = inject('redisUrl');
const REDIS = redisUrl ?? '';
// Every key of this file's run contains it, so the cleanup deletes those and nothing else.
const RUN = `test:${randomBytes(6).toString('hex')}`;
let made = 0;
const prefix = () => `${RUN}:${made++}`;

describe.skipIf(redisUrl === null)('limits shared through Redis', () => {
  afterAll(async () => {
    await deleteOwnKeys(REDIS, RUN);
  });

  test('two processes’ limiters share one USER_RPM window: together they admit exactly the limit', async () => {
    const p = prefix();
    const a = redisLimitBackend(REDIS, p);
    const b = redisLimitBackend(REDIS, p);
    try {
      const limitsA = new UserLimits({ perMinute: 5, perDay: 0, backend: a });
      const limitsB = new UserLimits({ perMinute: 5, perDay: 0, backend: b });
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => (i % 2 ? limitsA : limitsB).admit('user-1')),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(5);
      expect(inEnglish(results.find((r) => !r.ok)!)).toMatchObject({
        message: expect.stringMatching(/<t:\d+:R>/),
      });
      expect((await limitsA.admit('user-2')).ok).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('two processes racing for the last cent of a budget: exactly one gets it, and settling is shared', async () => {
    const p = prefix();
    const a = redisLimitBackend(REDIS, p);
    const b = redisLimitBackend(REDIS, p);
    const log = pino({ level: 'silent' });
    try {
      const budgetsA = new SpendBudgets({ backend: a, botDailyUsd: 0.2, log });
      const budgetsB = new SpendBudgets({ backend: b, botDailyUsd: 0.2, log });
      const first = await budgetsA.reserve('g', 1, 0.134);
      const race = await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 ? budgetsA : budgetsB).reserve('g', 1, 0.066)),
      );
      expect(race.filter((r) => r.ok)).toHaveLength(1);
      expect(await budgetsB.spentToday(BOT_SCOPE)).toBe(200_000);
      if (!first.ok) throw new Error('the first job was refused');
      await budgetsA.settle(first.hold, 0);
      expect(await budgetsB.spentToday(BOT_SCOPE)).toBe(66_000);
      expect(await budgetsB.spentToday(guildScope('g'))).toBe(66_000);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('daily counts are shared between processes', async () => {
    const p = prefix();
    const a = redisLimitBackend(REDIS, p);
    const b = redisLimitBackend(REDIS, p);
    try {
      const limitsA = new UserLimits({ perMinute: 100, perDay: 3, backend: a });
      const limitsB = new UserLimits({ perMinute: 100, perDay: 3, backend: b });
      await limitsA.recordImages('u', 2);
      await limitsB.recordImages('u', 1);
      expect(inEnglish(await limitsA.admit('u'))).toMatchObject({
        ok: false,
        message: expect.stringMatching(/3 pictures for today/),
      });
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('two gates on one Redis space their Gemini calls as one: never more than GEMINI_RPM per window', async () => {
    const id = prefix();
    const log = pino({ level: 'silent' });
    const a = createGeminiGate({ rpm: 240, concurrency: 4, redisUrl: REDIS, id, log });
    const b = createGeminiGate({ rpm: 240, concurrency: 4, redisUrl: REDIS, id, log });
    try {
      await Promise.all([a.limiter.ready(), b.limiter.ready()]);
      const starts: number[] = [];
      const call = (g: typeof a) => g.schedule(async () => void starts.push(Date.now()));
      await Promise.all(Array.from({ length: 8 }, (_, i) => call(i % 2 ? a : b)));
      starts.sort((x, y) => x - y);
      // 240 per minute = one start every 250 ms across both processes.
      for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(240);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
