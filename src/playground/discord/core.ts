import { idText } from './snowflake.js';
import { Intent } from './gateway.js';
import type { Gateway, GatewaySession } from './gateway.js';
import { invalidFormBody } from './errors.js';
import { MessageFlag } from './message-input.js';
import type { MessageChanges } from './message-input.js';
import { messagePayload, threadPayload } from './payloads.js';
import type { ContentVisibility } from './payloads.js';
import { Permission, hasPermission } from './permissions.js';
import { Waiters } from './waiters.js';
import type { World } from './world.js';
import type {
  FakeUser,
  InjectedFault,
  InteractionState,
  MessageRecord,
  RecordedRequest,
  SpecViolation,
  ThreadRecord,
} from './types.js';

export interface EmulatorConfig {
  botToken: string;
  interactionDeadlineMs: number;
  tokenLifetimeMs: number;
  attachmentSizeLimit: number;
  maxRequestBytes: number;
  messageContentIntentAllowed: boolean;
  heartbeatIntervalMs: number;
}

export const MessageType = { Default: 0, Reply: 19, ChatInputCommand: 20 } as const;

export interface NewMessage {
  channelId: string;
  author: FakeUser;
  changes: MessageChanges;
  type?: number;
  interactionId?: string | null;
  /** Flags only Discord sets (Loading); the client's own are in changes. */
  systemFlags?: number;
  /** A reply pings the replied-to author unless allowed_mentions says otherwise. */
  replyPing?: boolean;
  /** Mentions added by the test rather than parsed from content (mentionBot). */
  extraMentions?: string[];
  /** Runs once the message exists but before anyone hears of it (so state that points at it is ready). */
  onCreated?: (message: MessageRecord) => void;
}

/** State plus the side effects every route shares: recording, message bookkeeping, gateway dispatches. */
export class EmulatorCore {
  readonly requests: RecordedRequest[] = [];
  readonly violations: SpecViolation[] = [];
  /** Faults tests injected, checked before every REST route runs. */
  readonly faults = new Set<InjectedFault & { used: number }>();
  readonly requestWaiters = new Waiters<RecordedRequest>(() => this.requests, 'a matching request');
  readonly messageWaiters = new Waiters<MessageRecord>(() => this.world.messages, 'a matching message');
  readonly interactionWaiters = new Waiters<InteractionState>(
    () => [...this.world.interactions.values()],
    'an interaction change',
  );

  constructor(
    readonly config: EmulatorConfig,
    readonly world: World,
    readonly gateway: Gateway,
  ) {}

  record(request: RecordedRequest): void {
    this.requests.push(request);
    this.requestWaiters.notify(request);
  }

  contentVisibility(session: GatewaySession): ContentVisibility {
    const botId = this.world.bot.id;
    return (m) =>
      (session.intents & Intent.MessageContent) !== 0 ||
      m.author.id === botId ||
      m.guildId === null ||
      m.mentions.includes(botId);
  }

  createMessage(input: NewMessage): MessageRecord {
    const { world } = this;
    const guildId = world.guildIdOf(input.channelId);
    const reference = this.resolveReference(input.channelId, input.changes.messageReference);
    const flags = (input.changes.flags ?? 0) | (input.systemFlags ?? 0);
    const message: MessageRecord = {
      id: world.nextId(),
      channelId: input.channelId,
      guildId,
      author: input.author,
      content: input.changes.content ?? '',
      embeds: input.changes.embeds ?? [],
      components: input.changes.components ?? [],
      attachments: input.changes.attachments ?? [],
      flags,
      type: input.type ?? (reference ? MessageType.Reply : MessageType.Default),
      mentions: [],
      mentionEveryone: false,
      messageReference: reference
        ? { messageId: reference.id, channelId: reference.channelId, guildId: reference.guildId }
        : null,
      interactionId: input.interactionId ?? null,
      ephemeral: (flags & MessageFlag.Ephemeral) !== 0,
      allowedMentions: input.changes.allowedMentions,
      reactions: [],
      createdAt: Date.now(),
      editedAt: null,
      editCount: 0,
      deleted: false,
      threadId: null,
    };
    this.computeMentions(
      message,
      reference?.author.id ?? null,
      input.replyPing ?? true,
      input.extraMentions ?? [],
    );
    world.addMessage(message);
    input.onCreated?.(message);
    this.publish('MESSAGE_CREATE', message);
    this.messageWaiters.notify(message);
    return message;
  }

  editMessage(message: MessageRecord, changes: MessageChanges, clearLoading = false): void {
    if (changes.content !== undefined) message.content = changes.content;
    if (changes.embeds !== undefined) message.embeds = changes.embeds;
    if (changes.components !== undefined) message.components = changes.components;
    if (changes.attachments !== undefined) message.attachments = changes.attachments;
    if (changes.allowedMentions !== undefined) message.allowedMentions = changes.allowedMentions;
    if (changes.flags !== undefined) {
      // Ephemerality is fixed at creation; edits may only toggle the presentational flags.
      const fixed = message.flags & (MessageFlag.Ephemeral | MessageFlag.Loading);
      message.flags = fixed | (changes.flags & ~(MessageFlag.Ephemeral | MessageFlag.Loading));
    }
    if (clearLoading) message.flags &= ~MessageFlag.Loading;
    if (changes.content !== undefined) {
      const repliedAuthor = message.messageReference
        ? (this.world.messageById.get(message.messageReference.messageId)?.author.id ?? null)
        : null;
      this.computeMentions(message, repliedAuthor, true, []);
    }
    message.editedAt = Date.now();
    message.editCount += 1;
    this.publish('MESSAGE_UPDATE', message);
    this.messageWaiters.notify(message);
  }

  deleteMessage(message: MessageRecord): void {
    message.deleted = true;
    if (message.ephemeral) return;
    const payload = { id: message.id, channel_id: message.channelId, guild_id: message.guildId ?? undefined };
    this.gateway.dispatch('MESSAGE_DELETE', (session) =>
      this.mayReceive(session, message) ? payload : null,
    );
    this.messageWaiters.notify(message);
  }

  publishThread(event: 'THREAD_CREATE' | 'THREAD_UPDATE', thread: ThreadRecord): void {
    const botId = this.world.bot.id;
    const extra = event === 'THREAD_CREATE' ? { newly_created: true } : {};
    this.gateway.dispatch(event, (session) =>
      (session.intents & Intent.Guilds) === 0
        ? null
        : { ...threadPayload(thread, thread.memberIds.includes(botId), botId), ...extra },
    );
  }

  private publish(event: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE', message: MessageRecord): void {
    // Ephemeral messages exist only for the user who saw them; bots get no dispatch for them.
    if (message.ephemeral) return;
    this.gateway.dispatch(event, (session) =>
      this.mayReceive(session, message)
        ? messagePayload(this.world, message, this.contentVisibility(session))
        : null,
    );
  }

  private mayReceive(session: GatewaySession, message: MessageRecord): boolean {
    const needed = message.guildId === null ? Intent.DirectMessages : Intent.GuildMessages;
    return (session.intents & needed) !== 0;
  }

  private resolveReference(
    channelId: string,
    reference: MessageChanges['messageReference'],
  ): MessageRecord | null {
    if (!reference || reference.message_id === undefined || reference.message_id === null) return null;
    const target = this.world.messageById.get(idText(reference.message_id));
    const usable = target && !target.deleted && !target.ephemeral && target.channelId === channelId;
    if (usable) return target;
    if (reference.fail_if_not_exists === false) return null;
    throw invalidFormBody(['message_reference'], 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', 'Unknown message');
  }

  /** Who a message pings: content mentions and the replied-to author, filtered by allowed_mentions. */
  private computeMentions(
    message: MessageRecord,
    repliedAuthorId: string | null,
    replyPing: boolean,
    extra: string[],
  ): void {
    const allowed = message.allowedMentions as
      { parse?: string[]; users?: string[]; replied_user?: boolean } | undefined | null;
    const inContent = [...message.content.matchAll(/<@!?(\d{17,20})>/g)].map((m) => m[1] ?? '');
    const userAllowed = (id: string) =>
      !allowed || (allowed.parse ?? []).includes('users') || (allowed.users ?? []).includes(id);
    const mentions = new Set(inContent.filter((id) => this.world.users.has(id) && userAllowed(id)));
    for (const id of extra) mentions.add(id);
    if (repliedAuthorId !== null && replyPing && (!allowed || allowed.replied_user === true)) {
      mentions.add(repliedAuthorId);
    }
    message.mentions = [...mentions];
    const everyoneWritten = /@(everyone|here)/.test(message.content);
    const everyoneAllowed = !allowed || (allowed.parse ?? []).includes('everyone');
    const authorMay =
      message.guildId !== null &&
      hasPermission(this.world.permissionsOf(message.author.id), Permission.MentionEveryone);
    message.mentionEveryone = everyoneWritten && everyoneAllowed && authorMay;
  }
}
