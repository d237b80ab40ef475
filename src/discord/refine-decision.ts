import type { ResultRecord } from '../core/results.js';
import { text } from '../text/catalogue.js';

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
  readonly replyTo?: { readonly messageId: string; readonly authorId: string | undefined } | undefined;
  readonly channelId: string;
  /** Set when the message is in a thread. */
  readonly thread?: { readonly ownerId: string | null } | undefined;
}

export type RefineDecision =
  | { readonly kind: 'ignore' }
  /** Replying to a picture in a channel: the refine goes into a thread started on it. */
  | { readonly kind: 'refine'; readonly parent: ResultRecord; readonly placement: 'new-thread' | 'here' }
  /** The user clearly meant the bot but the message is unreadable (no MessageContent intent). */
  | { readonly kind: 'hint'; readonly message: string };

export interface RefineLookup {
  getResult(messageId: string): Promise<ResultRecord | undefined>;
  latestInThread(threadId: string): Promise<ResultRecord | undefined>;
}

export const UNREADABLE_HINT = text('refine.unreadable');

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
    if (!(inBotThread && m.replyTo.authorId === m.botId)) return { kind: 'ignore' };
  }

  if (inBotThread) {
    if (empty) return { kind: 'ignore' };
    // A thread the bot started on a picture has that picture's id; later pictures live inside it.
    const latest = (await store.latestInThread(m.channelId)) ?? (await store.getResult(m.channelId));
    return latest ? { kind: 'refine', parent: latest, placement: 'here' } : { kind: 'ignore' };
  }
  return { kind: 'ignore' };
}
