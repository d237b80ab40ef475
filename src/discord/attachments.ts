import type { Attachment } from 'discord.js';
import type { InputSource } from '../core/job.js';

const IMAGE_EXT = /\.(png|jpe?g|webp|gif|heic|heif|avif|tiff?|bmp)$/i;

/** Looks like an image by its declared type or name; the bytes are checked when the job starts. */
export function isImageAttachment(a: Attachment): boolean {
  return a.contentType?.startsWith('image/') === true || IMAGE_EXT.test(a.name);
}

/** A Discord attachment as a job input, fetched only when the job starts. */
export function attachmentSource(a: Attachment): InputSource {
  return { filename: a.name, declaredSize: a.size, url: () => Promise.resolve(a.url) };
}
