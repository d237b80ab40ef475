import { phrase, type Phrase } from '../text/catalogue.js';
/**
 * A small BMP reader, because the sharp build we ship cannot read BMP at all. It covers what
 * Windows, Paint and browsers write (uncompressed 1/4/8-bit palettes, 16/24/32-bit, bit fields,
 * either row order) and refuses the rest by name. Every size is checked before anything is
 * allocated, so a lying header cannot make it allocate more than maxPixels allow.
 */

export interface DecodedBitmap {
  /** Raw interleaved pixels, top row first, ready for sharp's `raw` input. */
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
}

export type BmpResult =
  | { readonly ok: true; readonly bitmap: DecodedBitmap }
  | { readonly ok: false; readonly problem: 'damaged' }
  | { readonly ok: false; readonly problem: 'huge'; readonly width: number; readonly height: number }
  | { readonly ok: false; readonly problem: 'unsupported'; readonly what: Phrase };

const FILE_HEADER = 14;
const CORE_HEADER = 12;
const INFO_HEADER = 40;
const COMPRESSION_NAMES: Record<number, string> = { 1: 'RLE8', 2: 'RLE4', 4: 'JPEG', 5: 'PNG' };

interface Masks {
  readonly r: number;
  readonly g: number;
  readonly b: number;
  readonly a: number;
}

const DEFAULT_MASKS: Record<number, Masks> = {
  16: { r: 0x7c00, g: 0x03e0, b: 0x001f, a: 0 },
  32: { r: 0xff0000, g: 0xff00, b: 0xff, a: 0 },
};

export function decodeBmp(file: Buffer, maxPixels: number): BmpResult {
  const damaged = { ok: false, problem: 'damaged' } as const;
  if (file.length < FILE_HEADER + CORE_HEADER || file[0] !== 0x42 || file[1] !== 0x4d) return damaged;
  const pixelOffset = file.readUInt32LE(10);
  const headerSize = file.readUInt32LE(14);
  const core = headerSize === CORE_HEADER;
  if (!core && (headerSize < INFO_HEADER || file.length < FILE_HEADER + headerSize)) return damaged;

  const width = core ? file.readUInt16LE(18) : file.readInt32LE(18);
  const signedHeight = core ? file.readInt16LE(20) : file.readInt32LE(22);
  const bpp = file.readUInt16LE(core ? 24 : 28);
  const compression = core ? 0 : file.readUInt32LE(30);
  const colorsUsed = core ? 0 : file.readUInt32LE(46);

  const bitfields = compression === 3 || compression === 6;
  if (compression !== 0 && !bitfields) {
    const method = COMPRESSION_NAMES[compression];
    const what = method
      ? phrase('input.bmpDetail.compressed', { method })
      : phrase('input.bmpDetail.otherCompression');
    return { ok: false, problem: 'unsupported', what };
  }
  if (![1, 4, 8, 16, 24, 32].includes(bpp) || (bitfields && bpp !== 16 && bpp !== 32)) {
    return { ok: false, problem: 'unsupported', what: phrase('input.bmpDetail.bits', { bits: bpp }) };
  }
  const height = Math.abs(signedHeight);
  if (width <= 0 || height === 0) return damaged;
  if (width * height > maxPixels) return { ok: false, problem: 'huge', width, height };

  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  // The last row's padding is often missing; its pixels are not.
  const needed = pixelOffset + stride * (height - 1) + Math.ceil((bpp * width) / 8);
  if (pixelOffset < FILE_HEADER + headerSize || needed > file.length) return damaged;

  const masks = bitfields ? readMasks(file, headerSize, compression) : DEFAULT_MASKS[bpp];
  if (bitfields && !masks) return damaged;
  const channels = masks && masks.a !== 0 ? 4 : 3;
  const out = Buffer.alloc(width * height * channels);
  const palette = bpp <= 8 ? readPalette(file, headerSize, core, bpp, colorsUsed, pixelOffset) : undefined;
  const topDown = signedHeight < 0;
  const red = channelReader(masks?.r ?? 0);
  const green = channelReader(masks?.g ?? 0);
  const blue = channelReader(masks?.b ?? 0);
  const alpha = channelReader(masks?.a ?? 0);

  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (topDown ? y : height - 1 - y) * stride;
    let o = y * width * channels;
    for (let x = 0; x < width; x++, o += channels) {
      if (palette) {
        const bit = x * bpp;
        const byte = file[row + (bit >> 3)]!;
        const index = (byte >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        // An index past the palette is drawn black, as browsers do.
        out[o] = palette[index * 3] ?? 0;
        out[o + 1] = palette[index * 3 + 1] ?? 0;
        out[o + 2] = palette[index * 3 + 2] ?? 0;
      } else if (bpp === 24) {
        const p = row + x * 3;
        out[o] = file[p + 2]!;
        out[o + 1] = file[p + 1]!;
        out[o + 2] = file[p]!;
      } else {
        const px = bpp === 16 ? file.readUInt16LE(row + x * 2) : file.readUInt32LE(row + x * 4);
        out[o] = red(px);
        out[o + 1] = green(px);
        out[o + 2] = blue(px);
        if (channels === 4) out[o + 3] = alpha(px);
      }
    }
  }
  if (channels === 4) makeOpaqueIfAlphaUnused(out);
  return { ok: true, bitmap: { data: out, width, height, channels } };
}

function readMasks(file: Buffer, headerSize: number, compression: number): Masks | undefined {
  // BITMAPINFOHEADER keeps its masks after the header; V2 and later inside it (alpha from V3 on).
  const at = FILE_HEADER + INFO_HEADER;
  const hasAlpha = headerSize >= 56 || compression === 6;
  if (file.length < at + (hasAlpha ? 16 : 12)) return undefined;
  return {
    r: file.readUInt32LE(at),
    g: file.readUInt32LE(at + 4),
    b: file.readUInt32LE(at + 8),
    a: hasAlpha ? file.readUInt32LE(at + 12) : 0,
  };
}

/** Palette as packed RGB triples. */
function readPalette(
  file: Buffer,
  headerSize: number,
  core: boolean,
  bpp: number,
  colorsUsed: number,
  pixelOffset: number,
): Buffer {
  const entrySize = core ? 3 : 4;
  const start = FILE_HEADER + headerSize;
  const declared = colorsUsed > 0 && colorsUsed < 1 << bpp ? colorsUsed : 1 << bpp;
  const count = Math.max(0, Math.min(declared, Math.floor((pixelOffset - start) / entrySize)));
  const rgb = Buffer.alloc(count * 3);
  for (let i = 0; i < count; i++) {
    const p = start + i * entrySize;
    rgb[i * 3] = file[p + 2] ?? 0;
    rgb[i * 3 + 1] = file[p + 1] ?? 0;
    rgb[i * 3 + 2] = file[p] ?? 0;
  }
  return rgb;
}

/** Reads one channel out of a packed pixel and stretches it to 0..255 (5-bit 31 -> 255). */
function channelReader(mask: number): (px: number) => number {
  const m = mask >>> 0;
  if (m === 0) return () => 0;
  let shift = 0;
  while (((m >>> shift) & 1) === 0) shift++;
  const scale = 255 / (m >>> shift);
  return (px) => Math.round((((px & m) >>> 0) >>> shift) * scale);
}

/** Many writers leave the alpha byte at 0 for opaque images; an all-transparent photo is never meant. */
function makeOpaqueIfAlphaUnused(rgba: Buffer): void {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 0) return;
  for (let i = 3; i < rgba.length; i += 4) rgba[i] = 255;
}
