import { ENGLISH, type Phrase } from '../../src/text/catalogue.js';

/** A phrase as an English-speaking member reads it (undefined stays undefined). */
export const said = (p: Phrase | undefined): string | undefined =>
  p === undefined ? undefined : ENGLISH.say(p);

/** An answer object with its `message` phrase said in English, for comparing with toMatchObject. */
export function inEnglish<T extends object>(answer: T): T {
  const message = (answer as { message?: unknown }).message;
  return message && typeof message === 'object'
    ? { ...answer, message: ENGLISH.say(message as Phrase) }
    : answer;
}
