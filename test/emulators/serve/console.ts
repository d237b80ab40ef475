import { clearLine, createInterface, cursorTo } from 'node:readline';
import type { DiscordEmulator } from '../../../src/playground/discord/index.js';
import type { GeminiEmulator } from '../../../src/playground/gemini/index.js';
import { COMMANDS, hintFor, type Session } from './commands.js';
import { watch } from './watch.js';

/** Reads console commands from stdin and prints what the bot does, until quit, Ctrl-C or a signal. */
export function runConsole(discord: DiscordEmulator, gemini: GeminiEmulator): void {
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: interactive });
  rl.setPrompt('> ');
  // Output that arrives while someone types goes above their line, which is then redrawn.
  const print = (line: string) => {
    if (!interactive) {
      console.log(line);
      return;
    }
    clearLine(process.stdout, 0);
    cursorTo(process.stdout, 0);
    console.log(line);
    rl.prompt(true);
  };

  let stopping = false;
  const stopWatching = watch(discord, gemini, print);
  const quit = async () => {
    if (stopping) return;
    stopping = true;
    stopWatching();
    rl.close();
    console.log('stopping the emulators…');
    await Promise.allSettled([discord.stop(), gemini.stop()]);
    process.exit(0);
  };
  const session: Session = { discord, gemini, print, quit, isStopping: () => stopping };

  // One command at a time, in the order typed, even when lines are pasted or piped in together.
  let queue = Promise.resolve();
  rl.on('line', (line) => {
    queue = queue.then(async () => {
      const [, name = '', rest = ''] = /^\s*(\S*)\s*([\s\S]*)$/.exec(line) ?? [];
      if (!name || stopping) return;
      const command = COMMANDS[name.toLowerCase()];
      try {
        if (!command) throw new Error(`unknown command “${name}”; type help`);
        await command(session, rest.trim());
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        print(`error: ${message}${hintFor(message)}`);
      }
      if (interactive && !stopping) rl.prompt();
    });
  });
  rl.on('close', () => {
    // Ctrl-D at a terminal means "done"; a piped input that ends leaves the emulators serving.
    if (interactive) void quit();
    else if (!stopping) console.log('(console input ended; the emulators keep running until Ctrl-C)');
  });
  // At a terminal readline swallows Ctrl-C as input; outside one it arrives as a signal.
  rl.on('SIGINT', () => void quit());
  process.on('SIGINT', () => void quit());
  process.on('SIGTERM', () => void quit());
  if (interactive) rl.prompt();
}
