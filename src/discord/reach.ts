import { DiscordAPIError, REST, Routes } from 'discord.js';
import { OperatorError } from '../errors.js';

/** Long enough for a slow network, short enough that a wrong address is said before anyone wonders. */
export const REACH_TIMEOUT_MS = 5000;

/**
 * One quick request to Discord before anything waits on it: an address that accepts connections
 * and never answers would otherwise cost a minute of silence (15 s per try, 4 tries) and end in
 * "This operation was aborted". Throws an OperatorError
 * that says what could not be reached, or that the token was refused.
 */
export async function checkDiscordReachable(apiUrl: string, token: string): Promise<void> {
  const rest = new REST({ api: apiUrl, timeout: REACH_TIMEOUT_MS, retries: 0 }).setToken(token);
  try {
    await rest.get(Routes.gatewayBot());
  } catch (err) {
    if (err instanceof DiscordAPIError && err.status === 401) {
      throw new OperatorError(
        'Discord rejected DISCORD_TOKEN. Copy the token again from the Developer Portal (Bot -> Reset Token).',
      );
    }
    const seconds = REACH_TIMEOUT_MS / 1000;
    const why =
      err instanceof DiscordAPIError ? `it answered ${err.status}` : `no answer within ${seconds} s`;
    throw new OperatorError(
      `Could not reach Discord at ${apiUrl} (${why}). Check the machine's network, or DISCORD_API_URL if you set it.`,
      { cause: err },
    );
  }
}
