import { describe, expect, test } from 'vitest';
import { BlockedWords, foldForMatching } from '../../src/core/blocked-words.js';

describe('blocked words', () => {
  const list = new BlockedWords(['ass', 'gore', 'red panda']);

  test.each([
    ['case', 'a picture of an ASS in a field'],
    ['Cyrillic look-alikes', 'an \u0430ss on a hill'],
    ['Greek look-alikes', 'g\u03bfre everywhere'],
    ['accents', 'lots of g\u00f4r\u00e9'],
    ['full-width forms', '\uff27\uff2f\uff32\uff25 art'],
    ['digits for letters', 'g0r3 splatter'],
    ['zero-width characters inside', 'g\u200bo\u200dre'],
    ['letters spaced out', 'some g o r e here'],
    ['a phrase across white space and punctuation', 'a RED, panda'],
    ['punctuation around the word', '(ass)!'],
  ])('matches despite %s', (_, prompt) => {
    expect(list.match(prompt)).toBeDefined();
  });

  test.each([
    ['a longer word containing it', 'a class of assistants'],
    ['another word starting the same', 'a gorgeous sunset'],
    ['half of a phrase', 'a red fox and a panda bear'],
  ])('does not match %s', (_, prompt) => {
    expect(list.match(prompt)).toBeUndefined();
  });

  test('an empty list matches nothing, and folding keeps plain words as they are', () => {
    expect(new BlockedWords([]).match('anything')).toBeUndefined();
    expect(foldForMatching('Café NOIR')).toBe('cafe noir');
  });

  test('names the word it found, as folded', () => {
    expect(list.match('RED   PANDA')).toBe('red panda');
  });
});
