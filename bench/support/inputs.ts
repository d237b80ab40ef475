import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

export interface InputImage {
  readonly filename: string;
  readonly contentType: string;
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
}

const CACHE_DIR = join(tmpdir(), 'banana-bench-inputs-v2');
const TARGET_BYTES = 8 * 1024 * 1024;

/**
 * Three incompressible ~8 MB inputs (two PNG, one JPEG), rendered once and kept in the temp
 * folder: noise cannot shrink, so the bytes the bot moves are the bytes on disk.
 */
export async function eightMegabyteInputs(): Promise<InputImage[]> {
  mkdirSync(CACHE_DIR, { recursive: true });
  return [
    await cached('input-1.png', 'image/png', 1624, 1624),
    await cached('input-2.jpg', 'image/jpeg', 2448, 2448),
    await cached('input-3.png', 'image/png', 1624, 1624),
  ];
}

async function cached(filename: string, contentType: string, width: number, height: number) {
  const path = join(CACHE_DIR, filename);
  let data: Buffer;
  if (existsSync(path)) {
    data = readFileSync(path);
  } else {
    const image = sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } });
    data = await (
      contentType === 'image/png' ? image.png({ compressionLevel: 1 }) : image.jpeg({ quality: 100 })
    ).toBuffer();
    writeFileSync(path, data);
  }
  if (Math.abs(data.length - TARGET_BYTES) > TARGET_BYTES * 0.15) {
    throw new Error(`${filename} is ${data.length} bytes, not about ${TARGET_BYTES}`);
  }
  return { filename, contentType, data, width, height };
}

export function inputPaths(): string[] {
  return ['input-1.png', 'input-2.jpg', 'input-3.png'].map((f) => join(CACHE_DIR, f));
}
