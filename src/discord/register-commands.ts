import { REST, Routes, type APIApplication } from 'discord.js';
import { buildCommands, buildMessageCommands } from '../../commands/index.js';
import type { Config } from '../config.js';
import { checkDiscordReachable } from './reach.js';

export interface Registration {
  readonly count: number;
  /** As members find them: `/imagine`, and context menus in quotes ("Edit with Gemini"). */
  readonly names: readonly string[];
  readonly applicationName: string;
  /** `server <id>` or all servers. */
  readonly scope: string;
}

/**
 * Sends every command's JSON to Discord, to one server when DISCORD_GUILD_ID is set (instant, for
 * testing) or globally. The application id comes from the token itself. `npm run register` and the
 * playground both register this way.
 */
export async function registerCommands(config: Config): Promise<Registration> {
  await checkDiscordReachable(config.discordApiUrl, config.discordToken);
  const rest = new REST({ api: config.discordApiUrl }).setToken(config.discordToken);
  const app = (await rest.get(Routes.currentApplication())) as APIApplication;
  const commands = buildCommands(config.geminiModels);
  const menus = buildMessageCommands();
  const route = config.discordGuildId
    ? Routes.applicationGuildCommands(app.id, config.discordGuildId)
    : Routes.applicationCommands(app.id);
  const body = [...commands.map((c) => c.data), ...menus.map((c) => c.data)];
  const saved = (await rest.put(route, { body })) as unknown[];
  return {
    count: saved.length,
    names: [...commands.map((c) => `/${c.data.name}`), ...menus.map((c) => `"${c.data.name}"`)],
    applicationName: app.name,
    scope: config.discordGuildId
      ? `server ${config.discordGuildId}`
      : 'all servers (may take up to an hour to show)',
  };
}
