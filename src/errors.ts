import { text } from './text/catalogue.js';
/** An error whose message is safe and useful to show the user as it is. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

export const GENERIC_FAILURE = text('failure.generic');
