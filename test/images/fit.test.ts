import sharp from 'sharp';
import { said } from '../support/said.js';
import { describe, expect, test } from 'vitest';
import { fitToUploadLimit } from '../../src/images/fit.js';
import { DamagedImageError } from '../../src/core/images.js';
import { bombPng, jpeg, noisePng, png, seededBytes } from './fixtures.js';

const MiB = 1024 * 1024;
const LIMIT = 10 * MiB;
const asDeclared = (data: Buffer, mimeType = 'image/png', extension = 'png') => ({
  data,
  mimeType,
  extension,
  basename: 'imagine-42',
});

describe('fitToUploadLimit', () => {
  test('a small PNG is delivered untouched, with no note', async () => {
    const data = await png(64, 64);
    const out = await fitToUploadLimit(asDeclared(data), LIMIT);
    expect(out).toEqual({ filename: 'imagine-42.png', data });
  });

  // Typing by the bytes, whatever Gemini declared, is the adapter's (test/gemini/outcome.test.ts).
  test('a JPEG is named .jpg and delivered untouched', async () => {
    const data = await jpeg(64, 48);
    const out = await fitToUploadLimit(asDeclared(data, 'image/jpeg', 'jpg'), LIMIT);
    expect(out.filename).toBe('imagine-42.jpg');
    expect(out.data).toBe(data);
    expect(said(out.note)).toBeUndefined();
  });

  test('a ~20 MB 4K noise PNG is fitted under 10 MiB, and the note says so', async () => {
    // 5504x3072 is Gemini 3 Pro's 4K 16:9; 3-bit noise makes a PNG of about 21 MB.
    const data = await noisePng(5504, 3072, { mask: 0x07 });
    expect(data.length).toBeGreaterThan(20 * 1000 * 1000);
    const started = Date.now();
    const out = await fitToUploadLimit(asDeclared(data), LIMIT);
    const elapsed = Date.now() - started;

    expect(out.data.length).toBeLessThanOrEqual(LIMIT);
    expect(out.filename).toBe('imagine-42.jpg');
    expect(said(out.note)).toMatch(/^The original \(20\.8 MB\) was over Discord’s 10 MB upload limit, so this is a high-quality JPEG copy/); // prettier-ignore
    const meta = await sharp(out.data).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 5504, 3072]);
    // About 1 s here (decode once, estimates on a sample, one full JPEG encode); generous for CI.
    expect(elapsed).toBeLessThan(8_000);
    // Making the 21 MB fixture takes seconds of its own on a busy machine.
  }, 20_000);

  test('a PNG that only needs better compression stays a lossless PNG', async () => {
    const data = await noisePng(512, 512, { mask: 0x01, level: 0 });
    const limit = Math.floor(data.length / 2);
    const out = await fitToUploadLimit(asDeclared(data), limit);
    expect(out.filename).toBe('imagine-42.png');
    expect(out.data.length).toBeLessThanOrEqual(limit);
    expect(said(out.note)).toContain('a losslessly recompressed copy');
    const [before, after] = await Promise.all([data, out.data].map((d) => sharp(d).raw().toBuffer()));
    expect(after!.equals(before!)).toBe(true);
  });

  test('an image with real transparency becomes WebP, keeping its alpha', async () => {
    const raw = seededBytes(256 * 256 * 4);
    const data = await sharp(raw, { raw: { width: 256, height: 256, channels: 4 } })
      .png({ compressionLevel: 0 })
      .toBuffer();
    const out = await fitToUploadLimit(asDeclared(data), 200 * 1024);
    expect(out.filename).toMatch(/\.webp$/);
    expect(out.data.length).toBeLessThanOrEqual(200 * 1024);
    expect((await sharp(out.data).metadata()).hasAlpha).toBe(true);
  });

  test('when no full-size copy fits, it is scaled down until it does, and the note gives the size', async () => {
    const data = await noisePng(1024, 768);
    const limit = 150 * 1024;
    const out = await fitToUploadLimit(asDeclared(data), limit);
    expect(out.data.length).toBeLessThanOrEqual(limit);
    const meta = await sharp(out.data).metadata();
    expect(meta.width).toBeLessThan(1024);
    expect(said(out.note)).toContain(`a JPEG scaled down to ${meta.width}x${meta.height}`);
    expect(meta.width / meta.height).toBeCloseTo(1024 / 768, 1);
  });

  test('a limit nothing can meet is an internal error, not a user message', async () => {
    const data = await noisePng(64, 64);
    await expect(fitToUploadLimit(asDeclared(data), 20)).rejects.toThrow(/could not fit/);
  });

  test('an over-limit decompression bomb is refused without being decoded', async () => {
    const data = bombPng(12_000, 12_000); // 144 MP, far over anything Gemini makes
    const started = Date.now();
    await expect(fitToUploadLimit(asDeclared(data), 1024)).rejects.toThrow(/pixel limit/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('fitToUploadLimit refuses pictures that do not decode', () => {
  test.each([
    ['a truncated small PNG', async () => (await png(64, 64, { r: 9, g: 9, b: 9 })).subarray(0, 60)],
    [
      'a PNG with a corrupt body',
      async () => {
        const data = Buffer.from(await noisePng(64, 64, { mask: 0xff }));
        data.fill(0x41, 60, data.length - 20);
        return data;
      },
    ],
  ])('%s is a DamagedImageError, not a file to post', async (_, make) => {
    await expect(fitToUploadLimit(asDeclared(await make()), LIMIT)).rejects.toBeInstanceOf(DamagedImageError);
  });

  test('a truncated PNG over the limit is a DamagedImageError too', async () => {
    const big = await noisePng(2048, 2048, { mask: 0xff });
    await expect(
      fitToUploadLimit(asDeclared(big.subarray(0, big.length - 1000)), 1024),
    ).rejects.toBeInstanceOf(DamagedImageError);
  });
});
