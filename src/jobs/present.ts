import { GENERIC_FAILURE } from '../errors.js';
import type { GeminiFailure } from '../gemini/types.js';

/** One line for the user per way a Gemini call can fail: what happened and what to do. */
export function describeFailure(failure: GeminiFailure): string {
  switch (failure.kind) {
    case 'rate-limited':
      return 'Gemini is over its usage quota right now. Please try again in a few minutes.';
    case 'unavailable':
      return 'Gemini is overloaded or unavailable right now, even after several tries. Please try again in a minute.';
    case 'timeout':
      return 'Gemini took too long to answer. Please try again; a simpler request may be quicker.';
    case 'network':
      return 'I could not reach Gemini just now. Please try again shortly.';
    case 'misconfigured':
      return 'I am misconfigured: Gemini rejected my API key or model name. Please tell the server’s admins; nothing is wrong with your request.';
    case 'too-large':
      return 'Your images are too large for Gemini together. Try fewer or smaller images.';
    case 'bad-request':
      return 'Gemini could not process this request. Try different wording or different images.';
    case 'unknown':
      return GENERIC_FAILURE;
  }
}

export const RESTARTING = 'I am restarting right now. Please try again in a minute.';
export const NOT_STARTED_RESTART =
  'I had to restart before your job started, so nothing was made and nothing counted against your limits. Please try again in a minute.';
export const INTERRUPTED_RESTART =
  'I had to restart while making your picture, so it was not finished. Please try again in a minute.';
export const QUEUE_FULL = 'I am very busy right now: the queue is full. Please try again shortly.';
export const SHARED_STORE_DOWN =
  'My shared limits store is not answering right now. Please try again in a minute.';
