import type { StoredPart } from '../core/conversation.js';
import type { ResultRecord } from '../core/results.js';

/** A row of the results table, as both databases answer it. */
export interface ResultRow {
  message_id: string;
  channel_id: string;
  thread_id: string | null;
  guild_id: string | null;
  user_id: string;
  prompt: string;
  parent_message_id: string | null;
  model: string;
  model_parts: string;
  image_count: number;
  created_at: number;
}

export const toRecord = (r: ResultRow): ResultRecord => ({
  messageId: r.message_id,
  channelId: r.channel_id,
  threadId: r.thread_id,
  guildId: r.guild_id,
  userId: r.user_id,
  prompt: r.prompt,
  parentMessageId: r.parent_message_id,
  model: r.model,
  modelParts: JSON.parse(r.model_parts) as StoredPart[],
  imageCount: r.image_count,
  createdAt: r.created_at,
});
