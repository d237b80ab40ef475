import { describe, expect, test } from 'vitest';
import { phrase } from '../../src/text/catalogue.js';
import { cleanPrompt, PROMPT_MAX } from '../../src/discord/prompt.js';
import { characterCount, shorten } from '../../src/text/length.js';
import { inertText } from '../../src/discord/render.js';
import { UserError } from '../../src/errors.js';

const EMPTY = new UserError(phrase('prompt.empty'));

describe('cleanPrompt counts and refuses as Discord and a member would', () => {
  test.each([
    ['zero-width spaces', '\u200b\u200b\u200b'],
    ['direction overrides', '\u202e\u202d\u2066'],
    ['a word joiner and a BOM', '\u2060\ufeff'],
    ['Hangul fillers', '\u3164\uffa0'],
    ['a braille blank', '\u2800\u2800'],
  ])('a prompt of only %s is refused as empty', (_, raw) => {
    expect(() => cleanPrompt(raw)).toThrow(EMPTY);
  });

  test('an emoji is one character, as Discord counts: 2000 emoji are accepted', () => {
    const prompt = '🍌'.repeat(PROMPT_MAX);
    expect(prompt.length).toBe(2 * PROMPT_MAX);
    expect(cleanPrompt(prompt)).toBe(prompt);
    expect(() => cleanPrompt('🍌'.repeat(PROMPT_MAX + 1))).toThrow(/2,000 characters at most/);
  });

  test('visible text among invisible characters is kept as it is', () => {
    expect(cleanPrompt('\u200ba cat\u200b')).toBe('\u200ba cat\u200b');
  });
});

describe('shorten', () => {
  test('never cuts a surrogate pair in half', () => {
    for (let max = 2; max < 12; max++) {
      const out = shorten('🍌'.repeat(20), max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
      expect(out.endsWith('…')).toBe(true);
    }
  });

  test('its result fits a limit counted in characters', () => {
    const out = shorten('🍌 '.repeat(300), 100);
    expect(characterCount(out)).toBeLessThanOrEqual(100);
  });
});

describe('inertText', () => {
  test.each([
    ['a masked link', '[Free Nitro](https://example.com/claim)'],
    ['a masked link with a title', '[click](<https://example.com> "t")'],
  ])('%s is not a link any more', (_, raw) => {
    const out = inertText(raw);
    expect(out).not.toMatch(/(?<!\\)\[[^\]]*(?<!\\)\]\(/);
  });

  test('a heading is shown as text, not as a heading', () => {
    expect(inertText('# Big news')).toMatch(/^\\#/);
  });
});
