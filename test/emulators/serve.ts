import { runConsole } from './serve/console.js';
import { readOptions, USAGE, type Options } from './serve/options.js';
import { printWelcome, startEmulators } from './serve/start.js';

/**
 * `npm run emulators`: both emulators on fixed ports with fixed secrets, so the .env lines printed
 * here stay valid between runs, and a console that plays the user alice.
 */

async function main(): Promise<void> {
  let options: Options | 'help';
  try {
    options = readOptions(process.argv.slice(2));
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    console.log(USAGE);
    return;
  }

  const { discord, gemini } = await startEmulators(options);
  printWelcome(options, discord, gemini);
  runConsole(discord, gemini);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
