import { GatewayCloseCodes } from 'discord.js';

/**
 * Gateway close codes after which Discord will not take the bot back until the operator changes
 * something: each with what to change. discord.js does not reconnect after these.
 */
const FATAL_CLOSES: ReadonlyMap<number, string> = new Map([
  [
    GatewayCloseCodes.AuthenticationFailed,
    'Discord rejected DISCORD_TOKEN (it was reset or is wrong). Copy the token again from the Developer Portal (Bot -> Reset Token) and restart.',
  ],
  [
    GatewayCloseCodes.DisallowedIntents,
    'Discord refused the MessageContent intent. Enable “Message Content Intent” in the Developer Portal (Bot page), or set MESSAGE_CONTENT_INTENT=false, and restart.',
  ],
  [
    GatewayCloseCodes.InvalidIntents,
    'Discord says the intents the bot asked for are invalid. Check MESSAGE_CONTENT_INTENT and restart.',
  ],
  [
    GatewayCloseCodes.ShardingRequired,
    'Discord requires sharding: the bot is in too many servers for one connection. Run it with several shards.',
  ],
  [GatewayCloseCodes.InvalidShard, 'Discord rejected the shard settings. Check the shard count and ids.'],
  [
    GatewayCloseCodes.InvalidAPIVersion,
    'Discord no longer accepts this gateway version. Update discord.js (npm install) and redeploy.',
  ],
]);

/** What the operator must fix after a gateway close, or undefined when the bot can reconnect by itself. */
export function fatalCloseProblem(code: number): string | undefined {
  return FATAL_CLOSES.get(code);
}
