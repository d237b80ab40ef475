import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { LogEvent } from '../../src/log-events.js';
import { childEnv, startBotProcess, type BotProcess } from './bot-process.js';
import {
  startDiscordEmulator,
  type DiscordEmulator,
  type DiscordEmulatorOptions,
} from '../../src/playground/discord/index.js';
import {
  startGeminiEmulator,
  type GeminiEmulator,
  type GeminiEmulatorOptions,
} from '../../src/playground/gemini/index.js';

const run = promisify(execFile);

/** Long random secrets, so a test can search every log line for them. */
export function randomSecrets() {
  return {
    token: `${randomBytes(18).toString('base64url')}.${randomBytes(6).toString('base64url')}.${randomBytes(27).toString('base64url')}`,
    apiKey: `AIza${randomBytes(24).toString('base64url')}`,
  };
}

export interface World {
  readonly discord: DiscordEmulator;
  readonly gemini: GeminiEmulator;
  readonly env: Record<string, string>;
  readonly secrets: { token: string; apiKey: string };
  bot: BotProcess;
  /** Runs `npm run register`'s compiled script against the emulator. */
  register(): Promise<string>;
  /** Starts the bot process (again, after a stop) on the same data folder and waits until it is online. */
  startBot(extraEnv?: Record<string, string>): Promise<BotProcess>;
  stop(): Promise<void>;
}

/**
 * Both emulators on loopback and the compiled bot pointed at them by environment only, as an
 * operator would configure a proxy. Used by the e2e suite and the benchmark.
 */
export async function startWorld(
  opts: {
    discord?: Partial<DiscordEmulatorOptions>;
    gemini?: GeminiEmulatorOptions;
    env?: Record<string, string>;
    register?: boolean;
  } = {},
): Promise<World> {
  const secrets = randomSecrets();
  const discord = await startDiscordEmulator({ botToken: secrets.token, ...opts.discord });
  const gemini = await startGeminiEmulator({ apiKey: secrets.apiKey, ...opts.gemini });
  const env: Record<string, string> = {
    DISCORD_TOKEN: secrets.token,
    GEMINI_API_KEY: secrets.apiKey,
    DISCORD_API_URL: discord.apiUrl,
    GEMINI_BASE_URL: gemini.baseUrl,
    ATTACHMENT_HOSTS: discord.cdnHost,
    DISCORD_GUILD_ID: discord.guildId,
    GEMINI_RPM: '6000',
    GEMINI_CONCURRENCY: '4',
    USER_RPM: '100',
    USER_DAILY_LIMIT: '0',
    ...opts.env,
  };
  let dataDir: string | undefined;
  const world: World = {
    discord,
    gemini,
    env,
    secrets,
    bot: undefined as unknown as BotProcess,
    async register() {
      const { stdout } = await run(
        process.execPath,
        [resolve(import.meta.dirname, '../../dist/src/discord/register.js')],
        {
          env: childEnv({ PATH: process.env.PATH ?? '', ...env }),
        },
      );
      return stdout;
    },
    async startBot(extraEnv = {}) {
      const identifies = discord.gatewaySessions.identifies;
      world.bot = startBotProcess({ ...env, ...extraEnv }, dataDir ? { dataDir } : {});
      dataDir = world.bot.dataDir;
      await world.bot.waitForLog((l) => l.event === LogEvent.botOnline, 20_000);
      // A restarted bot is ready once its new session has identified.
      while (discord.gatewaySessions.identifies === identifies) await new Promise((r) => setTimeout(r, 10));
      await discord.ready();
      return world.bot;
    },
    async stop() {
      if (world.bot) await world.bot.stop('SIGKILL');
      await discord.stop();
      await gemini.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  if (opts.register !== false) await world.register();
  await world.startBot();
  return world;
}

/** Another bot process (another shard, say) on an emulated Discord of its own, sharing everything else in `baseEnv`. */
export interface SecondBot {
  readonly discord: DiscordEmulator;
  readonly bot: BotProcess;
}

/**
 * Starts a second bot with the same Gemini key, quota settings and Redis as `baseEnv`, but its own
 * token and Discord: registers its commands, waits until it is online. The caller stops both.
 */
export async function startSecondBot(baseEnv: Record<string, string>): Promise<SecondBot> {
  const { token } = randomSecrets();
  const discord = await startDiscordEmulator({ botToken: token });
  const env = {
    ...baseEnv,
    DISCORD_TOKEN: token,
    DISCORD_API_URL: discord.apiUrl,
    ATTACHMENT_HOSTS: discord.cdnHost,
    DISCORD_GUILD_ID: discord.guildId,
  };
  await promisify(execFile)(
    process.execPath,
    [resolve(import.meta.dirname, '../../dist/src/discord/register.js')],
    {
      env: childEnv({ PATH: process.env.PATH ?? '', ...env }),
    },
  );
  const bot = startBotProcess(env);
  await bot.waitForLog((l) => l.event === LogEvent.botOnline, 20_000);
  await discord.ready();
  return { discord, bot };
}
