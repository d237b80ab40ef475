import { ENGLISH, phrase, type Phrase } from './text/catalogue.js';

/**
 * An error that is safe and useful to show the member: it carries what to say as a phrase, said in
 * the member's language where it is shown; its message is the English, for logs and tests.
 */
export class UserError extends Error {
  constructor(
    readonly phrase: Phrase,
    options?: ErrorOptions,
  ) {
    super(ENGLISH.say(phrase), options);
    this.name = 'UserError';
  }
}

/** What a member is told when something failed on the bot's side and no better words exist. */
export const GENERIC_FAILURE: Phrase = phrase('failure.generic');

/** The phrase for any error: a UserError's own, or the generic failure (the details stay in the log). */
export const phraseOf = (err: unknown): Phrase => (err instanceof UserError ? err.phrase : GENERIC_FAILURE);

/**
 * An error the operator fixes, not the code: its message says what is wrong and how to fix it, in
 * words, so start-up prints it as it is (no stack trace) and exits 1.
 */
export class OperatorError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'OperatorError';
  }
}
