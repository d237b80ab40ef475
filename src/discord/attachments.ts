import type { Attachment, Client } from 'discord.js';
import type { InputSource } from '../core/job.js';
import { UserError } from '../errors.js';
import type { JournaledInput } from '../jobs/journal.js';
import { text } from '../text/catalogue.js';

const IMAGE_EXT = /\.(png|jpe?g|webp|gif|heic|heif|avif|tiff?|bmp)$/i;

/** Looks like an image by its declared type or name; the bytes are checked when the job starts. */
export function isImageAttachment(a: Pick<Attachment, 'contentType' | 'name'>): boolean {
  return a.contentType?.startsWith('image/') === true || IMAGE_EXT.test(a.name);
}

/** A Discord attachment as a job input, fetched only when the job starts. */
export function attachmentSource(a: Attachment): InputSource {
  return {
    filename: a.name,
    declaredSize: a.size,
    url: () => Promise.resolve(a.url),
    ref: { kind: 'url', url: a.url },
  };
}

/**
 * The picture in a message, looked up again when the job starts: CDN links expire, and a process
 * resuming the job after a crash has only the ids.
 */
export function messageImageSource(
  client: Client,
  channelId: string,
  messageId: string,
  filename = 'previous picture',
): InputSource {
  return {
    filename,
    ref: { kind: 'message-image', channelId, messageId },
    async url() {
      const channel = await client.channels.fetch(channelId).catch(() => null);
      if (!channel?.isTextBased()) throw new UserError(text('refine.cannotSee'));
      const message = await channel.messages.fetch(messageId).catch(() => undefined);
      const image = message?.attachments.find(isImageAttachment);
      if (!image) throw new UserError(text('refine.pictureGone'));
      return image.url;
    },
  };
}

/** A journaled input as a source again, in a process that did not admit its job. */
export function sourceFromJournal(client: Client, input: JournaledInput): InputSource {
  const { ref } = input;
  if (ref.kind === 'message-image')
    return messageImageSource(client, ref.channelId, ref.messageId, input.filename);
  return {
    filename: input.filename,
    declaredSize: input.declaredSize,
    url: () => Promise.resolve(ref.url),
    ref,
  };
}
