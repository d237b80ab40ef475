import { Client, GatewayIntentBits, Partials } from 'discord.js';
import type { Config } from '../config.js';
import { NO_PINGS } from './no-pings.js';

export function createDiscordClient(config: Config): Client {
  const intents = [
    GatewayIntentBits.Guilds,
    GatewayIntentBits.GuildMessages,
    GatewayIntentBits.DirectMessages,
  ];
  // Privileged: only when the operator enabled it in the Developer Portal, or Discord closes with 4014.
  if (config.messageContentIntent) intents.push(GatewayIntentBits.MessageContent);
  return new Client({
    intents,
    partials: [Partials.Channel],
    rest: { api: config.discordApiUrl },
    // discord.js runs every shard named here over its own gateway connection in this process;
    // several processes split SHARD_COUNT between them by SHARD_IDS.
    ...(config.shards.count === 'auto'
      ? { shards: 'auto' as const }
      : { shards: [...config.shards.ids], shardCount: config.shards.count }),
    // Belt and braces: every send also sets this explicitly.
    allowedMentions: NO_PINGS,
  });
}
