import { describe, expect, test } from 'vitest';
import { memoryLimitBackend } from '../../src/jobs/limit-backend.js';
import { dayKey, UserLimits } from '../../src/jobs/user-limits.js';
import { openStore } from '../../src/store/store.js';

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
    if (!refused.ok) expect(refused.message).toContain(`<t:${Math.ceil((t0 + 60_000) / 1000)}:R>`);
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
    expect((await limits.admit('u')).ok).toBe(true);
    await limits.recordImages('u', 1);
    const refused = await limits.admit('u');
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.message).toMatch(/3 pictures for today/);
    expect(store.usage('u', dayKey(at()))).toBe(3);
    advance(12 * 3600_000);
    expect((await limits.admit('u')).ok).toBe(true);
  });

  test('a daily limit of 0 means unlimited', async () => {
    const { limits } = setup(1000, 0);
    await limits.recordImages('u', 10_000);
    expect((await limits.admit('u')).ok).toBe(true);
  });
});
