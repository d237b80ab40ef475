import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import { imageIsWhole, jpegIsWhole, pngIsWhole, webpIsWhole } from '../../src/images/integrity.js';
import { jpeg, png } from './fixtures.js';

const webp = () =>
  sharp({ create: { width: 32, height: 32, channels: 3, background: '#a33' } })
    .webp()
    .toBuffer();

describe('whole or not: output images are checked before they are posted', () => {
  test.each([
    ['png', png(40, 30, { r: 1, g: 2, b: 3 }), pngIsWhole],
    ['jpg', jpeg(40, 30), jpegIsWhole],
    ['webp', webp(), webpIsWhole],
  ] as const)('a whole %s passes; cut anywhere, it fails', async (extension, made, check) => {
    const data = await made;
    expect(check(data)).toBe(true);
    expect(await imageIsWhole(data, extension)).toBe(true);
    for (const keep of [0.25, 0.5, 0.9]) {
      const cut = data.subarray(0, Math.floor(data.length * keep));
      expect(check(cut)).toBe(false);
      expect(await imageIsWhole(cut, extension)).toBe(false);
    }
  });

  test('a PNG whose bytes were overwritten in the middle fails its chunk CRC', async () => {
    const data = Buffer.from(await png(64, 64, { r: 200, g: 10, b: 10 }));
    data[Math.floor(data.length / 2)]! ^= 0xff;
    expect(pngIsWhole(data)).toBe(false);
  });

  test('bytes of another kind are not a whole PNG or JPEG', () => {
    const text = Buffer.from('<html>not an image</html>');
    expect(pngIsWhole(text)).toBe(false);
    expect(jpegIsWhole(text)).toBe(false);
    expect(webpIsWhole(text)).toBe(false);
  });

  test('another format is checked by decoding it', async () => {
    const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .gif()
      .toBuffer();
    expect(await imageIsWhole(gif, 'gif')).toBe(true);
    expect(await imageIsWhole(gif.subarray(0, 10), 'gif')).toBe(false);
  });
});
