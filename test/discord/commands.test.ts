import { describe, expect, test } from 'vitest';
import { phrase } from '../../src/text/catalogue.js';
import { buildCommands } from '../../commands/index.js';
import { COMMON_ASPECT_RATIOS, WIDE_ASPECT_RATIOS } from '../../src/core/models.js';
import { cleanPrompt, PROMPT_MAX } from '../../src/discord/prompt.js';
import { UserError } from '../../src/errors.js';

const FLASH = { name: 'flash', model: 'gemini-3.1-flash-image' };
const PRO = { name: 'pro', model: 'gemini-3-pro-image' };
const LITE = { name: 'lite', model: 'gemini-3.1-flash-lite-image' };
const commands = buildCommands([FLASH]);
type Option = {
  type: number;
  name: string;
  required?: boolean;
  max_length?: number;
  choices?: { value: string }[];
};
const optionsOf = (offered: Parameters<typeof buildCommands>[0], name: string) =>
  (buildCommands(offered).find((c) => c.data.name === name)!.data.options ?? []) as Option[];

describe('command definitions', () => {
  test('every command has a valid name, a description and at most 25 options', () => {
    for (const c of commands) {
      expect(c.data.name).toMatch(/^[-_a-z0-9]{1,32}$/);
      expect(c.data.description.length).toBeGreaterThan(0);
      expect(c.data.description.length).toBeLessThanOrEqual(100);
      expect((c.data.options ?? []).length).toBeLessThanOrEqual(25);
    }
  });

  test('/imagine offers exactly the aspect ratios the offered model accepts, and limits the prompt length', () => {
    const [prompt, ...rest] = optionsOf([FLASH], 'imagine');
    expect(prompt).toMatchObject({ name: 'prompt', max_length: PROMPT_MAX });
    const ratio = rest.find((o) => o.name === 'aspect_ratio')!;
    expect(ratio.choices!.map((c) => c.value)).toEqual([...COMMON_ASPECT_RATIOS, ...WIDE_ASPECT_RATIOS]);
    // Pro alone makes only the ten common ratios.
    const proRatio = optionsOf([PRO], 'imagine').find((o) => o.name === 'aspect_ratio')!;
    expect(proRatio.choices!.map((c) => c.value)).toEqual([...COMMON_ASPECT_RATIOS]);
  });

  test('/edit takes one required image and, for Gemini 3, nine more optional ones', () => {
    const images = optionsOf([FLASH], 'edit').filter((o) => o.type === 11);
    expect(images.map((o) => [o.name, o.required ?? false])).toEqual([
      ['image', true],
      ...Array.from({ length: 9 }, (_, i) => [`image${i + 2}`, false]),
    ]);
  });

  test.each([
    [
      'one model: no model choice',
      [FLASH],
      { model: false, size: ['512', '1K', '2K', '4K'], quality: true, search: true },
    ],
    [
      'two models: a model choice, sizes any of them makes',
      [FLASH, PRO],
      { model: true, size: ['512', '1K', '2K', '4K'], quality: true, search: true },
    ],
    [
      'Flash-Lite alone: 1K only, so no size, no quality, no search',
      [LITE],
      { model: false, size: undefined, quality: false, search: false },
    ],
    [
      'Pro alone: no quality (it always thinks), search',
      [PRO],
      { model: false, size: ['1K', '2K', '4K'], quality: false, search: true },
    ],
  ] as const)('/imagine options follow the offered models (%s)', (_, offered, expected) => {
    const options = optionsOf(offered, 'imagine');
    const names = options.map((o) => o.name);
    expect(names.includes('model')).toBe(expected.model);
    expect(options.find((o) => o.name === 'size')?.choices?.map((c) => c.value)).toEqual(expected.size);
    expect(names.includes('quality')).toBe(expected.quality);
    expect(names.includes('search')).toBe(expected.search);
    // Required options first, as Discord demands, and never more than 25.
    expect(options.findIndex((o) => !o.required)).toBeGreaterThan(0);
    expect(options.length).toBeLessThanOrEqual(25);
  });

  test('/edit never offers search, and stays within 25 options with every setting', () => {
    const options = optionsOf([FLASH, PRO, LITE], 'edit');
    expect(options.map((o) => o.name)).not.toContain('search');
    expect(options.length).toBeLessThanOrEqual(25);
    const firstOptional = options.findIndex((o) => !o.required);
    expect(options.slice(firstOptional).every((o) => !o.required)).toBe(true);
  });
});

describe('cleanPrompt', () => {
  test('collapses white space and trims', () => {
    expect(cleanPrompt('  a  red\n\nfox  ')).toBe('a red fox');
  });

  test.each(['', '   ', '\n\t'])('an empty prompt (%j) is refused with a specific message', (raw) => {
    expect(() => cleanPrompt(raw)).toThrow(new UserError(phrase('prompt.empty')));
  });

  test('a prompt over the limit is refused, naming the limit', () => {
    expect(() => cleanPrompt('x'.repeat(PROMPT_MAX + 1))).toThrow(/2,000 characters at most/);
  });
});
