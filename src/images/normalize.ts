import sharp, { type Metadata } from 'sharp';
import { UserError } from '../errors.js';
import type { ImageInput } from '../gemini/types.js';
import { sniffType } from './sniff.js';

/** Formats Gemini takes as they are. */
const PASS_THROUGH = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/heic', 'image/heif']);
/** Formats sharp can read and we convert to PNG first. */
const CONVERT = new Set(['image/gif', 'image/avif', 'image/tiff', 'image/bmp']);
const REFUSED: Record<string, string> = {
  'image/svg+xml': 'SVG drawings are not supported (they can carry scripts); export it as PNG',
  'application/pdf': 'PDF files are not images; export the page as PNG or JPEG',
};
/** About 16k x 16k: a larger header is a decompression bomb, not a photo. */
const MAX_INPUT_PIXELS = 268_402_689;

export interface NormalizeOptions {
  readonly maxSide: number;
}

/**
 * Turns uploaded bytes into something Gemini accepts: the type is read from the bytes (never the
 * name or declared type), odd formats become PNG, EXIF rotation is applied, and big images are
 * scaled down. Bad files become a UserError naming the file and the reason.
 */
export async function normalizeImage(
  data: Buffer,
  filename: string,
  opts: NormalizeOptions,
): Promise<ImageInput> {
  if (data.length === 0) throw new UserError(`“${filename}” is empty.`);
  const type = await sniffType(data);
  if (!type)
    throw new UserError(
      `“${filename}” is not an image I can read (PNG, JPEG, WebP, HEIC, GIF, AVIF, TIFF or BMP).`,
    );
  const refusal = REFUSED[type.mime];
  if (refusal) throw new UserError(`“${filename}”: ${refusal}.`);
  if (!PASS_THROUGH.has(type.mime) && !CONVERT.has(type.mime)) {
    throw new UserError(`“${filename}” is a ${type.ext.toUpperCase()} file, not an image I can use.`);
  }

  let meta: Metadata;
  try {
    meta = await sharp(data, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
  } catch {
    // sharp cannot decode HEIC without a patent-encumbered codec; Gemini can, so pass it on.
    if (type.mime === 'image/heic' || type.mime === 'image/heif') return { mimeType: type.mime, data };
    throw new UserError(`“${filename}” looks damaged or truncated; I could not read it.`);
  }
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.autoOrient?.height ?? meta.height ?? 0;
  if (width * height > MAX_INPUT_PIXELS) {
    throw new UserError(
      `“${filename}” is ${width}x${height} pixels, far larger than any photo; please send a smaller image.`,
    );
  }
  const rotated = (meta.orientation ?? 1) > 1;
  const tooBig = Math.max(width, height) > opts.maxSide;
  if (PASS_THROUGH.has(type.mime) && !rotated && !tooBig) {
    // Decode fully once so a truncated file is refused here, not by Gemini.
    await decodeCheck(data, filename);
    return { mimeType: type.mime, data };
  }

  try {
    let pipeline = sharp(data, { limitInputPixels: MAX_INPUT_PIXELS, pages: 1 }).autoOrient();
    if (tooBig) pipeline = pipeline.resize({ width: opts.maxSide, height: opts.maxSide, fit: 'inside' });
    const out =
      type.mime === 'image/jpeg'
        ? await pipeline.jpeg({ quality: 92 }).toBuffer()
        : await pipeline.png({ compressionLevel: 6 }).toBuffer();
    return { mimeType: type.mime === 'image/jpeg' ? 'image/jpeg' : 'image/png', data: out };
  } catch {
    throw new UserError(`“${filename}” looks damaged or truncated; I could not read it.`);
  }
}

async function decodeCheck(data: Buffer, filename: string): Promise<void> {
  try {
    // A thumbnail decode reads every byte (JPEG shrinks while decoding), so it is cheap and thorough.
    await sharp(data, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'truncated' })
      .resize({ width: 64, height: 64, fit: 'inside' })
      .raw()
      .toBuffer();
  } catch {
    throw new UserError(`“${filename}” looks damaged or truncated; I could not read it.`);
  }
}
