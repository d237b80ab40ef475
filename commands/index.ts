import type { Command } from '../src/discord/command.js';
import edit from './edit.js';
import help from './help.js';
import imagine from './imagine.js';

/** Every command, for the bot and for `npm run register` alike. */
export const commands: readonly Command[] = [imagine, edit, help];
