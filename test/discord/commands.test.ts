import { describe, expect, test } from 'vitest';
import { commands } from '../../commands/index.js';
import { cleanPrompt, PROMPT_MAX } from '../../src/discord/prompt.js';
import { UserError } from '../../src/errors.js';

describe('command definitions', () => {
  test('every command has a valid name, a description and at most 25 options', () => {
    for (const c of commands) {
      expect(c.data.name).toMatch(/^[-_a-z0-9]{1,32}$/);
      expect(c.data.description.length).toBeGreaterThan(0);
      expect(c.data.description.length).toBeLessThanOrEqual(100);
      expect((c.data.options ?? []).length).toBeLessThanOrEqual(25);
    }
  });

  test('/imagine offers exactly the aspect ratios Gemini accepts, and limits the prompt length', () => {
    const imagine = commands.find((c) => c.data.name === 'imagine')!;
    const [prompt, ratio] = imagine.data.options as {
      name: string;
      max_length?: number;
      choices?: { value: string }[];
    }[];
    expect(prompt).toMatchObject({ name: 'prompt', max_length: PROMPT_MAX });
    expect(ratio!.choices!.map((c) => c.value)).toEqual([
      '1:1',
      '2:3',
      '3:2',
      '3:4',
      '4:3',
      '4:5',
      '5:4',
      '9:16',
      '16:9',
      '21:9',
    ]);
  });

  test('/edit takes one required and two optional image attachments', () => {
    const edit = commands.find((c) => c.data.name === 'edit')!;
    const images = (edit.data.options as { type: number; name: string; required?: boolean }[]).filter(
      (o) => o.type === 11,
    );
    expect(images.map((o) => [o.name, o.required])).toEqual([
      ['image', true],
      ['image2', false],
      ['image3', false],
    ]);
  });
});

describe('cleanPrompt', () => {
  test('collapses white space and trims', () => {
    expect(cleanPrompt('  a  red\n\nfox  ')).toBe('a red fox');
  });

  test.each(['', '   ', '\n\t'])('an empty prompt (%j) is refused with a specific message', (raw) => {
    expect(() => cleanPrompt(raw)).toThrow(
      new UserError('Please describe what you want: the prompt is empty.'),
    );
  });

  test('a prompt over the limit is refused, naming the limit', () => {
    expect(() => cleanPrompt('x'.repeat(PROMPT_MAX + 1))).toThrow(/2000 characters at most/);
  });
});
