import type {
  ApplicationCommandType,
  ChatInputCommandInteraction,
  MessageContextMenuCommandInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
  RESTPostAPIContextMenuApplicationCommandsJSONBody,
} from 'discord.js';
import type { AppContext } from '../context.js';
import type { Voice } from '../text/catalogue.js';

/** A slash command: its API JSON (what `npm run register` sends) and what it does. */
export interface Command {
  readonly data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  /** Runs the command; `voice` is the language its member is answered in. */
  execute(interaction: ChatInputCommandInteraction, ctx: AppContext, voice: Voice): Promise<void>;
}

/** A message context-menu command (right-click a message -> Apps): its API JSON and what it does. */
export interface MessageCommand {
  readonly data: RESTPostAPIContextMenuApplicationCommandsJSONBody & {
    readonly type: ApplicationCommandType.Message;
  };
  execute(interaction: MessageContextMenuCommandInteraction, ctx: AppContext, voice: Voice): Promise<void>;
}
