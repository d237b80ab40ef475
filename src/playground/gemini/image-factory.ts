import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import type { ImageFormat } from './types.js';

/**
 * Real PNG/JPEG bytes at exact sizes, cheap enough for benchmarks with hundreds of requests.
 *
 * Encoding a 1024x1024 image with sharp costs ~30 ms, so only a small pool of variants per
 * (size, format) is ever rendered; each answer then gets unique bytes from a metadata chunk that
 * carries the request number (a tEXt chunk for PNG, a COM segment for JPEG), which costs a copy.
 */

export const VARIANTS_PER_SIZE = 8;
const MAX_CACHED_RENDERS = 96;

export interface ImageSpec {
  width: number;
  height: number;
  format: ImageFormat;
  /** Minimum encoded size; the image gets incompressible noise to reach it. */
  minBytes?: number;
}

export interface RenderedImage {
  data: Buffer;
  width: number;
  height: number;
  format: ImageFormat;
}

export class ImageFactory {
  private readonly renders = new Map<string, Promise<RenderedImage>>();

  /** A pooled render, tagged with `serial` so that no two answers share bytes. */
  async imageFor(spec: ImageSpec, serial: number): Promise<RenderedImage> {
    const rendered = await this.variant(spec, serial % VARIANTS_PER_SIZE);
    return { ...rendered, data: tagImage(rendered.data, rendered.format, `gemini-emulator image ${serial}`) };
  }

  async warmUp(spec: ImageSpec): Promise<void> {
    const variants = Array.from({ length: VARIANTS_PER_SIZE }, (_, variant) => this.variant(spec, variant));
    await Promise.all(variants);
  }

  clear(): void {
    this.renders.clear();
  }

  private variant(spec: ImageSpec, variant: number): Promise<RenderedImage> {
    // Noise images are costly and only their size matters: one render serves every serial.
    const effectiveVariant = spec.minBytes === undefined ? variant : 0;
    const key = `${spec.width}x${spec.height}:${spec.format}:${spec.minBytes ?? 0}:${effectiveVariant}`;
    let render = this.renders.get(key);
    if (!render) {
      render = renderImage(spec, effectiveVariant);
      render.catch(() => this.renders.delete(key));
      this.renders.set(key, render);
      this.evictOldest();
    }
    return render;
  }

  private evictOldest(): void {
    while (this.renders.size > MAX_CACHED_RENDERS) {
      const oldest = this.renders.keys().next().value;
      if (oldest === undefined) return;
      this.renders.delete(oldest);
    }
  }
}

interface Rgb {
  r: number;
  g: number;
  b: number;
}

function variantColour(variant: number): Rgb {
  const hue = (variant * 137) % 360;
  const chroma = 150;
  const x = chroma * (1 - Math.abs(((hue / 60) % 2) - 1));
  const sector = Math.floor(hue / 60);
  const sectors: Array<[number, number, number]> = [
    [chroma, x, 0],
    [x, chroma, 0],
    [0, chroma, x],
    [0, x, chroma],
    [x, 0, chroma],
    [chroma, 0, x],
  ];
  const [r, g, b] = sectors[sector] ?? [chroma, 0, 0];
  return { r: Math.round(r + 60), g: Math.round(g + 60), b: Math.round(b + 60) };
}

function fillRect(
  pixels: Buffer,
  imageWidth: number,
  rect: { x: number; y: number; w: number; h: number },
  c: Rgb,
) {
  const row = Buffer.alloc(rect.w * 3);
  for (let i = 0; i < rect.w; i++) row.set([c.r, c.g, c.b], i * 3);
  for (let y = rect.y; y < rect.y + rect.h; y++) row.copy(pixels, (y * imageWidth + rect.x) * 3);
}

/** A flat colour with the variant number drawn as a row of 8 binary blocks (white = 1, black = 0). */
function drawVariant(width: number, height: number, variant: number): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  fillRect(pixels, width, { x: 0, y: 0, w: width, h: height }, variantColour(variant));
  const block = Math.max(1, Math.floor(Math.min(width / 10, height / 4)));
  for (let bit = 0; bit < 8; bit++) {
    const on = (variant >> (7 - bit)) & 1;
    const colour = on ? { r: 255, g: 255, b: 255 } : { r: 0, g: 0, b: 0 };
    fillRect(pixels, width, { x: block * (bit + 1), y: block, w: block, h: block }, colour);
  }
  return pixels;
}

function addNoiseRows(pixels: Buffer, width: number, rows: number): void {
  const noise = randomBytes(Math.min(pixels.length, rows * width * 3));
  noise.copy(pixels, 0);
}

async function encode(pixels: Buffer, width: number, height: number, format: ImageFormat): Promise<Buffer> {
  const image = sharp(pixels, { raw: { width, height, channels: 3 } });
  // Level 0 keeps noise renders fast; noise would not compress anyway.
  return format === 'png'
    ? image.png({ compressionLevel: 0 }).toBuffer()
    : image.jpeg({ quality: 100 }).toBuffer();
}

async function renderImage(spec: ImageSpec, variant: number): Promise<RenderedImage> {
  const { width, height, format, minBytes } = spec;
  if (minBytes === undefined) {
    const pixels = drawVariant(width, height, variant);
    const sharpImage = sharp(pixels, { raw: { width, height, channels: 3 } });
    const data = await (format === 'png' ? sharpImage.png() : sharpImage.jpeg()).toBuffer();
    return { data, width, height, format };
  }
  return renderNoise(width, height, format, minBytes);
}

/**
 * Keeps the requested size and fills as many rows with noise as needed; when even a full-noise
 * image at that size is too small, grows the size at the same ratio.
 */
async function renderNoise(width: number, height: number, format: ImageFormat, minBytes: number) {
  // Encoded bytes per noise pixel: stored PNG is ~3, JPEG at q100 about 1.4.
  let bytesPerPixel = format === 'png' ? 3 : 1.3;
  let w = width;
  let h = height;
  for (let attempt = 0; attempt < 6; attempt++) {
    const neededPixels = Math.ceil((minBytes * 1.02) / bytesPerPixel);
    if (neededPixels > w * h) {
      const grow = Math.sqrt(neededPixels / (w * h));
      w = Math.ceil((w * grow) / 16) * 16;
      h = Math.ceil((h * grow) / 16) * 16;
    }
    const pixels = drawVariant(w, h, 0);
    addNoiseRows(pixels, w, Math.ceil(neededPixels / w) + 1);
    const data = await encode(pixels, w, h, format);
    if (data.length >= minBytes) return { data, width: w, height: h, format };
    bytesPerPixel *= (data.length / minBytes) * 0.95;
  }
  throw new Error(`could not render a ${format} of at least ${minBytes} bytes`);
}

/** Inserts a text chunk/segment so the bytes differ per answer while the image stays valid and identical. */
export function tagImage(image: Buffer, format: ImageFormat, text: string): Buffer {
  return format === 'png' ? insertPngText(image, text) : insertJpegComment(image, text);
}

const PNG_SIGNATURE_AND_IHDR_LENGTH = 8 + 4 + 4 + 13 + 4;

function insertPngText(png: Buffer, text: string): Buffer {
  const typeAndData = Buffer.concat([Buffer.from('tEXt'), Buffer.from(`Comment\0${text}`, 'latin1')]);
  const chunk = Buffer.alloc(4 + typeAndData.length + 4);
  chunk.writeUInt32BE(typeAndData.length - 4, 0);
  typeAndData.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(typeAndData) >>> 0, 4 + typeAndData.length);
  return Buffer.concat([
    png.subarray(0, PNG_SIGNATURE_AND_IHDR_LENGTH),
    chunk,
    png.subarray(PNG_SIGNATURE_AND_IHDR_LENGTH),
  ]);
}

function insertJpegComment(jpeg: Buffer, text: string): Buffer {
  const payload = Buffer.from(text, 'latin1');
  const segment = Buffer.alloc(4 + payload.length);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(payload.length + 2, 2);
  payload.copy(segment, 4);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}
