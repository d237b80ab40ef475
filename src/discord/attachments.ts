import type { Attachment, Client, Message } from 'discord.js';
import type { ReplayInput } from '../core/controls.js';
import type { InputRef, InputSource } from '../core/job.js';
import { UserError } from '../errors.js';
import type { JournaledInput } from '../jobs/journal.js';
import { phrase } from '../text/catalogue.js';

const IMAGE_EXT = /\.(png|jpe?g|webp|gif|heic|heif|avif|tiff?|bmp)$/i;

/** Looks like an image by its declared type or name; the bytes are checked when the job starts. */
export function isImageAttachment(a: Pick<Attachment, 'contentType' | 'name'>): boolean {
  return a.contentType?.startsWith('image/') === true || IMAGE_EXT.test(a.name);
}

/**
 * When a signed Discord CDN link stops working (ms), from its `ex` parameter (hex seconds), or
 * undefined for a link that does not say. An upload's link lasts about a day; a message's images
 * get fresh links whenever the message is fetched again, an upload to a slash command never does.
 */
export function linkExpiresAt(url: string): number | undefined {
  let ex: string | null;
  try {
    ex = new URL(url).searchParams.get('ex');
  } catch {
    return undefined;
  }
  if (ex === null || !/^[0-9a-f]{1,12}$/i.test(ex)) return undefined;
  return Number.parseInt(ex, 16) * 1000;
}

/** A message's images, in order: what "picture n" and a stored attachment index count. */
export function messageImages(message: Message): Attachment[] {
  return [...message.attachments.values()].filter(isImageAttachment);
}

/**
 * An upload to a slash command as a job input, fetched only when the job starts. Only its link
 * can be kept for the result's buttons and the journal: such uploads belong to no message.
 */
export function attachmentSource(a: Attachment): InputSource {
  return {
    filename: a.name,
    declaredSize: a.size,
    url: () => Promise.resolve(a.url),
    ref: { kind: 'url', url: a.url },
    replay: { kind: 'link', filename: a.name, declaredSize: a.size, url: a.url },
  };
}

/** The index-th image of a message as a job input; kept as the message and index, so it can be fetched again. */
export function messageImageSource(message: Message, index: number): InputSource {
  const image = messageImages(message)[index];
  return {
    filename: image?.name ?? 'image',
    declaredSize: image?.size,
    url: () =>
      image ? Promise.resolve(image.url) : Promise.reject(new UserError(phrase('refine.pictureGone'))),
    ref: { kind: 'message-image', channelId: message.channelId, messageId: message.id, index },
    replay: {
      kind: 'attachment',
      filename: image?.name ?? 'image',
      channelId: message.channelId,
      messageId: message.id,
      index,
    },
  };
}

/** Where the journal finds a kept input again: the same link, or the same image of the same message. */
function journalRef(replay: ReplayInput): InputRef {
  return replay.kind === 'link'
    ? { kind: 'url', url: replay.url }
    : {
        kind: 'message-image',
        channelId: replay.channelId,
        messageId: replay.messageId,
        index: replay.index,
      };
}

/**
 * An input kept by a result's controls (or the journal), made a job input again: an image of a
 * message is fetched again when the job starts (CDN links expire, and a process resuming the job
 * after a crash has only the ids), a slash command's upload is its stored link.
 */
export function replaySource(client: Client, replay: ReplayInput): InputSource {
  const ref = journalRef(replay);
  if (replay.kind === 'link') {
    return {
      filename: replay.filename,
      declaredSize: replay.declaredSize,
      url: () => Promise.resolve(replay.url),
      ref,
      replay,
    };
  }
  return {
    filename: replay.filename,
    ref,
    replay,
    async url() {
      const channel = await client.channels.fetch(replay.channelId).catch(() => null);
      if (!channel?.isTextBased()) throw new UserError(phrase('refine.cannotSee'));
      // Never from a cache (the client keeps no messages): a message fetched again has fresh links.
      const message = await channel.messages.fetch(replay.messageId).catch(() => undefined);
      const image = message && messageImages(message)[replay.index];
      if (!image) throw new UserError(phrase('refine.pictureGone'));
      return image.url;
    },
  };
}

/** The n-th picture (from 0) of one of the bot's result messages, fetched when the job starts. */
export function pictureSource(
  client: Client,
  where: { readonly channelId: string; readonly messageId: string },
  index: number,
): InputSource {
  return replaySource(client, { kind: 'attachment', filename: 'previous picture', ...where, index });
}

/** A journaled input as a source again, in a process that did not admit its job. */
export function sourceFromJournal(client: Client, input: JournaledInput): InputSource {
  const { ref } = input;
  if (ref.kind === 'message-image') {
    return replaySource(client, {
      kind: 'attachment',
      filename: input.filename,
      channelId: ref.channelId,
      messageId: ref.messageId,
      index: ref.index ?? 0,
    });
  }
  return replaySource(client, {
    kind: 'link',
    filename: input.filename,
    declaredSize: input.declaredSize,
    url: ref.url,
  });
}
