import { GatewayCloseCodes } from 'discord.js';
import dotenv from 'dotenv';
import { createApp, type App } from './app.js';
import { fatalCloseProblem } from './discord/fatal-close.js';
import { ConfigError, loadConfigFromEnvironment, loadStartModeFromEnvironment } from './config.js';
import { OperatorError } from './errors.js';
import { NoUsableModelError } from './gemini/model-check.js';
import { createLogger } from './logger.js';
import { LogEvent } from './log-events.js';
import type { Playground } from './playground/start.js';

/** Heroku kills a worker 30 s after SIGTERM; leave room to flush logs. */
const HARD_EXIT_MS = 29_000;

/** discord.js's error codes for a login that Discord refused, as the gateway close they stand for. */
const FATAL_LOGIN: Record<string, number> = {
  TokenInvalid: GatewayCloseCodes.AuthenticationFailed,
  DisallowedIntents: GatewayCloseCodes.DisallowedIntents,
};

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  let config;
  let playground: Playground | undefined;
  try {
    const mode = loadStartModeFromEnvironment();
    if (mode.kind === 'playground') {
      // Loaded only here: the real bot never starts (or needs) the emulators.
      const { startPlayground } = await import('./playground/start.js');
      playground = await startPlayground(mode.settings);
    }
    config = loadConfigFromEnvironment(playground ? { overrides: playground.botEnv } : {});
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`${err.message}\nSee .env.example for every setting.`);
      process.exit(1);
    }
    throw err;
  }
  let stopping = false;
  const log = createLogger({ level: config.logLevel, secrets: [config.discordToken, config.geminiApiKey] });
  let app: App;
  // An operator error from Discord: said once, loudly, with the fix; then drain and exit 1 so a
  // supervisor restarts the bot (or shows it failing) instead of leaving it offline and silent.
  const fatal = (problem: string, code: number | string) => {
    if (stopping) return;
    log.fatal({ event: LogEvent.gatewayFatal, code }, problem);
    stop('fatal gateway close', 1);
  };
  try {
    app = await createApp(config, log, { onFatal: fatal });
  } catch (err) {
    // A data folder or database the operator must fix: one readable line, as for ConfigError.
    if (err instanceof OperatorError) {
      console.error(`Cannot start: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }

  const stop = (signal: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    log.info(
      { event: LogEvent.shutdownStarted, signal, ...app.ctx.pipeline.stats },
      'shutting down: finishing running jobs',
    );
    setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, HARD_EXIT_MS).unref();
    app
      .stop()
      .then(async (summary) => {
        await playground?.stop();
        return summary;
      })
      .then(({ jobs, untold }) => {
        // "Cleanly" only when every member whose job was accepted got a picture or a reason.
        if (untold === 0) log.info({ event: LogEvent.shutdownFinished, exitCode, jobs }, 'shut down cleanly');
        else
          log.error(
            { event: LogEvent.shutdownFinished, exitCode, jobs, untold },
            'shut down; some members were not told how their job ended',
          );
        log.flush();
        process.exit(exitCode);
      })
      .catch((err: unknown) => {
        log.error({ err }, 'error while shutting down');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));

  try {
    // The page first: a taken port is said before the bot goes online, not after.
    const page = await playground?.openPage(config);
    await app.start();
    if (page) console.log(page.banner);
  } catch (err) {
    if (stopping) return;
    if (err instanceof NoUsableModelError) {
      log.fatal({ event: LogEvent.noUsableModel }, err.message);
      log.flush();
      process.exit(1);
    }
    if (err instanceof OperatorError) {
      log.fatal({ event: LogEvent.gatewayFatal }, err.message);
      log.flush();
      process.exit(1);
    }
    const code = (err as { code?: string }).code ?? '';
    const closeCode = FATAL_LOGIN[code];
    const problem = closeCode === undefined ? undefined : fatalCloseProblem(closeCode);
    log.fatal(
      { event: LogEvent.gatewayFatal, code },
      problem ?? `could not connect to Discord: ${(err as Error).message}`,
    );
    log.flush();
    process.exit(1);
  }
}

void main();
