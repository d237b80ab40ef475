import type { MessageMentionOptions } from 'discord.js';

/** Every message the bot sends pings nobody: not @everyone, not roles, not the member replied to. */
export const NO_PINGS = { parse: [], repliedUser: false } satisfies MessageMentionOptions;

/** A channel message that must reach its member (a result that outlived its token) pings only them. */
export const pingOnly = (userId: string): MessageMentionOptions => ({
  parse: [],
  users: [userId],
  repliedUser: false,
});
