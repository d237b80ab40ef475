import type { ResultRecord } from '../core/results.js';
import { phrase, type Phrase } from '../text/catalogue.js';
import { promptOfResult } from './render.js';

/** The message a reply answers, as Discord shows it (fetched only when the store does not know it). */
export interface RepliedMessage {
  readonly channelId: string;
  readonly guildId: string | null;
  readonly content: string;
  readonly hasImage: boolean;
  readonly createdAt: number;
}

/** The facts about an incoming message that decide whether it asks to refine a picture. */
export interface MessageFacts {
  readonly authorIsBot: boolean;
  readonly botId: string;
  readonly content: string;
  readonly attachmentCount: number;
  readonly mentionsBot: boolean;
  /** With the MessageContent intent an empty message really is empty; without it, it may be unreadable. */
  readonly contentIntent: boolean;
  /** The message it replies to, when it is a reply. */
  readonly replyTo?:
    | {
        readonly messageId: string;
        readonly authorId: string | undefined;
        /** Looks the message up on Discord, for a bot picture the store does not know. */
        fetch?: () => Promise<RepliedMessage | undefined>;
      }
    | undefined;
  readonly channelId: string;
  /** Set when the message is in a thread. */
  readonly thread?: { readonly ownerId: string | null } | undefined;
}

export type RefineDecision =
  | { readonly kind: 'ignore' }
  /**
   * Replying to a picture in a channel: the refine goes into a thread started on it. `known` is
   * false for a bot picture the store has no record of (a reset store, an older deployment): the
   * parent then stands for the message alone (its picture, the prompt read from its text) and has
   * no lineage before it.
   */
  | {
      readonly kind: 'refine';
      readonly parent: ResultRecord;
      readonly placement: 'new-thread' | 'here';
      readonly known?: false;
    }
  /** The user clearly meant the bot but the message is unreadable (no MessageContent intent). */
  | { readonly kind: 'hint'; readonly message: Phrase };

export interface RefineLookup {
  getResult(messageId: string): Promise<ResultRecord | undefined>;
  latestInThread(threadId: string): Promise<ResultRecord | undefined>;
}

export const UNREADABLE_HINT = phrase('refine.unreadable');

/**
 * Decides what a message means: a reply to one of the bot's pictures refines that picture (in a
 * new thread when it is in a channel); any other message in a thread the bot started refines the
 * thread's latest picture. Everything else is ordinary chat and is left alone.
 */
export async function decideRefine(m: MessageFacts, store: RefineLookup): Promise<RefineDecision> {
  // The one filter of the bot's own and other bots' messages (and system messages).
  if (m.authorIsBot) return { kind: 'ignore' };
  const empty = m.content.trim() === '' && m.attachmentCount === 0;
  const inBotThread = m.thread !== undefined && m.thread.ownerId === m.botId;

  if (m.replyTo) {
    // Only the bot's pictures are stored, so a stored id is one of them, whoever Discord says wrote it.
    const parent = await store.getResult(m.replyTo.messageId);
    if (parent) {
      if (empty) {
        return m.mentionsBot || m.contentIntent
          ? { kind: 'ignore' }
          : { kind: 'hint', message: UNREADABLE_HINT };
      }
      return { kind: 'refine', parent, placement: m.thread ? 'here' : 'new-thread' };
    }
    // A reply to one of the bot's other messages in its thread (an error, a hint) means the thread.
    if (!(inBotThread && m.replyTo.authorId === m.botId)) {
      const unknown = m.replyTo.authorId === m.botId ? await unknownPicture(m, m.replyTo) : undefined;
      if (!unknown) return { kind: 'ignore' };
      if (empty)
        return m.mentionsBot || m.contentIntent
          ? { kind: 'ignore' }
          : { kind: 'hint', message: UNREADABLE_HINT };
      return { kind: 'refine', parent: unknown, placement: m.thread ? 'here' : 'new-thread', known: false };
    }
  }

  if (inBotThread) {
    if (empty) return { kind: 'ignore' };
    // A thread the bot started on a picture has that picture's id; later pictures live inside it.
    const latest = (await store.latestInThread(m.channelId)) ?? (await store.getResult(m.channelId));
    if (latest) return { kind: 'refine', parent: latest, placement: 'here' };
    // A reply to a bot picture in a thread the store knows nothing of: that picture.
    const unknown = m.replyTo ? await unknownPicture(m, m.replyTo) : undefined;
    return unknown
      ? { kind: 'refine', parent: unknown, placement: 'here', known: false }
      : { kind: 'ignore' };
  }
  return { kind: 'ignore' };
}

/**
 * A bot message the store does not know, as a result record standing for itself, when it holds a
 * picture: its prompt is read back from the words the bot posted with it ('' when they cannot be read).
 */
async function unknownPicture(
  m: MessageFacts,
  replyTo: NonNullable<MessageFacts['replyTo']>,
): Promise<ResultRecord | undefined> {
  const replied = await replyTo.fetch?.().catch(() => undefined);
  if (!replied?.hasImage) return undefined;
  return {
    messageId: replyTo.messageId,
    channelId: replied.channelId,
    threadId: m.thread ? m.channelId : null,
    guildId: replied.guildId,
    userId: m.botId,
    prompt: promptOfResult(replied.content) ?? '',
    parentMessageId: null,
    model: '',
    // The picture is the whole model turn; it carries no thought signature (request building supplies the stand-in).
    modelParts: [{ imageIndex: 0 }],
    imageCount: 1,
    createdAt: replied.createdAt,
  };
}
