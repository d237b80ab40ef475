import type { GeminiFailure } from '../core/generation.js';

export interface RetryPolicy {
  readonly maxAttempts: number;
  /** The whole job may not spend longer than this retrying, waits included. */
  readonly budgetMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  budgetMs: 300_000,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
};

/**
 * How long to wait before the next attempt, or undefined to give up. Exponential backoff with full
 * jitter, but never less than the server's RetryInfo delay, and never past the time budget.
 */
export function nextRetryDelay(
  failure: GeminiFailure,
  attempt: number,
  elapsedMs: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | undefined {
  if (!failure.retryable || attempt >= policy.maxAttempts) return undefined;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.round(ceiling / 2 + random() * (ceiling / 2));
  const serverAsked = failure.retryAfterMs ?? 0;
  // A quota that will not clear for minutes (a daily limit) is not worth holding the job for.
  if (serverAsked > policy.budgetMs) return undefined;
  const delay = Math.max(jittered, serverAsked > 0 ? serverAsked + Math.round(random() * 250) : 0);
  if (elapsedMs + delay > policy.budgetMs) return undefined;
  return delay;
}
