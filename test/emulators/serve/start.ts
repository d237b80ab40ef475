import { startDiscordEmulator, type DiscordEmulator } from '../../../src/playground/discord/index.js';
import { startGeminiEmulator, type GeminiEmulator } from '../../../src/playground/gemini/index.js';
import type { Options } from './options.js';

/** Starts both emulators, or neither: a port that is taken stops the one already started. */
export async function startEmulators(
  options: Options,
): Promise<{ discord: DiscordEmulator; gemini: GeminiEmulator }> {
  const discord = await startDiscordEmulator({
    botToken: options.token,
    port: options.discordPort,
  }).catch((err: unknown) => {
    throw new Error(`Discord emulator on port ${options.discordPort}: ${String(err)} (try --discord-port)`, {
      cause: err,
    });
  });
  let gemini: GeminiEmulator;
  try {
    gemini = await startGeminiEmulator({ apiKey: options.key, port: options.geminiPort });
  } catch (err) {
    await discord.stop();
    throw new Error(`Gemini emulator on port ${options.geminiPort}: ${String(err)} (try --gemini-port)`, {
      cause: err,
    });
  }
  return { discord, gemini };
}

/** The emulators' addresses and the .env lines that point the bot at them. */
export function printWelcome(options: Options, discord: DiscordEmulator, gemini: GeminiEmulator): void {
  const env = {
    DISCORD_TOKEN: options.token,
    GEMINI_API_KEY: options.key,
    DISCORD_API_URL: discord.apiUrl,
    GEMINI_BASE_URL: gemini.baseUrl,
    ATTACHMENT_HOSTS: discord.cdnHost,
    DISCORD_GUILD_ID: discord.guildId,
  };
  console.log(`Discord emulator  ${discord.url}  (guild ${discord.guildId}, #general ${discord.channelId})
Gemini emulator   ${gemini.baseUrl}

Put these lines in .env, then run: npm run register && npm start
${Object.entries(env)
  .map(([k, v]) => `${k}=${v}`)
  .join('\n')}
# USER_RPM=30  (optional: by default a user may ask for 3 pictures a minute)

Everything lives in memory: run npm run register again after restarting the emulators.
Type help for the console commands; Ctrl-C stops.
`);
}
