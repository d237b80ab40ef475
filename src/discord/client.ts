import { Client, GatewayIntentBits, Options, Partials } from 'discord.js';
import type { Config } from '../config.js';
import { NO_PINGS } from './no-pings.js';
import { unbindTokenlessRequests } from './unbound-requests.js';

export function createDiscordClient(config: Config): Client {
  const intents = [
    GatewayIntentBits.Guilds,
    GatewayIntentBits.GuildMessages,
    GatewayIntentBits.DirectMessages,
  ];
  // Privileged: only when the operator enabled it in the Developer Portal, or Discord closes with 4014.
  if (config.messageContentIntent) intents.push(GatewayIntentBits.MessageContent);
  const client = new Client({
    intents,
    partials: [Partials.Channel],
    // No message cache: the bot never reads one (a reply's picture, a button's message are fetched
    // or come with their event), and discord.js would otherwise keep 200 messages a channel and
    // patch each on every MESSAGE_UPDATE, one for every progress edit the bot makes.
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }),
    rest: { api: config.discordApiUrl },
    // discord.js runs every shard named here over its own gateway connection in this process;
    // several processes split SHARD_COUNT between them by SHARD_IDS.
    ...(config.shards.count === 'auto'
      ? { shards: 'auto' as const }
      : { shards: [...config.shards.ids], shardCount: config.shards.count }),
    // Belt and braces: every send also sets this explicitly.
    allowedMentions: NO_PINGS,
  });
  // Interaction answers and edits are outside the bot's global limit (see unbound-requests.ts).
  unbindTokenlessRequests(client.rest);
  return client;
}
