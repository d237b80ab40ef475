import type { OfferedModel } from '../src/core/model-roster.js';
import type { Command, MessageCommand } from '../src/discord/command.js';
import { editCommand } from './edit.js';
import editWithGemini from './edit-with-gemini.js';
import help from './help.js';
import { imagineCommand } from './imagine.js';
import { settingsCommand } from './settings.js';
import usage from './usage.js';

/** Every slash command, for the bot and for `npm run register` alike, with the offered models' choices. */
export function buildCommands(offered: readonly OfferedModel[]): readonly Command[] {
  return [imagineCommand(offered), editCommand(offered), help, usage, settingsCommand(offered)];
}

/** Every message context-menu command (right-click a message -> Apps). */
export function buildMessageCommands(): readonly MessageCommand[] {
  return [editWithGemini];
}
