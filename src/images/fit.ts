import type { Sharp } from 'sharp';
import type { DeliverableImage } from '../core/images.js';
import { DamagedImageError } from '../core/images.js';
import { phrase, type Phrase } from '../text/catalogue.js';
import { imageIsWhole } from './integrity.js';
import { fitNote, pixelSize } from './messages.js';
import { decodePixels, pipelineFrom, sampleBands } from './pixels.js';

export interface FitInput {
  readonly data: Buffer;
  /** The real type, read from the bytes (the adapter does, whatever Gemini declared). */
  readonly mimeType: string;
  readonly extension: string;
  readonly basename: string;
}

/** Generated images are at most ~17 MP (5504x3072); anything far beyond is not one. */
const FIT_MAX_PIXELS = 64_000_000;
/** Sampling is an estimate: only one this close to the limit earns a full encode. */
const ESTIMATE_SLACK = 1.1;
/** Aim a little under the limit when scaling down, so the first smaller size usually fits. */
const SHRINK_AIM = 0.9;
const MAX_SHRINK_TRIES = 6;
const MIN_SIDE = 16;

interface Encoder {
  readonly extension: 'png' | 'jpg' | 'webp';
  readonly description: Phrase;
  encode(img: Sharp): Sharp;
}

// zlib level 6: levels 8-9 save ~1% and can take 10-30x longer on some images (48 s for one 4K).
// Adaptive row filters win on photos and lose on noise-like pixels, so both are estimated.
const losslessPng = (adaptiveFiltering: boolean): Encoder => ({
  extension: 'png',
  description: phrase('fit.lossless'),
  encode: (img) => img.png({ compressionLevel: 6, adaptiveFiltering, palette: false }),
});
const LOSSLESS = [losslessPng(true), losslessPng(false)];
// libjpeg-turbo rather than mozjpeg: as good at this quality and eight times faster on 4K images.
const JPEG: Encoder = {
  extension: 'jpg',
  description: phrase('fit.jpeg'),
  encode: (img) => img.jpeg({ quality: 92 }),
};
const WEBP: Encoder = {
  extension: 'webp',
  description: phrase('fit.webp'),
  encode: (img) => img.webp({ quality: 90, alphaQuality: 100 }),
};

/**
 * Makes a generated image deliverable under Discord's per-file upload limit. The file is named by
 * its real type as the adapter read it from the bytes. Over the limit it becomes, in order: a
 * lossless PNG re-encode, a high-quality JPEG (WebP when it has transparency), then smaller and
 * smaller copies. Each step is first estimated on a sample and only run in full when it can fit;
 * the image is decoded once. `note` says when the file is not the model's original.
 */
export async function fitToUploadLimit(image: FitInput, limit: number): Promise<DeliverableImage> {
  if (image.data.length <= limit) {
    // Sent as it is, so checked here to be sure it is a whole picture and not a truncated file.
    if (!(await imageIsWhole(image.data, image.extension))) {
      throw new DamagedImageError(`the ${image.extension} image is truncated or corrupt`);
    }
    return { filename: `${image.basename}.${image.extension}`, data: image.data };
  }

  const pixels = await decodePixels(image.data, FIT_MAX_PIXELS).catch((err: unknown) => {
    throw new DamagedImageError(`the image does not decode: ${String((err as Error).message)}`, {
      cause: err,
    });
  });
  const deliver = (encoder: Encoder, out: Buffer, what = encoder.description): DeliverableImage => ({
    filename: `${image.basename}.${encoder.extension}`,
    data: out,
    note: fitNote(image.data.length, limit, what, out.length),
  });

  const sample = sampleBands(pixels);
  const estimate = async (encoder: Encoder) => {
    const sampled = await encoder.encode(pipelineFrom(pixels, sample.raw, sample.height)).toBuffer();
    return sampled.length * sample.ratio;
  };
  // A full encode of a 4K image costs 0.3-3 s: only an estimate near the limit earns one.
  const tryInFull = async (encoder: Encoder, estimated: number) => {
    if (estimated > limit * ESTIMATE_SLACK) return undefined;
    return encoder.encode(pipelineFrom(pixels)).toBuffer();
  };

  // A JPEG (or a deeper-than-8-bit source) has no lossless PNG worth having: it would be larger.
  if (image.mimeType !== 'image/jpeg' && pixels.eightBit) {
    const ranked = await Promise.all(
      LOSSLESS.map(async (encoder) => ({ encoder, size: await estimate(encoder) })),
    );
    const best = ranked.reduce((a, b) => (b.size < a.size ? b : a));
    const out = await tryInFull(best.encoder, best.size);
    if (out && out.length <= limit) return deliver(best.encoder, out);
  }

  const lossy = pixels.opaque ? JPEG : WEBP;
  let lossySize = await estimate(lossy);
  const out = await tryInFull(lossy, lossySize);
  if (out && out.length <= limit) return deliver(lossy, out);
  if (out) lossySize = out.length;

  // Bytes grow roughly with pixel count: aim straight for a size under the limit.
  let scale = Math.min(0.95, Math.sqrt((limit * SHRINK_AIM) / lossySize));
  for (let attempt = 0; attempt < MAX_SHRINK_TRIES; attempt++) {
    const width = Math.round(pixels.width * scale);
    const height = Math.round(pixels.height * scale);
    if (Math.min(width, height) < MIN_SIDE) break;
    const out = await lossy.encode(pipelineFrom(pixels).resize({ width, height, fit: 'fill' })).toBuffer();
    if (out.length <= limit) {
      const type = lossy === JPEG ? 'JPEG' : 'WebP';
      return deliver(lossy, out, phrase('fit.scaledDown', { type, ...pixelSize(width, height) }));
    }
    scale *= Math.min(0.9, Math.sqrt((limit * SHRINK_AIM) / out.length));
  }
  throw new Error(`could not fit a ${pixels.width}x${pixels.height} image under ${limit} bytes`);
}
