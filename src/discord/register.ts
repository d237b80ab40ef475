import dotenv from 'dotenv';
import { ConfigError, loadConfigFromEnvironment } from '../config.js';
import { OperatorError } from '../errors.js';
import { registerCommands } from './register-commands.js';

/** `npm run register`: puts the bot's commands on Discord (see registerCommands). */
async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  const config = loadConfigFromEnvironment({ requireGemini: false });
  const { count, names, applicationName, scope } = await registerCommands(config);
  console.log(`Registered ${count} commands (${names.join(', ')}) for ${applicationName} in ${scope}.`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof OperatorError) console.error(err.message);
  else console.error(`Could not register the commands: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
