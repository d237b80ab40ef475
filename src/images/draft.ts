import sharp from 'sharp';
import type { DeliverableImage } from '../core/images.js';

/** Longest side of a draft: enough to see the picture forming, small enough to upload in a blink. */
export const DRAFT_SIDE = 512;
/** Interim images are the size of the final one (at most ~17 MP); anything far beyond is not one. */
const DRAFT_MAX_PIXELS = 64_000_000;

/**
 * A small JPEG of an interim image for the progress message: about 512 px on its longest side and
 * a few tens of KB, so a draft edit costs Discord (and the member's data plan) little. Transparent
 * pixels become white, as a draft on a white page.
 */
export async function shrinkDraft(data: Buffer, basename: string): Promise<DeliverableImage> {
  const out = await sharp(data, { limitInputPixels: DRAFT_MAX_PIXELS })
    .autoOrient()
    .resize({ width: DRAFT_SIDE, height: DRAFT_SIDE, fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: 70 })
    .toBuffer();
  return { filename: `${basename}.jpg`, data: out };
}
