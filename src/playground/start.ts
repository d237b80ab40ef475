import { randomBytes } from 'node:crypto';
import type { Config, PlaygroundSettings } from '../config.js';
import { registerCommands } from '../discord/register-commands.js';
import { OperatorError } from '../errors.js';
import { startDiscordEmulator, type DiscordEmulator } from './discord/index.js';
import { startGeminiEmulator, type GeminiEmulator } from './gemini/index.js';
import { startPageServer, type PageServer } from './web/server.js';

/** Long enough to show the progress message before the placeholder arrives, short enough not to bore. */
const PLACEHOLDER_LATENCY_MS = 1500;

export interface Playground {
  readonly discord: DiscordEmulator;
  /** The built-in Gemini, when no GEMINI_API_KEY was given; undefined when the real one answers. */
  readonly gemini: GeminiEmulator | undefined;
  /** Settings that point the unmodified bot at the emulated Discord (and Gemini), over the environment's. */
  readonly botEnv: Readonly<Record<string, string>>;
  /**
   * Registers the bot's commands on the emulated Discord, as `npm run register` would, and serves the
   * page; resolves with what the terminal should say once the bot is online.
   */
  openPage(config: Config): Promise<{ url: string; banner: string }>;
  stop(): Promise<void>;
}

/**
 * The emulated Discord (and, without a key, Gemini) on loopback ports of their own. The bot reaches them
 * through its ordinary settings, as it would reach a proxy: nothing in the bot knows it is playing.
 */
export async function startPlayground(settings: PlaygroundSettings): Promise<Playground> {
  const token = `${randomBytes(18).toString('base64url')}.${randomBytes(6).toString('base64url')}.${randomBytes(27).toString('base64url')}`;
  const discord = await startDiscordEmulator({
    botToken: token,
    guildName: 'Playground',
    channelName: 'general',
  });
  let gemini: GeminiEmulator | undefined;
  const geminiKey = `AIza${randomBytes(24).toString('base64url')}`;
  try {
    if (settings.geminiApiKey === undefined) {
      gemini = await startGeminiEmulator({ apiKey: geminiKey, latencyMs: PLACEHOLDER_LATENCY_MS });
    }
  } catch (err) {
    await discord.stop();
    throw err;
  }
  const botEnv: Record<string, string> = {
    DISCORD_TOKEN: token,
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_GUILD_ID: discord.guildId,
    ATTACHMENT_HOSTS: discord.cdnHost,
    ALLOWED_GUILDS: '',
    // The emulated Discord forgets everything when it stops; a store that remembered its messages would
    // only hold buttons that point nowhere.
    DATA_DIR: ':memory:',
    LOG_LEVEL: settings.logLevel,
    ...(gemini ? { GEMINI_API_KEY: geminiKey, GEMINI_BASE_URL: gemini.baseUrl } : {}),
  };
  let page: PageServer | undefined;
  return {
    discord,
    gemini,
    botEnv,
    async openPage(config) {
      await registerCommands(config);
      page ??= await startPageServer({
        discord,
        placeholders: gemini !== undefined,
        host: settings.host,
        port: settings.port,
      }).catch((err: unknown) => {
        const code = (err as { code?: string }).code;
        if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
          throw new OperatorError(
            `the playground cannot listen on ${settings.host}:${settings.port} (${code}): set PLAYGROUND_PORT to a free port, or PLAYGROUND_HOST to an address of this machine`,
            { cause: err },
          );
        }
        throw err;
      });
      return { url: page.url, banner: playgroundBanner(page.url, settings) };
    },
    async stop() {
      await page?.stop();
      await discord.stop();
      await gemini?.stop();
    },
  };
}

/** What the terminal says once the page is up: where to look, and how to leave the playground. */
export function playgroundBanner(url: string, settings: PlaygroundSettings): string {
  const lines = [
    `Playground: open ${url} (the bot in an emulated Discord channel)`,
    settings.geminiApiKey === undefined
      ? 'No GEMINI_API_KEY: pictures are offline placeholders from the built-in Gemini emulator.'
      : 'GEMINI_API_KEY is set: pictures come from the real Gemini, and cost what they cost there.',
    'To run the real bot instead, put DISCORD_TOKEN (and GEMINI_API_KEY) in .env: see README, "Connect a real Discord application".',
  ];
  if (!isLoopback(settings.host)) {
    lines.unshift(
      `WARNING: PLAYGROUND_HOST=${settings.host}: the playground is reachable from other machines, and anyone who reaches it acts as its members${settings.geminiApiKey === undefined ? '' : ' and spends your Gemini key'}.`,
    );
  }
  return lines.join('\n');
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
