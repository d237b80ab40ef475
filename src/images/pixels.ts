import sharp, { type Sharp } from 'sharp';

/**
 * An image decoded once into raw pixels, so every encode and estimate after that skips decoding
 * (inflating a 20 MB PNG costs about as much as encoding it as JPEG).
 */
export interface DecodedPixels {
  readonly raw: Buffer;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 2 | 3 | 4;
  /** False when the source had more than 8 bits per channel: re-encoding it is no longer lossless. */
  readonly eightBit: boolean;
  readonly opaque: boolean;
}

export async function decodePixels(data: Buffer, maxPixels: number): Promise<DecodedPixels> {
  const source = sharp(data, { limitInputPixels: maxPixels });
  const meta = await source.metadata();
  const { data: raw, info } = await source
    .autoOrient()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const channels = info.channels;
  return {
    raw,
    width: info.width,
    height: info.height,
    channels,
    eightBit: meta.depth === undefined || meta.depth === 'uchar' || meta.depth === 'char',
    opaque: channels % 2 === 1 || alphaIsOpaque(raw, channels),
  };
}

/** Many generated images carry an alpha channel that is 255 everywhere; they may still become JPEG. */
function alphaIsOpaque(raw: Buffer, channels: number): boolean {
  for (let i = channels - 1; i < raw.length; i += channels) if (raw[i] !== 255) return false;
  return true;
}

export function pipelineFrom(pixels: DecodedPixels, raw = pixels.raw, height = pixels.height): Sharp {
  const img = sharp(raw, { raw: { width: pixels.width, height, channels: pixels.channels } });
  return pixels.opaque && pixels.channels % 2 === 0 ? img.removeAlpha() : img;
}

const BANDS = 8;
/** A multiple of the 16-row blocks JPEG and WebP code in, so bands compress like the whole. */
const BAND_ROWS = 32;

/**
 * Horizontal bands spread over the image, stacked into one small image: encoding it and scaling
 * by the row ratio estimates the full encode at about a tenth of its cost.
 */
export function sampleBands(pixels: DecodedPixels): { raw: Buffer; height: number; ratio: number } {
  const { raw, width, height, channels } = pixels;
  if (height <= BANDS * BAND_ROWS * 2) return { raw, height, ratio: 1 };
  const rowBytes = width * channels;
  const sample = Buffer.alloc(BANDS * BAND_ROWS * rowBytes);
  for (let band = 0; band < BANDS; band++) {
    const top = Math.floor(((band + 0.5) * height) / BANDS - BAND_ROWS / 2);
    raw.copy(sample, band * BAND_ROWS * rowBytes, top * rowBytes, (top + BAND_ROWS) * rowBytes);
  }
  const sampleHeight = BANDS * BAND_ROWS;
  return { raw: sample, height: sampleHeight, ratio: height / sampleHeight };
}
