import { describe, expect, test } from 'vitest';
import { groupFiles } from '../../src/discord/delivery.js';

const file = (name: string, mib: number) => ({
  filename: name,
  data: Buffer.alloc(Math.round(mib * 1024 * 1024)),
});

describe('groupFiles', () => {
  test('up to ten files that fit in 25 MiB go in one message', () => {
    const groups = groupFiles(Array.from({ length: 10 }, (_, i) => file(`f${i}`, 1)));
    expect(groups.map((g) => g.length)).toEqual([10]);
  });

  test('an eleventh file starts a second message', () => {
    const groups = groupFiles(Array.from({ length: 11 }, (_, i) => file(`f${i}`, 0.1)));
    expect(groups.map((g) => g.length)).toEqual([10, 1]);
  });

  test('files are split so no message carries more than 25 MiB, keeping their order', () => {
    const groups = groupFiles([file('a', 9), file('b', 9), file('c', 9), file('d', 9)]);
    expect(groups.map((g) => g.map((f) => f.filename))).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    for (const g of groups)
      expect(g.reduce((n, f) => n + f.data.length, 0)).toBeLessThanOrEqual(25 * 1024 * 1024);
  });

  test('no files make one empty group (a text-only message)', () => {
    expect(groupFiles([])).toEqual([]);
  });
});
