import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import { shrinkDraft } from '../../src/images/draft.js';
import { png } from '../support/images.js';

describe('shrinkDraft', () => {
  test('makes a JPEG of at most 512 px on its longest side and a few tens of KB', async () => {
    const big = await sharp({
      create: { width: 2048, height: 1152, channels: 4, background: { r: 200, g: 80, b: 20, alpha: 0.5 } },
    })
      .png()
      .toBuffer();
    const small = await shrinkDraft(big, 'draft-abc-1');
    const meta = await sharp(small.data).metadata();
    expect(small.filename).toBe('draft-abc-1.jpg');
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 512, 288]);
    expect(small.data.length).toBeLessThan(60_000);
  });

  test('never enlarges a small draft', async () => {
    const meta = await sharp((await shrinkDraft(await png(100, 50), 'd')).data).metadata();
    expect([meta.width, meta.height]).toEqual([100, 50]);
  });
});
