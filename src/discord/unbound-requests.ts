import { REST, RESTEvents, type RestEvents } from 'discord.js';

/**
 * Discord's global limit (50 requests a second) is the bot token's: it does not bind requests made
 * without the token, which are an interaction's own (its answer, edits of that answer, follow-ups,
 * all authorised by the interaction's token) and webhooks'. @discordjs/rest counts every request
 * against its client-side copy of that limit except the first answer, so a busy process delivered
 * at most 50 results and progress edits a second in all, however much Gemini quota it had.
 *
 * Here the requests discord.js sends without the token go through a second REST manager with the
 * same options but no global limit: it still honours each route's own limits and Discord's 429s.
 * Requests with the token keep the global limit. Events of the second manager are told on the
 * client's, so whoever listens there (rate limits, invalid requests) hears of both.
 */
export function unbindTokenlessRequests(rest: REST): void {
  const tokenless = new REST({ ...rest.options, globalRequestsPerSecond: Infinity });
  const bound = rest.queueRequest.bind(rest);
  rest.queueRequest = (request) =>
    request.auth === false ? tokenless.queueRequest(request) : bound(request);
  for (const event of Object.values(RESTEvents)) {
    tokenless.on(event, (...args: RestEvents[typeof event]) => rest.emit(event, ...args));
  }
}
