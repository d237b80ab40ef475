import {
  Events,
  PermissionFlagsBits,
  type ChatInputCommandInteraction,
  type Client,
  type Interaction,
  type Message,
  type MessageComponentInteraction,
  type MessageContextMenuCommandInteraction,
  type ModalSubmitInteraction,
} from 'discord.js';
import type { AppContext } from '../context.js';
import { phraseOf, UserError } from '../errors.js';
import type { Command, MessageCommand } from './command.js';
import { answerPrivately } from './acknowledge.js';
import { handleControl } from './controls/handlers.js';
import { phrase, type Phrase, type Voice } from '../text/catalogue.js';
import { NO_PINGS } from './no-pings.js';
import { handleRefineMessage } from './refine.js';
import { interactionVoice, serverVoice } from './voices.js';

/** Why the bot will not work here, or undefined when it will. */
export function accessProblem(
  where: { guildId: string | null; canAttach: boolean },
  config: AppContext['config'],
): Phrase | undefined {
  if (!where.guildId) return config.allowDms ? undefined : phrase('access.noDms');
  if (config.allowedGuilds.length > 0 && !config.allowedGuilds.includes(where.guildId)) {
    return phrase('access.guildNotEnabled');
  }
  if (!where.canAttach) {
    return phrase('access.needAttachFiles');
  }
  return undefined;
}

/** Every interaction the bot answers. */
type RoutedInteraction =
  | ChatInputCommandInteraction
  | MessageContextMenuCommandInteraction
  | MessageComponentInteraction
  | ModalSubmitInteraction;

/** Answers a failed interaction, to its member alone, in whatever state it is in. */
async function answerError(interaction: RoutedInteraction, voice: Voice, message: Phrase): Promise<void> {
  await answerPrivately(interaction, { content: voice.t('problem', { message }), allowedMentions: NO_PINGS });
}

/** The commands the bot answers, by name: slash commands and message context menus. */
export interface CommandTable {
  readonly slash: ReadonlyMap<string, Command>;
  readonly message: ReadonlyMap<string, MessageCommand>;
}

/** What an interaction runs: its command, or the controls under a result; undefined for an unknown command. */
function handlerFor(
  interaction: RoutedInteraction,
  commands: CommandTable,
  ctx: AppContext,
  voice: Voice,
): (() => Promise<void>) | undefined {
  if (interaction.isChatInputCommand()) {
    const command = commands.slash.get(interaction.commandName);
    return command && (() => command.execute(interaction, ctx, voice));
  }
  if (interaction.isMessageContextMenuCommand()) {
    const command = commands.message.get(interaction.commandName);
    return command && (() => command.execute(interaction, ctx, voice));
  }
  return () => handleControl(interaction, ctx, voice);
}

export async function routeInteraction(
  interaction: Interaction,
  commands: CommandTable,
  ctx: AppContext,
): Promise<void> {
  if (
    !interaction.isChatInputCommand() &&
    !interaction.isMessageContextMenuCommand() &&
    !interaction.isButton() &&
    !interaction.isStringSelectMenu() &&
    !interaction.isModalSubmit()
  ) {
    return;
  }
  const log = ctx.log.child({
    interactionId: interaction.id,
    ...(interaction.isCommand() ? { command: interaction.commandName } : { customId: interaction.customId }),
    userId: interaction.user.id,
  });
  const voice = await interactionVoice(ctx, interaction);
  try {
    const handler = handlerFor(interaction, commands, ctx, voice);
    if (!handler) throw new UserError(phrase('access.unknownCommand'));
    const problem = accessProblem(
      {
        guildId: interaction.guildId,
        // In DMs there are no permissions to check; elsewhere Discord tells us what we may do here.
        canAttach: !interaction.guildId || interaction.appPermissions.has(PermissionFlagsBits.AttachFiles),
      },
      ctx.config,
    );
    if (problem) throw new UserError(problem);
    await handler();
  } catch (err) {
    if (!(err instanceof UserError)) log.error({ err }, 'interaction failed');
    await answerError(interaction, voice, phraseOf(err)).catch((e: unknown) =>
      log.warn({ err: e }, 'could not tell the user about a failed interaction'),
    );
  }
}

export async function routeMessage(message: Message, ctx: AppContext): Promise<void> {
  if (accessProblem({ guildId: message.guildId, canAttach: true }, ctx.config)) return;
  try {
    await handleRefineMessage(message, ctx);
  } catch (err) {
    // The one place a refine's problem is answered: a UserError as it is, anything else generically.
    if (!(err instanceof UserError)) ctx.log.error({ err, messageId: message.id }, 'refine failed');
    const voice = await serverVoice(ctx, message.guild);
    await message
      .reply({
        content: voice.t('problem', { message: phraseOf(err) }),
        allowedMentions: NO_PINGS,
      })
      .catch((e: unknown) => ctx.log.warn({ err: e }, 'could not tell the member about a failed refine'));
  }
}

/** Wires Discord events to the handlers. The safety net above answers whatever a handler did not. */
export function attachRouter(
  client: Client,
  commands: { readonly slash: readonly Command[]; readonly message: readonly MessageCommand[] },
  ctx: AppContext,
): void {
  const table: CommandTable = {
    slash: new Map(commands.slash.map((c) => [c.data.name, c])),
    message: new Map(commands.message.map((c) => [c.data.name, c])),
  };
  client.on(Events.InteractionCreate, (interaction) => void routeInteraction(interaction, table, ctx));
  client.on(Events.MessageCreate, (message) => void routeMessage(message, ctx));
}
