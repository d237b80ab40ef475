import type { Attachment, Client, Message } from 'discord.js';
import type { ReplayInput } from '../core/controls.js';
import type { InputSource } from '../core/job.js';
import { UserError } from '../errors.js';
import { text } from '../text/catalogue.js';

const IMAGE_EXT = /\.(png|jpe?g|webp|gif|heic|heif|avif|tiff?|bmp)$/i;

/** Looks like an image by its declared type or name; the bytes are checked when the job starts. */
export function isImageAttachment(a: Attachment): boolean {
  return a.contentType?.startsWith('image/') === true || IMAGE_EXT.test(a.name);
}

/** A message's images, in order: what "picture n" and a stored attachment index count. */
export function messageImages(message: Message): Attachment[] {
  return [...message.attachments.values()].filter(isImageAttachment);
}

/**
 * An upload to a slash command as a job input, fetched only when the job starts. Only its link
 * can be kept for the result's buttons: such uploads belong to no message.
 */
export function attachmentSource(a: Attachment): InputSource {
  return {
    filename: a.name,
    declaredSize: a.size,
    url: () => Promise.resolve(a.url),
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
      image ? Promise.resolve(image.url) : Promise.reject(new UserError(text('refine.pictureGone'))),
    replay: {
      kind: 'attachment',
      filename: image?.name ?? 'image',
      channelId: message.channelId,
      messageId: message.id,
      index,
    },
  };
}

/**
 * An input kept by a result's controls, made a job input again: an image of a message is fetched
 * again when the job starts (CDN links expire), a slash command's upload is its stored link.
 */
export function replaySource(client: Client, replay: ReplayInput): InputSource {
  if (replay.kind === 'link') {
    return {
      filename: replay.filename,
      declaredSize: replay.declaredSize,
      url: () => Promise.resolve(replay.url),
      replay,
    };
  }
  return {
    filename: replay.filename,
    replay,
    async url() {
      const channel = await client.channels.fetch(replay.channelId).catch(() => null);
      if (!channel?.isTextBased()) throw new UserError(text('refine.cannotSee'));
      const message = await channel.messages.fetch(replay.messageId).catch(() => undefined);
      const image = message && messageImages(message)[replay.index];
      if (!image) throw new UserError(text('refine.pictureGone'));
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
