import dotenv from 'dotenv';
import { REST, Routes, type APIApplication } from 'discord.js';
import { buildCommands, buildMessageCommands } from '../../commands/index.js';
import { ConfigError, loadConfigFromEnvironment } from '../config.js';
import { OperatorError } from '../errors.js';
import { checkDiscordReachable } from './reach.js';

/**
 * `npm run register`: sends every command's JSON to Discord, to one server when DISCORD_GUILD_ID is
 * set (instant, for testing) or globally. The application id comes from the token itself.
 */
async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  const config = loadConfigFromEnvironment({ requireGemini: false });
  await checkDiscordReachable(config.discordApiUrl, config.discordToken);
  const rest = new REST({ api: config.discordApiUrl }).setToken(config.discordToken);
  const app = (await rest.get(Routes.currentApplication())) as APIApplication;
  const commands = buildCommands(config.geminiModels);
  const menus = buildMessageCommands();
  const body = [...commands.map((c) => c.data), ...menus.map((c) => c.data)];
  const route = config.discordGuildId
    ? Routes.applicationGuildCommands(app.id, config.discordGuildId)
    : Routes.applicationCommands(app.id);
  const saved = (await rest.put(route, { body })) as unknown[];
  const scope = config.discordGuildId
    ? `server ${config.discordGuildId}`
    : 'all servers (may take up to an hour to show)';
  console.log(
    `Registered ${saved.length} commands (${[...commands.map((c) => `/${c.data.name}`), ...menus.map((c) => `"${c.data.name}"`)].join(', ')}) for ${app.name} in ${scope}.`,
  );
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof OperatorError) console.error(err.message);
  else console.error(`Could not register the commands: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
