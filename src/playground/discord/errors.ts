/** An error answered as Discord answers it: a status and a JSON body `{ message, code, errors? }`. */
export class DiscordApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: Record<string, unknown>,
  ) {
    super(message);
  }

  toBody(): Record<string, unknown> {
    return this.errors === undefined
      ? { message: this.message, code: this.code }
      : { message: this.message, code: this.code, errors: this.errors };
  }
}

export const unauthorized = () => new DiscordApiError(401, 0, '401: Unauthorized');
export const notFound = () => new DiscordApiError(404, 0, '404: Not Found');
export const methodNotAllowed = () => new DiscordApiError(405, 0, '405: Method Not Allowed');
export const unknownChannel = () => new DiscordApiError(404, 10003, 'Unknown Channel');
export const unknownGuild = () => new DiscordApiError(404, 10004, 'Unknown Guild');
export const unknownMessage = () => new DiscordApiError(404, 10008, 'Unknown Message');
export const unknownMember = () => new DiscordApiError(404, 10007, 'Unknown Member');
export const unknownUser = () => new DiscordApiError(404, 10013, 'Unknown User');
export const unknownWebhook = () => new DiscordApiError(404, 10015, 'Unknown Webhook');
export const unknownApplication = () => new DiscordApiError(404, 10002, 'Unknown Application');
export const unknownCommand = () => new DiscordApiError(404, 10063, 'Unknown application command');
export const unknownInteraction = () => new DiscordApiError(404, 10062, 'Unknown interaction');
export const invalidWebhookToken = () => new DiscordApiError(401, 50027, 'Invalid Webhook Token');
export const alreadyAcknowledged = () =>
  new DiscordApiError(400, 40060, 'Interaction has already been acknowledged.');
export const missingAccess = () => new DiscordApiError(403, 50001, 'Missing Access');
export const missingPermissions = () => new DiscordApiError(403, 50013, 'Missing Permissions');
export const cannotSendEmptyMessage = () => new DiscordApiError(400, 50006, 'Cannot send an empty message');
export const cannotEditOthersMessage = () =>
  new DiscordApiError(403, 50005, 'Cannot edit a message authored by another user');
export const entityTooLarge = () => new DiscordApiError(413, 40005, 'Request entity too large');
export const invalidJson = () => new DiscordApiError(400, 50109, 'The request body contains invalid JSON.');
export const wrongChannelType = () =>
  new DiscordApiError(400, 50024, 'Cannot execute action on this channel type');
export const threadLocked = () => new DiscordApiError(400, 50083, 'Thread is archived');
export const threadAlreadyCreated = () =>
  new DiscordApiError(400, 160004, 'A thread has already been created for this message');

/** Field errors in Discord's nested `{ field: { _errors: [{ code, message }] } }` shape. */
export function invalidFormBody(path: (string | number)[], code: string, message: string): DiscordApiError {
  let errors: Record<string, unknown> = { _errors: [{ code, message }] };
  for (const key of [...path].reverse()) errors = { [String(key)]: errors };
  return new DiscordApiError(400, 50035, 'Invalid Form Body', errors);
}
