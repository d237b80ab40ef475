import { hasText, type Phrase } from '../text/catalogue.js';

/**
 * Friendly explanations for every reason Gemini gives for not producing an image (the words are in
 * the text catalogue, keyed by Gemini's own reason codes): what happened and what to try instead.
 */
export function explainRefusal(source: 'prompt' | 'output', reason: string): Phrase {
  // Codes come from Gemini: only upper-case reason codes are looked up, so "constructor" or
  // "unknown" cannot reach anything but the fallback.
  const key = `refusal.${source}.${reason}`;
  return { key: /^[A-Z_]+$/.test(reason) && hasText(key) ? key : `refusal.${source}.unknown`, params: {} };
}

/** finishReasons that mean a normal end: anything else is a refusal when no image came back. */
export const NORMAL_FINISH = new Set(['STOP', 'FINISH_REASON_UNSPECIFIED']);
