import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, test } from 'vitest';
import { UserError } from '../../src/errors.js';
import { modelInfo } from '../../src/core/models.js';
import { createLoader } from '../../src/images/load.js';
import { Spool, SpooledFile } from '../../src/images/spool.js';
import { seededBytes } from './fixtures.js';
import { serve, startFixtureServer } from './fixture-server.js';

/** Inputs are scaled to what the model reads, and re-encoded only where that saves bytes. */

const server = await startFixtureServer();
const spoolBase = mkdtempSync(join(tmpdir(), 'sizing-spool-'));
const spool = Spool.open(spoolBase);
afterAll(() => {
  rmSync(spoolBase, { recursive: true, force: true });
  return server.close();
});
const policy = {
  allowedHosts: [server.hostPort],
  maxBytes: 50 * 1024 * 1024,
  idleTimeoutMs: 5_000,
  totalTimeoutMs: 20_000,
};
const GEMINI_3 = modelInfo('gemini-3.1-flash-image').maxInputSide!;

/** Smooth, photo-like pixels: blurred noise. */
const photo = (width: number, height: number) =>
  sharp(seededBytes(width * height * 3, 7), { raw: { width, height, channels: 3 } }).blur(3);
/** Flat shapes and a few colours, like a logo or a diagram. */
const drawing = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 250, g: 250, b: 250 } } }).composite([
    {
      input: Buffer.from(
        `<svg width="${width}" height="${height}"><rect x="100" y="100" width="${width / 2}" height="${height / 3}" fill="#c03"/><circle cx="${width * 0.7}" cy="${height * 0.6}" r="300" fill="#036"/></svg>`,
      ),
    },
  ]);

let n = 0;
async function load(body: Buffer, name: string, operatorMax = 4096, modelMax: number | null = GEMINI_3) {
  const url = server.route(`/sizing-${++n}`, serve(body));
  const loader = createLoader(policy, { maxSide: operatorMax }, spool);
  const image = await loader.load(url, name, undefined, undefined, modelMax ?? undefined);
  const bytes = image.data instanceof SpooledFile ? await image.data.readAll() : (image.data as Buffer);
  const meta = await sharp(bytes).metadata();
  await loader.release([image]);
  return { image, bytes, meta };
}

describe('inputs sized for the model', () => {
  test('Gemini 3 models read inputs up to 1536 px; a model the catalogue does not know has no figure', () => {
    expect(GEMINI_3).toBe(1536);
    expect(modelInfo('gemini-3-pro-image').maxInputSide).toBe(1536);
    expect(modelInfo('some-future-model').maxInputSide).toBeUndefined();
  });

  test('a 4000x3000 phone photo (JPEG) is scaled to 1536 on its longest side and stays JPEG', async () => {
    const body = await photo(4000, 3000).jpeg({ quality: 95 }).toBuffer();
    const { image, bytes, meta } = await load(body, 'phone.jpg');
    expect(image.mimeType).toBe('image/jpeg');
    expect([meta.width, meta.height]).toEqual([1536, 1152]);
    expect(bytes.length).toBeLessThan(body.length / 4);
  });

  test('a photo saved as PNG becomes a full-colour JPEG when that is under half the PNG', async () => {
    const body = await photo(3000, 2000).png().toBuffer();
    const { image, bytes, meta } = await load(body, 'photo.png');
    expect(image.mimeType).toBe('image/jpeg');
    expect([meta.width, meta.height, meta.chromaSubsampling]).toEqual([1536, 1024, '4:4:4']);
    expect(bytes.length).toBeLessThan(body.length / 4);
  });

  test('a drawing stays lossless PNG', async () => {
    const body = await drawing(3000, 2000).png().toBuffer();
    const { image, meta } = await load(body, 'logo.png');
    expect(image.mimeType).toBe('image/png');
    expect([meta.width, meta.height]).toEqual([1536, 1024]);
  });

  test('transparency stays PNG with its alpha, however photographic the pixels', async () => {
    const body = await photo(2400, 1600).ensureAlpha(0.5).png().toBuffer();
    const { image, meta } = await load(body, 'cut-out.png');
    expect(image.mimeType).toBe('image/png');
    expect([meta.width, meta.hasAlpha]).toEqual([1536, true]);
  });

  test('a MAX_INPUT_SIDE below the model’s figure wins; without a model figure MAX_INPUT_SIDE alone applies', async () => {
    const body = await drawing(3000, 2000).png().toBuffer();
    expect((await load(body, 'a.png', 1024)).meta.width).toBe(1024);
    expect((await load(body, 'b.png', 2048, null)).meta.width).toBe(2048);
  });

  test('an image already within the model’s size is sent byte for byte', async () => {
    const body = await photo(1536, 1000).jpeg({ quality: 80 }).toBuffer();
    const { image, bytes } = await load(body, 'small.jpg');
    expect(image.data).toBeInstanceOf(SpooledFile);
    expect(bytes.equals(body)).toBe(true);
  });

  test('when scaling down would make the file larger, the original is sent as it is', async () => {
    // Barely over the size and very tightly compressed: a q92 re-encode would be bigger.
    const body = await photo(1600, 1600).jpeg({ quality: 20 }).toBuffer();
    const { image, bytes } = await load(body, 'tight.jpg');
    expect(image.data).toBeInstanceOf(SpooledFile);
    expect(bytes.equals(body)).toBe(true);
  });

  test('a converted input waits in a spool file of its own; the download and the encode not chosen are deleted', async () => {
    // A photo saved as PNG is encoded twice (PNG, then JPEG) and the JPEG kept.
    const url = server.route(`/sizing-${++n}`, serve(await photo(3000, 2000).png().toBuffer()));
    const loader = createLoader(policy, { maxSide: 4096 }, spool);
    const image = await loader.load(url, 'photo.png', undefined, undefined, GEMINI_3);
    expect(image.mimeType).toBe('image/jpeg');
    expect(image.data).toBeInstanceOf(SpooledFile);
    expect(readdirSync(spool.dir)).toEqual([basename((image.data as SpooledFile).path)]);
    await loader.release([image]);
    expect(readdirSync(spool.dir)).toEqual([]);
  });

  test('a converted input that cannot be written to the spool is the bot’s failure, not the sender’s', async () => {
    const url = server.route(`/sizing-${++n}`, serve(await drawing(3000, 2000).png().toBuffer()));
    // The download lands in the spool; the converted file would go to a folder that is not there.
    const paths = [spool.newPath(), join(spool.dir, 'missing', 'converted')];
    const loader = createLoader(policy, { maxSide: 4096 }, { newPath: () => paths.shift()! });
    const err = await loader.load(url, 'logo.png', undefined, undefined, GEMINI_3).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/could not write a converted input image/);
    expect(readdirSync(spool.dir)).toEqual([]);
  });
});
