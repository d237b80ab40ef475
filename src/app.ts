import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Events, Status, type Client } from 'discord.js';
import { buildCommands, buildMessageCommands } from '../commands/index.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { createDiscordClient } from './discord/client.js';
import { fatalCloseProblem } from './discord/fatal-close.js';
import { checkDiscordReachable } from './discord/reach.js';
import { ReplyThrottle } from './discord/reply-throttle.js';
import { attachRouter } from './discord/router.js';
import { ModelRoster } from './core/model-roster.js';
import { createGeminiAdapter } from './gemini/adapter.js';
import { checkOfferedModels } from './gemini/model-check.js';
import { createImageLoader } from './images/load.js';
import { sniffType } from './images/sniff.js';
import { Spool } from './images/spool.js';
import { createGeminiGate, type ClosableGate } from './jobs/gemini-gate.js';
import { JobJournal } from './jobs/journal.js';
import { JobPipeline, type ShutdownSummary } from './jobs/pipeline.js';
import { memoryLimitBackend, redisKeyPrefix, redisLimitBackend } from './jobs/limit-backend.js';
import { UserLimits } from './jobs/user-limits.js';
import type { Logger } from './logger.js';
import { LogEvent } from './log-events.js';
import { openConfiguredStore } from './store/store.js';
import { JournalResumer } from './discord/resume.js';
import { BlockedWords } from './core/blocked-words.js';
import { ModerationLog } from './discord/moderation-log.js';
import { ServerSettings } from './discord/server-settings.js';
import { SpendBudgets } from './jobs/budgets.js';
import { Metrics } from './metrics/metrics.js';
import { AdmissionLoad } from './discord/acknowledge.js';
import { localeProblems, spokenLanguages } from './text/catalogue.js';
import { startMetricsServer } from './metrics/server.js';

export interface App {
  readonly ctx: AppContext;
  readonly client: Client;
  start(): Promise<void>;
  /** Drains jobs (see JobPipeline.shutdown) and closes every connection. */
  stop(): Promise<ShutdownSummary>;
}

/** Builds the whole bot from a Config: store -> quota gate -> Gemini adapter -> pipeline -> Discord. */
export interface AppHooks {
  /** Discord closed the gateway for good (a reset token, a refused intent): the operator must act. */
  onFatal?(problem: string, code: number): void;
}

/** Opens the store (connecting and migrating PostgreSQL when DATABASE_URL is set), then builds the rest. */
export async function createApp(config: Config, log: Logger, hooks: AppHooks = {}): Promise<App> {
  // A locale file that cannot be used is skipped: its members get English, and the operator is told.
  for (const problem of localeProblems) log.warn({ event: LogEvent.localeSkipped }, problem);
  log.info({ languages: spokenLanguages() }, 'languages');
  const store = await openConfiguredStore(config, log);
  const journal = new JobJournal(store, { leaseMs: config.journalLeaseMs, log });
  // Input images wait on disk beside the database while their job runs (see Spool).
  const spool = Spool.open(
    config.dataDir === ':memory:' ? join(tmpdir(), 'banana-bot-spool') : join(config.dataDir, 'spool'),
  );
  // The quota belongs to the key's Google project: processes sharing a key share one quota.
  const quotaId = redisKeyPrefix(config.geminiApiKey);
  const gate: ClosableGate = createGeminiGate({
    rpm: config.geminiRpm,
    concurrency: config.geminiConcurrency,
    redisUrl: config.redisUrl,
    redisKeyTtlMs: config.redisKeyTtlMs,
    id: `${quotaId}:gemini`,
    log,
  });
  const models = new ModelRoster(config.geminiModels, config.geminiModelsSetting);
  const metrics = new Metrics();
  const gemini = createGeminiAdapter({
    apiKey: config.geminiApiKey,
    models,
    baseUrl: config.geminiBaseUrl,
    timeoutMs: config.geminiTimeoutMs,
    retry: {
      maxAttempts: config.geminiMaxAttempts,
      budgetMs: config.geminiRetryBudgetMs,
      baseDelayMs: 1000,
      maxDelayMs: 30_000,
    },
    gate,
    imageType: sniffType,
    log,
    previews: config.previews,
    metrics,
  });
  const limitBackend = config.redisUrl
    ? redisLimitBackend(config.redisUrl, quotaId, log)
    : memoryLimitBackend(store);
  const limits = new UserLimits({
    perMinute: config.userRpm,
    perDay: config.userDailyLimit,
    backend: limitBackend,
  });
  const budgets = new SpendBudgets({ backend: limitBackend, botDailyUsd: config.dailyBudgetUsd, log });
  const client = createDiscordClient(config);
  const settings = new ServerSettings(
    store,
    {
      offered: config.geminiModels,
      userDailyLimit: config.userDailyLimit,
      dailyBudgetUsd: config.dailyBudgetUsd,
    },
    log,
  );
  const moderationLog = new ModerationLog(client, settings, log);
  const pipeline = new JobPipeline({
    gemini,
    store,
    limits,
    budgets,
    metrics,
    onJobEnded: (report) => moderationLog.jobEnded(report),
    images: createImageLoader(config, spool),
    log,
    concurrency: config.geminiConcurrency,
    maxQueue: config.maxQueue,
    journal,
  });
  const gatewayConnected = () => client.ws.status === Status.Ready;
  metrics.watchQueue(() => pipeline.stats);
  metrics.watchGateway(gatewayConnected);
  const ctx: AppContext = {
    config,
    log,
    pipeline,
    store,
    models,
    replyThrottle: new ReplyThrottle(),
    admissions: new AdmissionLoad(),
    settings,
    blockedWords: new BlockedWords(config.blockedWords),
    limits,
    budgets,
    metrics,
    moderationLog,
  };
  let metricsServer: Awaited<ReturnType<typeof startMetricsServer>> | undefined;
  attachRouter(client, { slash: buildCommands(config.geminiModels), message: buildMessageCommands() }, ctx);
  const resumer = new JournalResumer({
    client,
    pipeline,
    journal,
    log,
    maxAgeMs: config.resumeMaxAgeMs,
    sweepEveryMs: config.journalLeaseMs,
    offeredModels: models.offered.map((o) => o.model),
  });
  // Jobs left by processes that are gone are taken over once Discord can be reached, and then
  // every lease length, for processes that die while this one runs.
  client.once(Events.ClientReady, () => resumer.start());
  client.once(Events.ClientReady, (c) =>
    log.info(
      {
        event: LogEvent.botOnline,
        user: c.user.tag,
        guilds: c.guilds.cache.size,
        model: models.defaultModel,
      },
      'bot is online',
    ),
  );
  client.on(Events.ShardDisconnect, (event, shard) => {
    const problem = fatalCloseProblem(event.code);
    if (problem && hooks.onFatal) hooks.onFatal(problem, event.code);
    else log.warn({ event: LogEvent.gatewayDisconnected, code: event.code, shard }, 'gateway disconnected');
  });
  client.on(Events.ShardResume, (shard) =>
    log.info({ event: LogEvent.gatewayResumed, shard }, 'gateway resumed'),
  );
  client.on(Events.Error, (err) => log.error({ err }, 'discord client error'));

  return {
    ctx,
    client,
    async start() {
      if (config.metricsPort !== undefined) {
        // First, so a supervisor's health check sees a 503 while the bot connects, not a refusal.
        metricsServer = await startMetricsServer(config.metricsPort, metrics.registry, {
          gatewayConnected,
          storeUsable: async () => {
            await store.getResult('healthz');
            return true;
          },
        });
        log.info(
          { event: LogEvent.metricsListening, port: metricsServer.port },
          'metrics and health listening',
        );
      }
      await checkDiscordReachable(config.discordApiUrl, config.discordToken);
      // Before login: a bot whose every model is gone must not go online (NoUsableModelError).
      await checkOfferedModels(gemini, models, log);
      await journal.start();
      await client.login(config.discordToken);
    },
    async stop() {
      resumer.stop();
      const summary = await pipeline.shutdown(config.shutdownGraceMs);
      await journal.stop();
      await client.destroy();
      await gate.stop().catch(() => undefined);
      await limitBackend.close();
      await metricsServer?.close();
      await store.close();
      spool.close();
      return summary;
    },
  };
}
