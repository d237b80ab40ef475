import dotenv from 'dotenv';
import { createApp } from './app.js';
import { ConfigError, loadConfigFromEnvironment } from './config.js';
import { NoUsableModelError } from './gemini/model-check.js';
import { createLogger } from './logger.js';
import { LogEvent } from './log-events.js';

/** Heroku kills a worker 30 s after SIGTERM; leave room to flush logs. */
const HARD_EXIT_MS = 29_000;

const FATAL_LOGIN: Record<string, string> = {
  TokenInvalid:
    'Discord rejected DISCORD_TOKEN. Copy the token again from the Developer Portal (Bot -> Reset Token).',
  DisallowedIntents:
    'Discord refused the MessageContent intent. Enable “Message Content Intent” in the Developer Portal (Bot page), or set MESSAGE_CONTENT_INTENT=false.',
};

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  let config;
  try {
    config = loadConfigFromEnvironment();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`${err.message}\nSee .env.example for every setting.`);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger({ level: config.logLevel, secrets: [config.discordToken, config.geminiApiKey] });
  const app = createApp(config, log);

  let stopping = false;
  const stop = (signal: string) => {
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
      .then(() => {
        log.info({ event: LogEvent.shutdownFinished }, 'shut down cleanly');
        log.flush();
        process.exit(0);
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
    await app.start();
  } catch (err) {
    if (err instanceof NoUsableModelError) {
      log.fatal({ event: LogEvent.noUsableModel }, err.message);
      log.flush();
      process.exit(1);
    }
    const code = (err as { code?: string }).code ?? '';
    log.fatal({ code }, FATAL_LOGIN[code] ?? `could not connect to Discord: ${(err as Error).message}`);
    log.flush();
    process.exit(1);
  }
}

void main();
