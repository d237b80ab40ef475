import { rm } from 'node:fs/promises';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { UserError } from '../errors.js';
import { phrase } from '../text/catalogue.js';
import type { ImageInput } from '../core/images.js';
import { decodeBmp } from './bmp.js';
import { isCompleteHeif } from './isobmff.js';
import { inputMessages, pixelSize } from './messages.js';
import { looksLikeText, SNIFF_HEAD_BYTES, sniffType, type SniffedType } from './sniff.js';
import { SpooledFile, type Spool } from './spool.js';

/** Formats Gemini takes as they are. */
const PASS_THROUGH = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/heic', 'image/heif']);
/** Formats sharp can read and we convert to PNG first (APNG: its first frame, like any PNG reader). */
const CONVERT = new Set(['image/gif', 'image/avif', 'image/tiff', 'image/apng']);
/**
 * sharp's own default (16383 x 16383): a larger header is a decompression bomb, not a photo. Below
 * it sharp decodes in strips while scaling down, so memory stays far below width x height x 4.
 */
export const MAX_INPUT_PIXELS = 268_402_689;
/** Our BMP reader holds every pixel at once (an uncompressed 1-bit BMP is tiny on the wire). */
const MAX_BMP_PIXELS = 40_000_000;
const JPEG_QUALITY = 92;
/**
 * A lossless PNG this large is worth trying as JPEG: graphics (flat colour, text, logos) are far
 * smaller than this at the sizes Gemini uses, so only photographic pixels reach the comparison.
 */
const TRY_JPEG_ABOVE_BYTES = 512 * 1024;
/** JPEG replaces PNG only when it is less than half the size: a clear sign of a photo, not a drawing. */
const JPEG_MUST_BE_UNDER = 0.5;

export interface NormalizeOptions {
  /** Longest side sent to Gemini (the smaller of MAX_INPUT_SIDE and the model's); larger images are scaled down. */
  readonly maxSide: number;
}

/** Where converted images are written: the spool that holds the downloads. */
export type ConvertedFiles = Pick<Spool, 'newPath'>;

/** Writing a converted image to the spool failed (a full disk, say): the bot's problem, not the sender's. */
class SpoolWriteError extends Error {
  override readonly name = 'SpoolWriteError';
}

/**
 * Turns a downloaded file into something Gemini accepts: the type is read from the bytes (never the
 * name or declared type), odd formats become PNG, EXIF rotation is applied, and big images are
 * scaled down. Bad files become a UserError naming the file and the reason. An image Gemini takes
 * as it is comes back as the same file, never read into memory whole; a converted one comes back
 * as a new file in `files`, written there by libvips as it encodes.
 *
 * Why files: converted inputs once came back as Buffers, and a running job held its three (up to
 * ~7 MB each) from here until Gemini answered, besides every encode tried on the way. Under a
 * queue of /edit jobs that cost about 70 MiB of peak memory (BENCHMARKS.md, scenario 4).
 */
export async function normalizeImage(
  file: SpooledFile,
  filename: string,
  opts: NormalizeOptions,
  files: ConvertedFiles,
): Promise<ImageInput> {
  if (file.size === 0) throw new UserError(inputMessages.empty(filename));
  const head = await file.head(SNIFF_HEAD_BYTES);
  const type = await sniffType({ head, path: file.path });
  if (!type) {
    throw new UserError(looksLikeText(head) ? inputMessages.text(filename) : inputMessages.unknown(filename));
  }
  if (type.mime === 'image/svg+xml') throw new UserError(inputMessages.svg(filename));
  if (type.mime === 'application/pdf') throw new UserError(inputMessages.pdf(filename));
  if (type.mime === 'image/bmp') return convertBmp(await file.readAll(), filename, opts, files);
  if (!PASS_THROUGH.has(type.mime) && !CONVERT.has(type.mime)) {
    throw new UserError(inputMessages.otherType(filename, type.ext));
  }

  let meta: Metadata;
  try {
    // Header only, nothing decoded; without the limit here, so a bomb gets the friendlier refusal below.
    meta = await sharp(file.path, { limitInputPixels: false }).metadata();
  } catch {
    throw new UserError(inputMessages.damaged(filename));
  }
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.autoOrient?.height ?? meta.height ?? 0;
  if (width * height > MAX_INPUT_PIXELS) throw new UserError(inputMessages.huge(filename, width, height));

  const plan = {
    rotate: (meta.orientation ?? 1) > 1,
    shrink: Math.max(width, height) > opts.maxSide,
    firstFrame: (meta.pages ?? 1) > 1,
  };
  try {
    if (PASS_THROUGH.has(type.mime) && !plan.rotate && !plan.shrink && !plan.firstFrame) {
      await decodeFully(file.path);
      return { mimeType: type.mime, data: file };
    }
    const pipeline = openForConversion(file.path).autoOrient();
    const scaled = plan.shrink ? pipeline.resize(fitInside(opts.maxSide)) : pipeline;
    const image = await encode(scaled, type, meta, files);
    if (PASS_THROUGH.has(type.mime) && !plan.rotate && !plan.firstFrame && image.data.size >= file.size) {
      // Scaling down made it larger (a tightly compressed original): the original costs fewer
      // bytes, and Gemini scales it down itself, so nothing is lost by sending it as it is.
      await image.data.discard();
      return { mimeType: type.mime, data: file };
    }
    return image;
  } catch (err) {
    if (err instanceof SpoolWriteError) throw err;
    if (undecodableHere(meta, type) && isCompleteHeif(await file.readAll())) {
      // HEVC pixels need a codec this sharp build lacks; Gemini reads HEIC itself, and the
      // container was checked above and here, so it goes as it is.
      return { mimeType: type.mime, data: file };
    }
    throw new UserError(inputMessages.damaged(filename));
  }
}

function openForConversion(path: string): Sharp {
  // failOn 'truncated': refuse cut-off files, forgive the harmless warnings real-world GIFs carry.
  return sharp(path, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'truncated', pages: 1 });
}

/** Reads every byte (as a 64 px thumbnail, cheap: JPEG shrinks while decoding), so truncation shows here. */
async function decodeFully(path: string): Promise<void> {
  await openForConversion(path).resize(fitInside(64)).raw().toBuffer();
}

function fitInside(side: number) {
  return { width: side, height: side, fit: 'inside', withoutEnlargement: true } as const;
}

/** A converted input: its bytes in a spool file of its own. */
interface ConvertedImage extends ImageInput {
  readonly data: SpooledFile;
}

/**
 * JPEG stays JPEG. Anything with transparency or a palette (graphics) stays lossless PNG. An opaque
 * full-colour image becomes PNG unless a JPEG of it is less than half that size, which only
 * photographic pixels achieve; that JPEG keeps full colour resolution (4:4:4) for edges and text.
 */
async function encode(
  pipeline: Sharp,
  type: SniffedType,
  meta: Metadata,
  files: ConvertedFiles,
): Promise<ConvertedImage> {
  if (type.mime === 'image/jpeg') {
    return writeConverted('image/jpeg', pipeline.jpeg({ quality: JPEG_QUALITY }), files);
  }
  const graphics = meta.hasAlpha === true || meta.isPalette === true;
  // Decoded and scaled once, then encoded twice: the scaled pixels are small next to the original.
  const pixels = graphics ? pipeline : await decodedOnce(pipeline);
  const png = await writeConverted('image/png', pixels.clone().png({ compressionLevel: 6 }), files);
  if (graphics || png.data.size <= TRY_JPEG_ABOVE_BYTES) return png;
  let jpeg: ConvertedImage;
  try {
    jpeg = await writeConverted(
      'image/jpeg',
      pixels.jpeg({ quality: JPEG_QUALITY, chromaSubsampling: '4:4:4' }),
      files,
    );
  } catch (err) {
    await png.data.discard();
    throw err;
  }
  const [kept, dropped] = jpeg.data.size < png.data.size * JPEG_MUST_BE_UNDER ? [jpeg, png] : [png, jpeg];
  await dropped.data.discard();
  return kept;
}

/** Encodes straight into a new spool file, so the encoded bytes never sit in memory. */
async function writeConverted(
  mimeType: string,
  encoder: Sharp,
  files: ConvertedFiles,
): Promise<ConvertedImage> {
  const path = files.newPath();
  try {
    const { size } = await encoder.toFile(path);
    return { mimeType, data: new SpooledFile(path, size) };
  } catch (err) {
    await rm(path, { force: true });
    // libvips names the file it could not open or write; any other failure is about the pixels.
    if (err instanceof Error && err.message.includes(path)) {
      throw new SpoolWriteError(`could not write a converted input image: ${err.message}`, { cause: err });
    }
    throw err;
  }
}

async function decodedOnce(pipeline: Sharp): Promise<Sharp> {
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
}

function undecodableHere(meta: Metadata, type: SniffedType): boolean {
  return (type.mime === 'image/heic' || type.mime === 'image/heif') && meta.compression === 'hevc';
}

async function convertBmp(
  data: Buffer,
  filename: string,
  opts: NormalizeOptions,
  files: ConvertedFiles,
): Promise<ImageInput> {
  const decoded = decodeBmp(data, MAX_BMP_PIXELS);
  if (!decoded.ok) {
    if (decoded.problem === 'huge') {
      const { width, height } = decoded;
      throw new UserError(
        width * height > MAX_INPUT_PIXELS
          ? inputMessages.huge(filename, width, height)
          : inputMessages.bmpUnsupported(
              filename,
              phrase('input.bmpDetail.pixels', pixelSize(width, height)),
            ),
      );
    }
    if (decoded.problem === 'unsupported') {
      throw new UserError(inputMessages.bmpUnsupported(filename, decoded.what));
    }
    throw new UserError(inputMessages.damaged(filename));
  }
  const { data: raw, width, height, channels } = decoded.bitmap;
  const pipeline = sharp(raw, { raw: { width, height, channels } }).resize(fitInside(opts.maxSide));
  return writeConverted('image/png', pipeline.png({ compressionLevel: 6 }), files);
}
