import { GENERIC_FAILURE } from '../errors.js';
import { text } from '../text/catalogue.js';
import type { GeminiFailure } from '../core/generation.js';

/** One line for the user per way a Gemini call can fail: what happened and what to do. */
export function describeFailure(failure: GeminiFailure): string {
  switch (failure.kind) {
    case 'rate-limited':
      return text('failure.rateLimited');
    case 'unavailable':
      return text('failure.unavailable');
    case 'timeout':
      return text('failure.timeout');
    case 'network':
      return text('failure.network');
    case 'misconfigured':
      return text('failure.misconfigured');
    case 'too-large':
      return text('failure.tooLarge');
    case 'bad-request':
      return text('failure.badRequest');
    case 'answer-too-large':
      return text('failure.answerTooLarge');
    case 'unknown':
      return GENERIC_FAILURE;
  }
}

export const RESTARTING = text('queue.restarting');
export const NOT_STARTED_RESTART = text('queue.notStartedRestart');
export const INTERRUPTED_RESTART = text('queue.interruptedRestart');
/** A journaled job found by another process too late to run (RESUME_MAX_AGE). */
export const LOST_IN_RESTART = text('queue.lostInRestart');
/** A journaled job that had already been sent to Gemini twice. */
export const FAILED_TWICE = text('queue.failedTwice');
/** A journaled job found while its result was being posted: it is never posted twice. */
export const MAYBE_POSTED = text('queue.maybePosted');
export const QUEUE_FULL = text('queue.full');
export const SHARED_STORE_DOWN = text('queue.sharedStoreDown');
export const USAGE_NOT_COUNTED = text('queue.usageNotCounted');
