import { AttachmentBuilder, type Client, type SendableChannels } from 'discord.js';
import type { DeliverableImage } from '../core/images.js';
import { PlaceUnavailable, type Place } from './fallback.js';
import { NO_PINGS, pingOnly } from './no-pings.js';
import { withDmIntro } from './render.js';
import type { Voice } from '../text/catalogue.js';

// The places a result can go with the bot's own token: channels, threads' parents, the member's DMs.

/** A message's files as discord.js uploads them, each with its alt text. */
export const toFiles = (m: { readonly images: readonly DeliverableImage[]; readonly altText: string }) =>
  m.images.map((i) => new AttachmentBuilder(i.data, { name: i.filename, description: m.altText }));

/**
 * A channel the bot posts in with its own token. The first message mentions its member, and only
 * them, because they may not be looking there; `replyTo` makes it a reply to their message.
 */
export function channelPlace(
  name: string,
  channel: () => Promise<SendableChannels>,
  userId: string,
  opts: { replyTo?: string | undefined; ping?: boolean } = {},
): Place {
  let resolved: SendableChannels | undefined;
  return {
    name,
    inThread: () => !!resolved?.isThread(),
    async post(m) {
      resolved = await channel();
      return resolved.send({
        content: m.content,
        files: toFiles(m),
        ...(m.components ? { components: [...m.components] } : {}),
        allowedMentions: m.first && opts.ping !== false ? pingOnly(userId) : NO_PINGS,
        ...(m.first && opts.replyTo
          ? { reply: { messageReference: opts.replyTo, failIfNotExists: false } }
          : {}),
      });
    },
  };
}

/** When the job's place is a thread, its parent channel: a locked or archived thread stays readable there. */
export function parentPlace(channel: () => Promise<SendableChannels>, userId: string): Place {
  return channelPlace(
    'parent channel',
    async () => {
      const thread = await channel();
      if (!thread.isThread()) throw new PlaceUnavailable('not in a thread');
      const parent =
        thread.parent ?? (thread.parentId ? await thread.client.channels.fetch(thread.parentId) : null);
      if (!parent?.isSendable()) throw new PlaceUnavailable('the thread’s channel is not reachable');
      return parent;
    },
    userId,
  );
}

/** The member's DMs: only when nothing in the server reached them. */
export function dmPlace(client: Client, userId: string, channelId: string, voice: Voice): Place {
  return {
    name: 'dm',
    lastResort: true,
    inThread: () => false,
    post: (m) =>
      client.users.send(userId, {
        content: m.first ? withDmIntro(voice, m.content, channelId) : m.content,
        files: toFiles(m),
        allowedMentions: NO_PINGS,
      }),
  };
}
