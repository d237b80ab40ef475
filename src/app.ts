import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Events, type Client } from 'discord.js';
import { commands } from '../commands/index.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { createDiscordClient } from './discord/client.js';
import { attachRouter } from './discord/router.js';
import { createGeminiAdapter } from './gemini/adapter.js';
import { createImageLoader } from './images/load.js';
import { Spool } from './images/spool.js';
import { createGeminiGate, type ClosableGate } from './jobs/gemini-gate.js';
import { JobPipeline } from './jobs/pipeline.js';
import { memoryLimitBackend, quotaIdFor, redisLimitBackend } from './jobs/limit-backend.js';
import { UserLimits } from './jobs/user-limits.js';
import type { Logger } from './logger.js';
import { LogEvent } from './log-events.js';
import { openStore } from './store/store.js';

export interface App {
  readonly ctx: AppContext;
  readonly client: Client;
  start(): Promise<void>;
  /** Drains jobs (see JobPipeline.shutdown) and closes every connection. */
  stop(): Promise<void>;
}

/** Builds the whole bot from a Config: store -> quota gate -> Gemini adapter -> pipeline -> Discord. */
export function createApp(config: Config, log: Logger): App {
  const store = openStore(config.dataDir);
  // Input images wait on disk beside the database while their job runs (see Spool).
  const spool = Spool.open(
    config.dataDir === ':memory:' ? join(tmpdir(), 'banana-bot-spool') : join(config.dataDir, 'spool'),
  );
  const quotaId = quotaIdFor(config.geminiApiKey);
  const gate: ClosableGate = createGeminiGate({
    rpm: config.geminiRpm,
    concurrency: config.geminiConcurrency,
    redisUrl: config.redisUrl,
    id: `${quotaId}:gemini`,
    log,
  });
  const gemini = createGeminiAdapter({
    apiKey: config.geminiApiKey,
    model: config.geminiModel,
    baseUrl: config.geminiBaseUrl,
    timeoutMs: config.geminiTimeoutMs,
    retry: {
      maxAttempts: config.geminiMaxAttempts,
      budgetMs: config.geminiRetryBudgetMs,
      baseDelayMs: 1000,
      maxDelayMs: 30_000,
    },
    gate,
    log,
  });
  const limitBackend = config.redisUrl
    ? redisLimitBackend(config.redisUrl, quotaId)
    : memoryLimitBackend(store);
  const limits = new UserLimits({
    perMinute: config.userRpm,
    perDay: config.userDailyLimit,
    backend: limitBackend,
  });
  const pipeline = new JobPipeline({
    gemini,
    store,
    limits,
    images: createImageLoader(config, spool),
    log,
    concurrency: config.geminiConcurrency,
    maxQueue: config.maxQueue,
  });
  const ctx: AppContext = { config, log, pipeline, store, newJobId: () => randomBytes(4).toString('hex') };
  const client = createDiscordClient(config);
  attachRouter(client, commands, ctx);
  client.once(Events.ClientReady, (c) =>
    log.info(
      { event: LogEvent.botOnline, user: c.user.tag, guilds: c.guilds.cache.size, model: config.geminiModel },
      'bot is online',
    ),
  );
  client.on(Events.ShardDisconnect, (event, shard) =>
    log.warn({ event: LogEvent.gatewayDisconnected, code: event.code, shard }, 'gateway disconnected'),
  );
  client.on(Events.ShardResume, (shard) =>
    log.info({ event: LogEvent.gatewayResumed, shard }, 'gateway resumed'),
  );
  client.on(Events.Error, (err) => log.error({ err }, 'discord client error'));

  return {
    ctx,
    client,
    async start() {
      await client.login(config.discordToken);
    },
    async stop() {
      await pipeline.shutdown(config.shutdownGraceMs);
      await client.destroy();
      await gate.stop().catch(() => undefined);
      await limitBackend.close();
      store.close();
      spool.close();
    },
  };
}
