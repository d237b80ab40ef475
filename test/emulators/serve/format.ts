import {
  MessageFlag,
  type DiscordEmulator,
  type MessageRecord,
} from '../../../src/playground/discord/index.js';

/** Widths the message text is clipped to: live lines have the terminal to themselves, `show` shares it with columns. */
export const LIVE_WIDTH = 120;
export const SHOW_WIDTH = 80;

export const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
export const clip = (text: string, width: number) =>
  text.length > width ? `${text.slice(0, width - 1)}…` : text;
export const clock = () => new Date().toTimeString().slice(0, 8);

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function placeOf(discord: DiscordEmulator, channelId: string): string {
  if (channelId === discord.channelId) return '#general';
  return discord.threads.some((t) => t.id === channelId) ? `thread ${channelId}` : `dm ${channelId}`;
}

/** Mentions as `@name` and timestamps as clock times, so lines read as in the Discord client. */
function readableMarkup(discord: DiscordEmulator, content: string): string {
  const names = new Map(Object.values(discord.users).map((u) => [u.id, u.username]));
  names.set(discord.botUserId, 'bot');
  return content
    .replace(/<@!?(\d+)>/g, (mention, id: string) => {
      const name = names.get(id);
      return name ? `@${name}` : mention;
    })
    .replace(/<t:(\d+)(?::\w)?>/g, (_, seconds: string) =>
      new Date(Number(seconds) * 1000).toTimeString().slice(0, 8),
    );
}

export function describeBody(discord: DiscordEmulator, m: MessageRecord, width: number): string {
  if (m.deleted) return '(deleted)';
  const parts: string[] = [];
  const text = oneLine(readableMarkup(discord, m.content));
  if (text) parts.push(clip(text, width));
  else if (m.flags & MessageFlag.Loading) parts.push('(thinking…)');
  if (m.embeds.length > 0) parts.push(`[${m.embeds.length} embed${m.embeds.length > 1 ? 's' : ''}]`);
  for (const a of m.attachments) {
    const dims = a.width && a.height ? ` ${a.width}×${a.height}` : '';
    parts.push(`[${a.filename} ${formatSize(a.size)}${dims}]`);
  }
  if (m.ephemeral) parts.push('(ephemeral)');
  return parts.join(' ') || '(empty)';
}
