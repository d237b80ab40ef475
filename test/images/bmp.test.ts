import { describe, expect, test } from 'vitest';
import { said } from '../support/said.js';
import { decodeBmp } from '../../src/images/bmp.js';
import { bmp } from './fixtures.js';

/** A BITMAPINFOHEADER file around the given palette and pixel rows (bottom row first). */
function rawBmp(width: number, height: number, bpp: number, palette: number[], rows: number[][]): Buffer {
  const header = Buffer.alloc(54);
  const pal = Buffer.from(palette);
  const pixels = Buffer.concat(rows.map((r) => Buffer.from(r)));
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(54 + pal.length + pixels.length, 2);
  header.writeUInt32LE(54 + pal.length, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(width, 18);
  header.writeInt32LE(height, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(bpp, 28);
  return Buffer.concat([header, pal, pixels]);
}

const decoded = (file: Buffer) => {
  const result = decodeBmp(file, 1_000_000);
  if (!result.ok) throw new Error(`expected a bitmap, got ${result.problem}`);
  return result.bitmap;
};

describe('decodeBmp', () => {
  test('1-bit: eight pixels from one byte, through a two-colour palette', () => {
    const file = rawBmp(8, 1, 1, [0, 0, 0, 0, 255, 255, 255, 0], [[0b10100000, 0, 0, 0]]);
    const { data } = decoded(file);
    expect([...data.subarray(0, 9)]).toEqual([255, 255, 255, 0, 0, 0, 255, 255, 255]);
  });

  test('4-bit: two pixels per byte, high nibble first', () => {
    const palette = Array.from({ length: 16 }, (_, i) => [i, i * 2, i * 3, 0]).flat();
    const { data } = decoded(rawBmp(2, 1, 4, palette, [[0x1f, 0, 0, 0]]));
    expect([...data]).toEqual([3, 2, 1, 45, 30, 15]);
  });

  test('16-bit 5-5-5: full scale channels become 255', () => {
    // Pixels: pure red (0x7c00), pure blue (0x001f); rows padded to 4 bytes.
    const { data, channels } = decoded(rawBmp(2, 1, 16, [], [[0x00, 0x7c, 0x1f, 0x00]]));
    expect(channels).toBe(3);
    expect([...data]).toEqual([255, 0, 0, 0, 0, 255]);
  });

  test('bottom-up rows come out top row first', () => {
    const file = bmp(1, 2, (_x, y) => (y === 0 ? [1, 2, 3, 255] : [4, 5, 6, 255]));
    expect([...decoded(file).data]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test('a header claiming more pixels than allowed is refused before anything is allocated', () => {
    const file = rawBmp(1, 1, 24, [], [[0, 0, 0, 0]]);
    file.writeInt32LE(100_000, 18);
    file.writeInt32LE(-100_000, 22);
    expect(decodeBmp(file, 40_000_000)).toEqual({
      ok: false,
      problem: 'huge',
      width: 100_000,
      height: 100_000,
    });
  });

  test.each([
    ['not a BMP at all', Buffer.from('GIF89a')],
    ['zero width', rawBmp(0, 1, 24, [], [[0, 0, 0, 0]])],
    ['rows missing', rawBmp(4, 4, 24, [], [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]])],
  ])('%s is damaged', (_name, file) => {
    expect(decodeBmp(file, 1_000_000)).toEqual({ ok: false, problem: 'damaged' });
  });

  test.each([
    [2, 'RLE4-compressed'],
    [4, 'JPEG-compressed'],
    [5, 'PNG-compressed'],
    [9, 'compressed'],
  ])('compression %i is refused as %s', (compression, what) => {
    const file = rawBmp(1, 1, 24, [], [[0, 0, 0, 0]]);
    file.writeUInt32LE(compression, 30);
    const decoded = decodeBmp(file, 1_000_000);
    expect(decoded.ok === false && decoded.problem === 'unsupported' && said(decoded.what)).toBe(what);
  });
});
