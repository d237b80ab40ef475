import sharp from 'sharp';
import type { DeliverableImage } from '../jobs/types.js';

export interface FitInput {
  readonly data: Buffer;
  readonly mimeType: string;
  readonly extension: string;
  readonly basename: string;
}

const readable = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

/**
 * Makes a generated image deliverable under Discord's per-file upload limit: the original when it
 * fits, else a lossless PNG re-encode, else high-quality WebP, then JPEG, then smaller and smaller
 * sizes. Says in `note` when the file is not the model's original.
 */
export async function fitToUploadLimit(image: FitInput, limit: number): Promise<DeliverableImage> {
  const original: DeliverableImage = { filename: `${image.basename}.${image.extension}`, data: image.data };
  if (image.data.length <= limit) return original;

  const note = (what: string, out: Buffer) =>
    `The original (${readable(image.data.length)}) was over Discord’s ${readable(limit)} upload limit, so this is ${what} (${readable(out.length)}).`;

  const src = sharp(image.data, { limitInputPixels: false });
  const meta = await src.metadata();
  if (image.mimeType === 'image/png') {
    const png = await sharp(image.data, { limitInputPixels: false })
      .png({ compressionLevel: 9, effort: 10, palette: false })
      .toBuffer();
    if (png.length <= limit)
      return {
        filename: `${image.basename}.png`,
        data: png,
        note: note('a losslessly recompressed copy', png),
      };
  }
  for (const quality of [95, 90]) {
    const webp = await sharp(image.data, { limitInputPixels: false }).webp({ quality }).toBuffer();
    if (webp.length <= limit)
      return { filename: `${image.basename}.webp`, data: webp, note: note(`a high-quality WebP copy`, webp) };
  }
  const jpeg = await sharp(image.data, { limitInputPixels: false })
    .jpeg({ quality: 92, mozjpeg: true })
    .toBuffer();
  if (jpeg.length <= limit)
    return { filename: `${image.basename}.jpg`, data: jpeg, note: note('a high-quality JPEG copy', jpeg) };

  const width = meta.width ?? 4096;
  for (let scale = 0.75; scale > 0.05; scale *= 0.75) {
    const w = Math.max(1, Math.round(width * scale));
    const out = await sharp(image.data, { limitInputPixels: false })
      .resize({ width: w })
      .jpeg({ quality: 90, mozjpeg: true })
      .toBuffer();
    if (out.length <= limit) {
      const h = Math.round(((meta.height ?? w) * w) / width);
      return {
        filename: `${image.basename}.jpg`,
        data: out,
        note: note(`a JPEG scaled down to ${w}x${h}`, out),
      };
    }
  }
  throw new Error('could not fit the image under the upload limit');
}
