import type { DiscordEmulator, FakeUser, MessageRecord, ThreadRecord } from '../discord/index.js';

/**
 * What the page draws, in Discord's own JSON where Discord has it (attachments, embeds, components are
 * passed through as the bot sent them), so that any component the bot sends renders without the page
 * knowing the bot. Attachment links point at the page's server, which forwards to the emulated CDN.
 */

export interface MemberView {
  id: string;
  username: string;
  global_name: string | null;
}

export interface MessageView {
  id: string;
  channel_id: string;
  deleted: boolean;
  author: MemberView & { bot: boolean };
  content: string;
  timestamp: string;
  edited_timestamp: string | null;
  flags: number;
  type: number;
  attachments: unknown[];
  embeds: unknown[];
  components: unknown[];
  message_reference: { message_id: string } | null;
  thread: { id: string; name: string } | null;
  /**
   * The member who ran the command this message answers (Discord shows "alice used /imagine"), and for a
   * button or modal the message it was on (Discord shows the answer as a reply to that message).
   */
  interaction: { user_id: string; name: string | null; message_id: string | null } | null;
  /** Set on ephemeral messages: only this member sees them. */
  visible_to: string | null;
}

export interface ThreadView {
  id: string;
  parent_id: string;
  name: string;
  archived: boolean;
  locked: boolean;
  message_count: number;
}

export function memberView(user: FakeUser): MemberView {
  return { id: user.id, username: user.username, global_name: user.globalName };
}

export function messageView(discord: DiscordEmulator, m: MessageRecord): MessageView {
  const interaction = m.interactionId === null ? null : discord.interaction(m.interactionId);
  const thread = m.threadId === null ? undefined : discord.threads.find((t) => t.id === m.threadId);
  return {
    id: m.id,
    channel_id: m.channelId,
    deleted: m.deleted,
    author: { ...memberView(m.author), bot: m.author.bot },
    content: m.content,
    timestamp: new Date(m.createdAt).toISOString(),
    edited_timestamp: m.editedAt === null ? null : new Date(m.editedAt).toISOString(),
    flags: m.flags,
    type: m.type,
    attachments: m.attachments.map((a) => ({ ...a, url: pageLink(a.url), proxy_url: pageLink(a.url) })),
    embeds: m.embeds,
    components: m.components,
    message_reference: m.messageReference ? { message_id: m.messageReference.messageId } : null,
    thread: thread ? { id: thread.id, name: thread.name } : null,
    interaction: interaction
      ? {
          user_id: interaction.userId,
          name: interaction.commandName,
          message_id: interaction.sourceMessageId,
        }
      : null,
    visible_to: m.ephemeral && interaction ? interaction.userId : null,
  };
}

export function threadView(t: ThreadRecord): ThreadView {
  return {
    id: t.id,
    parent_id: t.parentId,
    name: t.name,
    archived: t.archived,
    locked: t.locked,
    message_count: t.messageCount,
  };
}

/** `http://127.0.0.1:<emulator>/attachments/…` -> `/attachments/…`, served by the page's own server. */
function pageLink(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

/** A change key per record: the page hears about a message or thread again only when it changed. */
export function messageVersion(m: MessageRecord, discord: DiscordEmulator): string {
  const thread = m.threadId === null ? undefined : discord.threads.find((t) => t.id === m.threadId);
  return `${m.editCount}:${m.deleted}:${m.flags}:${m.threadId}:${thread?.name ?? ''}`;
}

export function threadVersion(t: ThreadRecord): string {
  return `${t.name}:${t.archived}:${t.locked}:${t.messageCount}`;
}
