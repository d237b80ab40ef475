import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { LogEvent } from '../../src/log-events.js';
import { startBotProcess, type BotProcess } from '../../test/emulators/bot-process.js';
import { startDiscordEmulator, type DiscordEmulator } from '../../src/playground/discord/index.js';
import type { GeminiEmulator, GeminiEmulatorOptions } from '../../src/playground/gemini/index.js';
import { randomSecrets, startWorld, type World } from '../../test/emulators/world.js';

const run = promisify(execFile);
const REGISTER_SCRIPT = resolve(import.meta.dirname, '../../dist/src/discord/register.js');

/** Settings that keep the bot's own limits out of a measurement unless a scenario asks for them. */
export const UNLIMITED_ENV: Record<string, string> = {
  GEMINI_RPM: '60000',
  USER_RPM: '1000',
  USER_DAILY_LIMIT: '0',
  MAX_QUEUE: '1000',
  // A benchmark job must never be cut off or retried behind our back.
  GEMINI_TIMEOUT_MS: '120000',
  GEMINI_MAX_ATTEMPTS: '1',
};

/**
 * Starts both emulators and the compiled bot, runs `body`, and stops everything whatever happens.
 * Bot processes started by `body` through `extraBots` are stopped too.
 */
export async function withWorld<T>(
  opts: { env?: Record<string, string>; gemini?: GeminiEmulatorOptions },
  body: (world: World, extras: ExtraBots) => Promise<T>,
): Promise<T> {
  const extras = new ExtraBots();
  let world: World | undefined;
  try {
    world = await startWorld({ env: { ...UNLIMITED_ENV, ...opts.env }, gemini: opts.gemini });
    return await body(world, extras);
  } finally {
    await extras.stopAll();
    await world?.stop().catch(() => undefined);
  }
}

export interface ShardLikeBot {
  readonly discord: DiscordEmulator;
  readonly bot: BotProcess;
  readonly env: Record<string, string>;
}

/** Further bot processes, each with its own emulated Discord (the emulator broadcasts to every session). */
export class ExtraBots {
  private readonly started: ShardLikeBot[] = [];

  /** A second Discord (own token, own guild) and a bot on it, sharing everything else in `baseEnv`. */
  async startWithOwnDiscord(baseEnv: Record<string, string>): Promise<ShardLikeBot> {
    const { token } = randomSecrets();
    const discord = await startDiscordEmulator({ botToken: token });
    const env = {
      ...baseEnv,
      DISCORD_TOKEN: token,
      DISCORD_API_URL: discord.apiUrl,
      ATTACHMENT_HOSTS: discord.cdnHost,
      DISCORD_GUILD_ID: discord.guildId,
    };
    const entry: { discord: DiscordEmulator; bot?: BotProcess; env: Record<string, string> } = {
      discord,
      env,
    };
    try {
      await registerCommands(env);
      entry.bot = startBotProcess(env);
      this.started.push(entry as ShardLikeBot);
      await entry.bot.waitForLog((l) => l.event === LogEvent.botOnline, 20_000);
      await discord.ready();
      return entry as ShardLikeBot;
    } catch (err) {
      if (!entry.bot) await discord.stop();
      throw err;
    }
  }

  async stopAll(): Promise<void> {
    for (const { bot, discord } of this.started.splice(0)) {
      await bot.stop('SIGKILL').catch(() => undefined);
      await discord.stop().catch(() => undefined);
    }
  }
}

export async function registerCommands(env: Record<string, string>): Promise<void> {
  await run(process.execPath, [REGISTER_SCRIPT], { env: { PATH: process.env.PATH ?? '', ...env } });
}

/**
 * The Gemini emulator keeps every request with its body and decoded images (~90 MB per /edit
 * here); long /edit runs drop the answered ones so this process's heap, and its GC pauses, stay
 * small while it serves the bot.
 */
export function forgetAnsweredGeminiRequests(gemini: GeminiEmulator): void {
  const pending = gemini.requests.filter((r) => r.status === 0);
  gemini.requests.splice(0, gemini.requests.length, ...pending);
}
