import { describe, expect, test } from 'vitest';
import { said } from '../support/said.js';
import { memoryLimitBackend } from '../../src/jobs/limit-backend.js';
import { dayKey, UserLimits } from '../../src/jobs/user-limits.js';
import { openStore } from '../../src/store/store.js';
import { UserError } from '../../src/errors.js';
import { USAGE_NOT_COUNTED } from '../../src/jobs/present.js';

function setup(perMinute: number, perDay: number, start = Date.UTC(2026, 10, 23, 12, 0, 0)) {
  let now = start;
  const store = openStore(':memory:');
  const limits = new UserLimits({ perMinute, perDay, backend: memoryLimitBackend(store), now: () => now });
  return { limits, store, advance: (ms: number) => (now += ms), at: () => now };
}

describe('UserLimits', async () => {
  test('allows USER_RPM jobs in a minute, then says when the next one is possible', async () => {
    const { limits, advance, at } = setup(3, 0);
    expect((await limits.admit('u')).ok).toBe(true);
    advance(10_000);
    expect((await limits.admit('u')).ok).toBe(true);
    expect((await limits.admit('u')).ok).toBe(true);
    const refused = await limits.admit('u');
    expect(refused.ok).toBe(false);
    // The first job was at t0: a slot frees at t0 + 60 s, shown as a Discord relative timestamp.
    const t0 = at() - 10_000;
    if (!refused.ok) expect(said(refused.message)).toContain(`<t:${Math.ceil((t0 + 60_000) / 1000)}:R>`);
  });

  test('the window slides: a job becomes possible once the oldest is a minute old', async () => {
    const { limits, advance } = setup(2, 0);
    await limits.admit('u');
    advance(30_000);
    await limits.admit('u');
    expect((await limits.admit('u')).ok).toBe(false);
    advance(30_001);
    expect((await limits.admit('u')).ok).toBe(true);
    expect((await limits.admit('u')).ok).toBe(false);
  });

  test('one user’s limit does not touch another’s', async () => {
    const { limits } = setup(1, 0);
    expect((await limits.admit('a')).ok).toBe(true);
    expect((await limits.admit('a')).ok).toBe(false);
    expect((await limits.admit('b')).ok).toBe(true);
  });

  test('the daily cap counts images, is kept in the store, and resets at UTC midnight', async () => {
    const { limits, store, advance, at } = setup(100, 3);
    await limits.recordImages('u', 2);
    const admitted = await limits.admit('u');
    expect(admitted.ok).toBe(true);
    // The job delivers one picture: the one it reserved.
    if (admitted.ok) await limits.settle(admitted.reservation, 1);
    const refused = await limits.admit('u');
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(said(refused.message)).toMatch(/3 pictures for today/);
    expect(await store.usage('u', dayKey(at()))).toBe(3);
    advance(12 * 3600_000);
    expect((await limits.admit('u')).ok).toBe(true);
  });

  test('jobs admitted at once reserve their pictures, so they cannot all slip under the limit', async () => {
    const { limits, store, at } = setup(100, 2);
    const admissions = await Promise.all([limits.admit('u'), limits.admit('u'), limits.admit('u')]);
    expect(admissions.map((a) => a.ok)).toEqual([true, true, false]);
    expect(await store.usage('u', dayKey(at()))).toBe(2);
  });

  test('a job settles at what it delivered: nothing gives its picture back, several count each', async () => {
    const { limits, store, at } = setup(100, 10);
    const a = await limits.admit('u');
    const b = await limits.admit('u');
    if (!a.ok || !b.ok) throw new Error('both should be admitted');
    await limits.settle(a.reservation, 0);
    await limits.settle(b.reservation, 3);
    expect(await store.usage('u', dayKey(at()))).toBe(3);
  });

  test('a refusal by the per-minute limit does not keep the daily reservation', async () => {
    const { limits, store, at } = setup(1, 10);
    expect((await limits.admit('u')).ok).toBe(true);
    expect((await limits.admit('u')).ok).toBe(false);
    expect(await store.usage('u', dayKey(at()))).toBe(1);
  });

  test('when the store cannot write, the job is refused with a reason instead of being free', async () => {
    const store = openStore(':memory:');
    const full = () =>
      Promise.reject(
        Object.assign(new Error('SQLITE_FULL: database or disk is full'), { code: 'SQLITE_FULL' }),
      );
    const broken = { ...store, usage: () => Promise.resolve(0), addUsage: full, reserveUsage: full };
    const limits = new UserLimits({ perMinute: 10, perDay: 5, backend: memoryLimitBackend(broken) });
    await expect(limits.admit('u')).rejects.toThrow(new UserError(USAGE_NOT_COUNTED));
    await store.close();
  });

  test('a daily limit of 0 means unlimited', async () => {
    const { limits } = setup(1000, 0);
    await limits.recordImages('u', 10_000);
    expect((await limits.admit('u')).ok).toBe(true);
  });
});
