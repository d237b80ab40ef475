import { Permission, hasPermission } from './permissions.js';
import type { EmulatorCore } from './core.js';
import { hostFile } from './message-input.js';
import { channelPayload, memberPayload, messagePayload, threadPayload, userPayload } from './payloads.js';
import { InteractionType } from './routes-interactions.js';
import { buildCommandOptions } from './command-options.js';
import { answerModal, findComponent } from './component-answers.js';
import type { ResolvedData } from './command-options.js';
import type {
  CommandOptionValue,
  DispatchComponentInput,
  FakeUser,
  InteractionCallbackRecord,
  InteractionContext,
  InteractionHandle,
  InteractionState,
  MessageRecord,
  RegisteredCommand,
} from './types.js';

/** Discord does not show the command to this member, so they cannot invoke it. */
export class MissingCommandPermission extends Error {
  override readonly name = 'MissingCommandPermission';
}

const InteractionContextType = { Guild: 0, BotDM: 1 } as const;
const DEFAULT_WAIT_MS = 5000;

interface Place {
  user: FakeUser;
  guildId: string | null;
  channelId: string;
  /** The member's client language: the interaction's `locale`. */
  locale: string;
}

const DEFAULT_LOCALE = 'en-US';

/** Builds INTERACTION_CREATE payloads from what the bot registered, and hands out handles to follow them. */
export class InteractionDispatcher {
  constructor(private readonly core: EmulatorCore) {}

  async command(
    name: string,
    options: Record<string, CommandOptionValue>,
    ctx: InteractionContext,
  ): Promise<InteractionHandle> {
    const { world } = this.core;
    const place = this.place(ctx);
    // A context-menu command is named with spaces ("Edit with Gemini"); a slash command's words are subcommands.
    const [commandName = '', ...subPath] =
      ctx.targetId !== undefined ? [name.trim()] : name.trim().split(/\s+/);
    const command = this.findCommand(commandName, place.guildId);
    if (place.guildId) this.checkMemberPermissions(command, place.user);
    const resolved: ResolvedData = {};
    const data: Record<string, unknown> = { id: command.id, name: command.name, type: command.type };
    if (command.guild_id) data.guild_id = command.guild_id;
    if (command.type === 1) {
      const built = await buildCommandOptions(command, subPath, options, world, async (upload) => ({
        ...(await hostFile(world, place.channelId, upload)),
        ephemeral: true,
      }));
      Object.assign(resolved, built.resolved);
      if (built.options.length > 0) data.options = built.options;
    } else {
      if (subPath.length > 0 || Object.keys(options).length > 0) {
        throw new Error(`context-menu command "${command.name}" takes no options`);
      }
      this.resolveTarget(command, ctx.targetId, place, data, resolved);
    }
    if (Object.values(resolved).some((v) => v !== undefined)) data.resolved = stripUndefined(resolved);
    return this.dispatch({
      type: InteractionType.ApplicationCommand,
      place,
      data,
      commandName: command.name,
      commandType: command.type,
      customId: null,
      sourceMessage: null,
    });
  }

  async component(input: DispatchComponentInput): Promise<InteractionHandle> {
    const { world } = this.core;
    const message = world.messageById.get(input.messageId);
    if (!message || message.deleted) throw new Error(`unknown message ${input.messageId}`);
    // A forged press: a client may send any custom_id, whatever the message shows.
    const component = input.forged
      ? { type: input.values ? 3 : 2, custom_id: input.customId }
      : findComponent(message.components, input.customId);
    if (!component) {
      throw new Error(`message ${message.id} has no component with custom_id "${input.customId}"`);
    }
    if (component.disabled === true) {
      throw new Error(`component "${input.customId}" of message ${message.id} is disabled`);
    }
    const componentType = Number(component.type);
    const data: Record<string, unknown> = { custom_id: input.customId, component_type: componentType };
    if (componentType !== 2) {
      const values = input.values ?? [];
      const allowed = Array.isArray(component.options)
        ? (component.options as { value: string }[]).map((o) => o.value)
        : null;
      const unknown = allowed ? values.filter((v) => !allowed.includes(v)) : [];
      if (unknown.length > 0) {
        throw new Error(`values ${unknown.join(', ')} are not options of "${input.customId}"`);
      }
      data.values = values;
    }
    if (input.user) world.users.set(input.user.id, input.user);
    const place: Place = {
      user: input.user ?? world.namedUsers.alice,
      guildId: message.guildId,
      channelId: message.channelId,
      locale: input.locale ?? DEFAULT_LOCALE,
    };
    return this.dispatch({
      type: InteractionType.MessageComponent,
      place,
      data,
      commandName: null,
      commandType: null,
      customId: input.customId,
      sourceMessage: message,
    });
  }

  private modalSubmit(
    opener: InteractionState,
    values: Record<string, string>,
    ctx: InteractionContext,
  ): InteractionHandle {
    const modal = opener.modal;
    if (!modal) throw new Error(`interaction ${opener.id} did not show a modal`);
    const { world } = this.core;
    const components = answerModal(modal.components, values);
    const source = opener.sourceMessageId ? (world.messageById.get(opener.sourceMessageId) ?? null) : null;
    const user = ctx.user ?? world.users.get(opener.userId) ?? world.namedUsers.alice;
    // The same member's client answers the modal it was shown, in the same language.
    const locale = ctx.locale ?? (opener.payload.locale as string | undefined) ?? DEFAULT_LOCALE;
    return this.dispatch({
      type: InteractionType.ModalSubmit,
      place: { user, guildId: opener.guildId, channelId: opener.channelId, locale },
      data: { custom_id: modal.custom_id, components },
      commandName: null,
      commandType: null,
      customId: modal.custom_id,
      sourceMessage: source,
    });
  }

  private place(ctx: InteractionContext): Place {
    const { world } = this.core;
    const user = ctx.user ?? world.namedUsers.alice;
    const locale = ctx.locale ?? DEFAULT_LOCALE;
    world.users.set(user.id, user);
    if (ctx.guildId === null) return { user, guildId: null, channelId: world.dmChannelFor(user).id, locale };
    const guildId = ctx.guildId ?? world.guildId;
    if (guildId !== world.guildId) throw new Error(`unknown guild ${guildId}`);
    const channelId = ctx.channelId ?? world.channelId;
    if (world.guildIdOf(channelId) !== guildId) {
      throw new Error(`unknown channel ${channelId} in guild ${guildId}`);
    }
    return { user, guildId, channelId, locale };
  }

  /**
   * Discord offers a command with default_member_permissions only to members who have them all
   * (administrators always; "0": administrators only): anyone else cannot invoke it.
   */
  private checkMemberPermissions(command: RegisteredCommand, user: FakeUser): void {
    const needed = command.default_member_permissions;
    if (needed === null || needed === undefined) return;
    const granted = this.core.world.permissionsOf(user.id);
    const allowed =
      BigInt(needed) === 0n
        ? hasPermission(granted, Permission.Administrator)
        : hasPermission(granted, BigInt(needed));
    if (!allowed) {
      throw new MissingCommandPermission(
        `${user.username} lacks the permissions ${needed} that /${command.name} needs`,
      );
    }
  }

  private findCommand(name: string, guildId: string | null): RegisteredCommand {
    const { world } = this.core;
    const candidates = [...(guildId ? world.commandsFor(guildId) : []), ...world.commandsFor()];
    const command = candidates.find((c) => c.name === name);
    if (!command) throw new Error(`command "${name}" is not registered`);
    const context = guildId === null ? InteractionContextType.BotDM : InteractionContextType.Guild;
    const contexts = command.contexts;
    const dmBlocked = guildId === null && (command.guild_id !== undefined || command.dm_permission === false);
    if (dmBlocked || (Array.isArray(contexts) && !contexts.includes(context))) {
      throw new Error(`command "${name}" is not available in ${guildId === null ? 'DMs' : 'guilds'}`);
    }
    return command;
  }

  private resolveTarget(
    command: RegisteredCommand,
    targetId: string | undefined,
    place: Place,
    data: Record<string, unknown>,
    resolved: ResolvedData,
  ): void {
    const { world } = this.core;
    if (!targetId) throw new Error(`context-menu command "${command.name}" needs ctx.targetId`);
    data.target_id = targetId;
    if (command.type === 2) {
      const user = world.users.get(targetId);
      if (!user) throw new Error(`unknown user ${targetId}`);
      resolved.users = { [user.id]: userPayload(user) };
      if (place.guildId) resolved.members = { [user.id]: memberPayload(world, user.id, false) };
      return;
    }
    const message = world.messageById.get(targetId);
    if (!message || message.deleted || message.channelId !== place.channelId) {
      throw new Error(`unknown message ${targetId} in channel ${place.channelId}`);
    }
    // Context-menu targets carry their content even without the MessageContent intent.
    resolved.messages = { [message.id]: messagePayload(world, message) };
  }

  private dispatch(input: {
    type: number;
    place: Place;
    data: Record<string, unknown>;
    commandName: string | null;
    commandType: number | null;
    customId: string | null;
    sourceMessage: MessageRecord | null;
  }): InteractionHandle {
    const { world, gateway, config } = this.core;
    if (!gateway.hasLiveSession()) throw new Error('no gateway session to deliver the interaction to');
    const { user, guildId, channelId, locale } = input.place;
    const id = world.nextId();
    const token = world.newToken();
    const payload: Record<string, unknown> = {
      id,
      application_id: world.applicationId,
      type: input.type,
      token,
      version: 1,
      data: input.data,
      channel_id: channelId,
      channel: this.channelObject(channelId, user.id),
      app_permissions: world.botPermissionsIn(channelId).toString(),
      locale,
      entitlements: [],
      entitlement_sku_ids: [],
      authorizing_integration_owners: guildId ? { '0': guildId } : { '1': user.id },
      context: guildId ? InteractionContextType.Guild : InteractionContextType.BotDM,
      attachment_size_limit: config.attachmentSizeLimit,
    };
    if (guildId) {
      payload.guild_id = guildId;
      // Interactions from a guild carry its preferred locale, beside the member's own.
      const guildLocale = world.settings.preferredLocale;
      payload.guild = { id: guildId, locale: guildLocale, features: [] };
      payload.guild_locale = guildLocale;
      payload.member = {
        ...memberPayload(world, user.id),
        permissions: world.permissionsOf(user.id).toString(),
      };
    } else {
      payload.user = userPayload(user);
    }
    if (input.sourceMessage) payload.message = messagePayload(world, input.sourceMessage);
    const state: InteractionState = {
      id,
      token,
      type: input.type,
      commandName: input.commandName,
      customId: input.customId,
      commandType: input.commandType,
      userId: user.id,
      channelId,
      guildId,
      sourceMessageId: input.sourceMessage?.id ?? null,
      createdAt: Date.now(),
      callbacks: [],
      acknowledged: false,
      deferred: false,
      ephemeral: false,
      originalMessageId: null,
      followUpIds: [],
      edits: [],
      modal: null,
      payload,
    };
    world.addInteraction(state);
    gateway.dispatch('INTERACTION_CREATE', () => payload);
    return this.handleFor(state);
  }

  private channelObject(channelId: string, userId: string): Record<string, unknown> {
    const { world } = this.core;
    const found = world.findChannel(channelId);
    const permissions = world.permissionsOf(userId).toString();
    if (found?.thread) {
      const thread = found.thread;
      return { ...threadPayload(thread, thread.memberIds.includes(world.bot.id), world.bot.id), permissions };
    }
    if (found?.channel) return { ...channelPayload(world, found.channel), permissions };
    return { id: channelId };
  }

  private handleFor(state: InteractionState): InteractionHandle {
    const { core } = this;
    return {
      id: state.id,
      token: state.token,
      payload: state.payload,
      state: () => state,
      waitForCallback: async (timeoutMs = DEFAULT_WAIT_MS): Promise<InteractionCallbackRecord> => {
        const accepted = (s: InteractionState) => s.callbacks.find((c) => c.status > 0 && c.status < 300);
        await core.interactionWaiters.wait((s) => s.id === state.id && accepted(s) !== undefined, timeoutMs);
        return accepted(state)!;
      },
      waitForOriginal: (pred = () => true, timeoutMs = DEFAULT_WAIT_MS) =>
        core.messageWaiters.wait((m) => m.id === state.originalMessageId && pred(m), timeoutMs),
      submitModal: async (values, ctx = {}) => this.modalSubmit(state, values, ctx),
    };
  }
}

function stripUndefined(resolved: ResolvedData): ResolvedData {
  return Object.fromEntries(Object.entries(resolved).filter(([, v]) => v !== undefined));
}
