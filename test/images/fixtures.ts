import zlib from 'node:zlib';
import sharp from 'sharp';

/**
 * Hostile and ordinary image files, built by code so no binary fixture is committed. Everything
 * is deterministic (seeded noise), so a failure reproduces byte for byte.
 */

/** xorshift32: the same bytes on every run and machine. */
export function seededBytes(length: number, seed = 0x9e3779b9, mask = 0xff): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (x >>> 0) & mask;
  }
  return out;
}

export function png(width: number, height: number, color = { r: 200, g: 120, b: 40 }): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: color } })
    .png()
    .toBuffer();
}

/** Noise (so it does not compress to nothing), optionally with an EXIF orientation. */
export function jpeg(width: number, height: number, orientation?: number): Promise<Buffer> {
  const img = sharp(seededBytes(width * height * 3), { raw: { width, height, channels: 3 } }).jpeg();
  return (orientation ? img.withMetadata({ orientation }) : img).toBuffer();
}

export function noisePng(width: number, height: number, opts: { mask?: number; level?: number } = {}) {
  const raw = seededBytes(width * height * 3, 12345, opts.mask ?? 0xff);
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: opts.level ?? 6 })
    .toBuffer();
}

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A valid 1-bit greyscale PNG of the given size, all black: about 50 KB on disk for 20000x20000,
 * 1.2 GB once decoded to RGB. The classic decompression bomb.
 */
export function bombPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, adaptive filters, no interlace
  const rows = Buffer.alloc((1 + Math.ceil(width / 8)) * height);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib.deflateSync(rows, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Frames in red, green, blue: after normalizing, the first (red) must be what is left. */
export async function animated(format: 'gif' | 'webp', width = 16, height = 8): Promise<Buffer> {
  const colours = [
    [255, 0, 0],
    [0, 255, 0],
    [0, 0, 255],
  ];
  const raw = Buffer.alloc(width * height * 4 * colours.length);
  colours.forEach((rgb, frame) => {
    for (let i = 0; i < width * height; i++) raw.set([...rgb, 255], (frame * width * height + i) * 4);
  });
  const img = sharp(raw, {
    raw: { width, height: height * colours.length, channels: 4, pageHeight: height },
  });
  const delay = [100, 100, 100];
  return (
    format === 'gif' ? img.gif({ loop: 0, delay }) : img.webp({ loop: 0, delay, lossless: true })
  ).toBuffer();
}

export function avif(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 0, g: 128, b: 255 } } })
    .avif()
    .toBuffer();
}

export function tiff(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 0, g: 128, b: 255 } } })
    .tiff()
    .toBuffer();
}

export function webp(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 9, g: 9, b: 9 } } })
    .webp()
    .toBuffer();
}

const u8 = (n: number) => Buffer.from([n]);
const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const box = (type: string, ...body: Buffer[]) => {
  const content = Buffer.concat(body);
  return Buffer.concat([u32(content.length + 8), Buffer.from(type, 'latin1'), content]);
};
const fullBox = (type: string, version: number, ...body: Buffer[]) =>
  box(type, u8(version), Buffer.alloc(3), ...body);

/**
 * A structurally valid HEIC as an iPhone writes one (ftyp heic, meta with an hvc1 primary item,
 * hvcC and ispe properties, mdat), whose HEVC payload is filler: sharp reads its header but, like
 * on any build without libde265, cannot decode it.
 */
export function heic(width: number, height: number): Buffer {
  const payload = seededBytes(256);
  const ftyp = box('ftyp', Buffer.from('heic'), u32(0), Buffer.from('mif1heic'));
  // Version 1, Main profile, level 3, 4:2:0, 8 bit, 4-byte NAL lengths, no parameter-set arrays.
  const hvcC = box(
    'hvcC',
    Buffer.from([1, 1, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 90, 0xf0, 0, 0xfc, 0xfd, 0xf8, 0xf8, 0, 0, 0x0f, 0]),
  );
  const iprp = box(
    'iprp',
    box('ipco', hvcC, fullBox('ispe', 0, u32(width), u32(height))),
    fullBox('ipma', 0, u32(1), u16(1), u8(2), u8(0x81), u8(0x02)),
  );
  const meta = (dataOffset: number) =>
    fullBox(
      'meta',
      0,
      fullBox('hdlr', 0, u32(0), Buffer.from('pict'), Buffer.alloc(12), u8(0)),
      fullBox('pitm', 0, u16(1)),
      fullBox(
        'iloc',
        0,
        u8(0x44),
        u8(0),
        u16(1),
        u16(1),
        u16(0),
        u16(1),
        u32(dataOffset),
        u32(payload.length),
      ),
      fullBox('iinf', 0, u16(1), fullBox('infe', 2, u16(1), u16(0), Buffer.from('hvc1'), u8(0))),
      iprp,
    );
  const dataOffset = ftyp.length + meta(0).length + 8;
  return Buffer.concat([ftyp, meta(dataOffset), box('mdat', payload)]);
}

/** What a HEIC looks like to a sniffer, and nothing more. */
export function heicHeaderOnly(): Buffer {
  return box('ftyp', Buffer.from('heic'), u32(0), Buffer.from('mif1heic'));
}

export interface BmpOptions {
  readonly bpp?: 8 | 24 | 32;
  readonly topDown?: boolean;
  /** 1 = RLE8: only the header is right, which is all a refusal needs. */
  readonly compression?: number;
}

/**
 * A hand-written BMP (sharp cannot write one). Pixel (x, y) is `colour(x, y)` as RGBA. 8-bit
 * files get a grey palette; 32-bit ones use BI_BITFIELDS with an alpha mask (a V4 header).
 */
export function bmp(
  width: number,
  height: number,
  colour: (x: number, y: number) => [number, number, number, number],
  opts: BmpOptions = {},
): Buffer {
  const bpp = opts.bpp ?? 24;
  const v4 = bpp === 32;
  const headerSize = v4 ? 108 : 40;
  const palette = bpp === 8 ? Buffer.alloc(256 * 4) : Buffer.alloc(0);
  for (let i = 0; bpp === 8 && i < 256; i++) palette.set([i, i, i, 0], i * 4);
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const row = (opts.topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const [r, g, b, a] = colour(x, y);
      if (bpp === 8) pixels[row + x] = r;
      else if (bpp === 24) pixels.set([b, g, r], row + x * 3);
      else pixels.set([b, g, r, a], row + x * 4);
    }
  }
  const dib = Buffer.alloc(headerSize);
  dib.writeUInt32LE(headerSize, 0);
  dib.writeInt32LE(width, 4);
  dib.writeInt32LE(opts.topDown ? -height : height, 8);
  dib.writeUInt16LE(1, 12);
  dib.writeUInt16LE(bpp, 14);
  dib.writeUInt32LE(opts.compression ?? (v4 ? 3 : 0), 16);
  dib.writeUInt32LE(pixels.length, 20);
  if (v4) {
    dib.writeUInt32LE(0x00ff0000, 40);
    dib.writeUInt32LE(0x0000ff00, 44);
    dib.writeUInt32LE(0x000000ff, 48);
    dib.writeUInt32LE(0xff000000, 52);
  }
  const offset = 14 + headerSize + palette.length;
  const file = Buffer.alloc(14);
  file.write('BM', 0, 'latin1');
  file.writeUInt32LE(offset + pixels.length, 2);
  file.writeUInt32LE(offset, 10);
  return Buffer.concat([file, dib, palette, pixels]);
}

export const SVG_WITH_SCRIPT = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)">' +
    '<script>fetch("http://169.254.169.254/")</script><rect width="10" height="10"/></svg>',
);

/** An XML prolog, a comment and a billion-laughs DOCTYPE before the root: still an SVG. */
export const SVG_ENTITY_BOMB = Buffer.from(
  '<?xml version="1.0"?>\n<!-- drawn by hand -->\n<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">' +
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<svg xmlns="http://www.w3.org/2000/svg">&b;</svg>',
);

export const SVG_UTF16 = Buffer.concat([
  Buffer.from([0xff, 0xfe]),
  Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 'utf16le'),
]);

export const PDF = Buffer.from(
  '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n',
);

export const TEXT = Buffer.from('These are my holiday notes.\nDay 1: beach. Day 2: more beach.\n');
