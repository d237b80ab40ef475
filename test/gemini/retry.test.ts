import { afterEach, describe, expect, test, vi } from 'vitest';
import { sleep } from '../../src/core/abort.js';
import { nextRetryDelay, type RetryPolicy } from '../../src/gemini/retry.js';
import type { GeminiFailure } from '../../src/core/generation.js';

const policy: RetryPolicy = { maxAttempts: 4, budgetMs: 60_000, baseDelayMs: 1000, maxDelayMs: 8000 };
const unavailable: GeminiFailure = { kind: 'unavailable', status: 503, message: '503', retryable: true };

describe('nextRetryDelay', () => {
  test('backs off exponentially with jitter between half and all of the ceiling', () => {
    expect(nextRetryDelay(unavailable, 1, 0, policy, () => 0)).toBe(500);
    expect(nextRetryDelay(unavailable, 1, 0, policy, () => 1)).toBe(1000);
    expect(nextRetryDelay(unavailable, 2, 0, policy, () => 1)).toBe(2000);
    expect(nextRetryDelay(unavailable, 3, 0, policy, () => 1)).toBe(4000);
  });

  test('never waits more than the maximum delay', () => {
    const many = { ...policy, maxAttempts: 10 };
    expect(nextRetryDelay(unavailable, 8, 0, many, () => 1)).toBe(8000);
  });

  test('waits at least what the server asked for', () => {
    const limited: GeminiFailure = {
      kind: 'rate-limited',
      message: '429',
      retryable: true,
      retryAfterMs: 7000,
    };
    const delay = nextRetryDelay(limited, 1, 0, policy, () => 0)!;
    expect(delay).toBeGreaterThanOrEqual(7000);
    expect(delay).toBeLessThan(7300);
  });

  test('gives up after the last attempt', () => {
    expect(nextRetryDelay(unavailable, 4, 0, policy)).toBeUndefined();
  });

  test('gives up when the wait would pass the time budget', () => {
    expect(nextRetryDelay(unavailable, 1, 59_800, policy, () => 1)).toBeUndefined();
  });

  test('gives up at once on a quota that will not clear within the budget (a daily limit)', () => {
    const daily: GeminiFailure = {
      kind: 'rate-limited',
      message: '429',
      retryable: true,
      retryAfterMs: 3_600_000,
    };
    expect(nextRetryDelay(daily, 1, 0, policy)).toBeUndefined();
  });

  test('does not retry what cannot succeed later', () => {
    expect(
      nextRetryDelay({ kind: 'bad-request', message: '400', retryable: false }, 1, 0, policy),
    ).toBeUndefined();
  });
});

describe('sleep', () => {
  afterEach(() => vi.useRealTimers());

  test('resolves after the delay on the clock', async () => {
    vi.useFakeTimers();
    let done = false;
    void sleep(5000).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(4999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
  });

  test('is cancelled by its signal', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const p = sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
  });
});
