import { UserError } from '../errors.js';

/** Discord's own limit on a string option, counted as Discord counts: in characters (code points). */
export const PROMPT_MAX = 2000;

/**
 * Format and bidirectional controls, zero-width characters and fillers (U+3164, U+FFA0, U+115F,
 * U+1160): a prompt made only of these looks empty to a member and means nothing to the model.
 */
const INVISIBLE = /[\p{Cf}\p{Cc}\p{Z}\s\u115f\u1160\u3164\uffa0\u2800]/gu;

/** Characters as Discord counts them: code points, so an emoji is one, not two UTF-16 units. */
export const characterCount = (text: string): number => [...text].length;

/**
 * Cuts text to at most max characters, at a word boundary when one is near, marking the cut.
 * Never splits a surrogate pair, and counts in UTF-16 units, which is never fewer than Discord's
 * count, so the result fits any Discord limit of max.
 */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  // A high surrogate at the end would be half of a character.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.7 ? cut.slice(0, space) : cut}…`;
}

/** A prompt on one line with runs of white space folded. */
export const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/**
 * The one cleaning of a member's prompt, whatever the entry point: folds white space, refuses a
 * prompt with nothing visible in it, and enforces Discord's own length as Discord counts it.
 */
export function cleanPrompt(raw: string): string {
  const prompt = oneLine(raw);
  if (!prompt.replace(INVISIBLE, '')) {
    throw new UserError('Please describe what you want: the prompt is empty.');
  }
  if (characterCount(prompt) > PROMPT_MAX) {
    throw new UserError(`That prompt is too long: ${PROMPT_MAX} characters at most.`);
  }
  return prompt;
}
