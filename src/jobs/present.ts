import { GENERIC_FAILURE } from '../errors.js';
import { phrase, type Phrase } from '../text/catalogue.js';
import type { GeminiFailure } from '../core/generation.js';

/** One line for the user per way a Gemini call can fail: what happened and what to do. */
export function describeFailure(failure: GeminiFailure): Phrase {
  switch (failure.kind) {
    case 'rate-limited':
      return phrase('failure.rateLimited');
    case 'unavailable':
      return phrase('failure.unavailable');
    case 'timeout':
      return phrase('failure.timeout');
    case 'network':
      return phrase('failure.network');
    case 'misconfigured':
      return phrase('failure.misconfigured');
    case 'too-large':
      return phrase('failure.tooLarge');
    case 'bad-request':
      return phrase('failure.badRequest');
    case 'answer-too-large':
      return phrase('failure.answerTooLarge');
    case 'unknown':
      return GENERIC_FAILURE;
  }
}

export const RESTARTING = phrase('queue.restarting');
export const NOT_STARTED_RESTART = phrase('queue.notStartedRestart');
export const INTERRUPTED_RESTART = phrase('queue.interruptedRestart');
/** A journaled job found by another process too late to run (RESUME_MAX_AGE). */
export const LOST_IN_RESTART = phrase('queue.lostInRestart');
/** A journaled job that had already been sent to Gemini twice. */
export const FAILED_TWICE = phrase('queue.failedTwice');
/** A journaled job found while its result was being posted: it is never posted twice. */
export const MAYBE_POSTED = phrase('queue.maybePosted');
export const QUEUE_FULL = phrase('queue.full');
export const SHARED_STORE_DOWN = phrase('queue.sharedStoreDown');
export const USAGE_NOT_COUNTED = phrase('queue.usageNotCounted');
