import { describe, expect, test } from 'vitest';
import { ENGLISH, hasText, phrase } from '../../src/text/catalogue.js';

const text = ENGLISH.t.bind(ENGLISH);
import { en } from '../../src/text/en.js';

/** Every leaf of the catalogue as [key, sentence], plurals as one key per form. */
function leaves(node: object, prefix = ''): [string, string][] {
  return Object.entries(node).flatMap(([k, v]): [string, string][] =>
    typeof v === 'string' ? [[`${prefix}${k}`, v]] : leaves(v as object, `${prefix}${k}.`),
  );
}

describe('the text catalogue', () => {
  test('a plural sentence takes the form its count asks for', () => {
    expect(text('limits.daily', { count: 1, when: 'tomorrow' })).toBe(
      'You have used your 1 picture for today. You can make more tomorrow.',
    );
    expect(text('limits.daily', { count: 5, when: 'tomorrow' })).toBe(
      'You have used your 5 pictures for today. You can make more tomorrow.',
    );
  });

  test('parameters are filled in as they are: markdown and mentions are not HTML-escaped', () => {
    expect(text('progress.next', { prompt: 'a <b> & "c"' })).toBe('⏳ Next in line: **a <b> & "c"**');
  });

  test('a parameter that looks like a placeholder is not expanded again', () => {
    expect(text('prompt.tooLong', { max: '{{max}}' })).toBe(
      'That prompt is too long: {{max}} characters at most.',
    );
  });

  test.each(leaves(en))('%s is a non-empty sentence whose placeholders are well formed', (_, sentence) => {
    expect(sentence.trim()).not.toBe('');
    // Every `{{` opens a placeholder that closes: a typo would show raw braces to members.
    expect(sentence.replace(/\{\{\w+\}\}/g, '')).not.toMatch(/[{}]/);
  });

  test('codes from outside find only what the catalogue has', () => {
    expect(hasText('refusal.output.SAFETY')).toBe(true);
    expect(hasText('refusal.output.constructor')).toBe(false);
    expect(hasText('limits.daily')).toBe(true);
  });

  test('a key without its parameters is a type error, not a blank in a message', () => {
    // @ts-expect-error: limits.daily needs count and when.
    expect(() => phrase('limits.daily')).not.toThrow();
    // @ts-expect-error: failure.generic takes no parameters.
    phrase('failure.generic', { extra: 1 });
    // @ts-expect-error: no such key.
    phrase('failure.nothing');
  });

  test('a phrase among the parameters is said in the same voice, and a list the local way', () => {
    const input = phrase('input.empty', { name: phrase('input.theFile') });
    expect(ENGLISH.say(input)).toBe('the file is empty (0 bytes).');
    expect(
      ENGLISH.t('options.ratio', { model: 'm', ratio: '9:1', ratios: { oneOf: ['1:1', '4:3', '16:9'] } }),
    ).toBe('m does not make 9:1 pictures; it takes 1:1, 4:3 or 16:9.');
  });
});
