import { UserError } from '../errors.js';
import { phrase } from '../text/catalogue.js';
import { characterCount } from '../text/length.js';

/** Discord's own limit on a string option, counted as Discord counts: in characters (code points). */
export const PROMPT_MAX = 2000;

/**
 * Format and bidirectional controls, zero-width characters and fillers (U+3164, U+FFA0, U+115F,
 * U+1160): a prompt made only of these looks empty to a member and means nothing to the model.
 */
const INVISIBLE = /[\p{Cf}\p{Cc}\p{Z}\s\u115f\u1160\u3164\uffa0\u2800]/gu;

/** A prompt on one line with runs of white space folded. */
export const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/**
 * The one cleaning of a member's prompt, whatever the entry point: folds white space, refuses a
 * prompt with nothing visible in it, and enforces Discord's own length as Discord counts it.
 */
export function cleanPrompt(raw: string): string {
  const prompt = oneLine(raw);
  if (!prompt.replace(INVISIBLE, '')) {
    throw new UserError(phrase('prompt.empty'));
  }
  if (characterCount(prompt) > PROMPT_MAX) {
    throw new UserError(phrase('prompt.tooLong', { max: PROMPT_MAX }));
  }
  return prompt;
}
