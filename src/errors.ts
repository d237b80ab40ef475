import { text } from './text/catalogue.js';
/** An error whose message is safe and useful to show the user as it is. */
export class UserError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UserError';
  }
}

export const GENERIC_FAILURE = text('failure.generic');

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
