import { afterEach, describe, expect, test, vi } from 'vitest';
import { phrase } from '../../src/text/catalogue.js';
import { pino } from 'pino';
import { EditBudget, ProgressReporter } from '../../src/jobs/progress.js';
import type { DeliveryTarget, JobStatus } from '../../src/core/job.js';

function recorder() {
  const calls: { at: number; what: string }[] = [];
  const target: DeliveryTarget = {
    uploadLimit: 1,
    progress: async (s: JobStatus) => {
      calls.push({
        at: Date.now(),
        what: s.state === 'queued' ? `queued ${s.position}` : `generating ${s.attempt}`,
      });
    },
    deliver: async () => {
      calls.push({ at: Date.now(), what: 'result' });
      return undefined;
    },
  };
  return { calls, target };
}

describe('ProgressReporter', () => {
  afterEach(() => vi.useRealTimers());

  test('sends at most one edit per interval, always the latest status', async () => {
    vi.useFakeTimers();
    const { calls, target } = recorder();
    const p = new ProgressReporter(target, pino({ level: 'silent' }), 2000);
    p.update({ state: 'queued', position: 5 });
    await vi.advanceTimersByTimeAsync(0);
    p.update({ state: 'queued', position: 4 });
    p.update({ state: 'queued', position: 3 });
    await vi.advanceTimersByTimeAsync(1000);
    p.update({ state: 'queued', position: 2 });
    await vi.advanceTimersByTimeAsync(1000);
    p.update({ state: 'generating', attempt: 1 });
    await vi.advanceTimersByTimeAsync(2000);
    expect(calls.map((c) => c.what)).toEqual(['queued 5', 'queued 2', 'generating 1']);
    for (let i = 1; i < calls.length; i++)
      expect(calls[i]!.at - calls[i - 1]!.at).toBeGreaterThanOrEqual(2000);
  });

  test('a pending progress edit can never land after the result', async () => {
    vi.useFakeTimers();
    const { calls, target } = recorder();
    const p = new ProgressReporter(target, pino({ level: 'silent' }), 2000);
    p.update({ state: 'queued', position: 2 });
    await vi.advanceTimersByTimeAsync(0);
    p.update({ state: 'generating', attempt: 1 });
    await p.finish(() => target.deliver({ kind: 'failed', message: phrase('failure.generic') }));
    p.update({ state: 'generating', attempt: 2 });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.map((c) => c.what)).toEqual(['queued 2', 'result']);
  });

  test('a failing progress edit does not stop the result', async () => {
    const target: DeliveryTarget = {
      uploadLimit: 1,
      progress: () => Promise.reject(new Error('edit failed')),
      deliver: () => Promise.resolve({ messageId: 'm', channelId: 'c', threadId: null }),
    };
    const p = new ProgressReporter(target, pino({ level: 'silent' }), 0);
    p.update({ state: 'generating', attempt: 1 });
    await new Promise((r) => setTimeout(r, 5));
    await expect(
      p.finish(() => target.deliver({ kind: 'failed', message: phrase('failure.generic') })),
    ).resolves.toMatchObject({
      messageId: 'm',
    });
  });
});

describe('EditBudget', () => {
  afterEach(() => vi.useRealTimers());

  test('allows a burst, then refills at its rate and says when the next edit is free', () => {
    let now = 0;
    const budget = new EditBudget(10, 2, () => now);
    expect(budget.take().ok).toBe(true);
    expect(budget.take().ok).toBe(true);
    expect(budget.take()).toEqual({ ok: false, retryInMs: 100 });
    now = 100;
    expect(budget.take().ok).toBe(true);
  });

  test('many waiting jobs share it: progress edits never exceed the rate, and the latest status still lands', async () => {
    vi.useFakeTimers();
    const sent: number[] = [];
    const budget = new EditBudget(5, 5);
    const reporters = Array.from({ length: 40 }, () => {
      const target: DeliveryTarget = {
        uploadLimit: 1,
        progress: async () => void sent.push(Date.now()),
        deliver: async () => undefined,
      };
      return { target, reporter: new ProgressReporter(target, pino({ level: 'silent' }), 2000, budget) };
    });
    const start = Date.now();
    reporters.forEach(({ reporter }, i) => reporter.update({ state: 'queued', position: i + 1 }));
    await vi.advanceTimersByTimeAsync(10_000);
    // 5 at once, then 5 a second: all 40 in about 7 s, never more than 5 in any second after the burst.
    expect(sent).toHaveLength(40);
    for (let t = start + 1000; t < start + 10_000; t += 1000) {
      expect(sent.filter((s) => s >= t && s < t + 1000).length).toBeLessThanOrEqual(6);
    }
  });
});
