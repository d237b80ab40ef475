import { describe, expect, test } from 'vitest';
import { said } from '../support/said.js';
import {
  checkBudget,
  checkDefaults,
  checkPictureLimit,
  DEFAULT_GUILD_SETTINGS,
  effectivePictureLimit,
  readGuildSettings,
} from '../../src/core/guild-settings.js';
import { flashAndProBounds } from '../support/settings-bounds.js';

const bounds = flashAndProBounds({ userDailyLimit: 20, dailyBudgetUsd: 10 });

describe('server settings validation', () => {
  test.each([
    [0, false],
    [1, true],
    [20, true],
    [21, false],
    [2.5, false],
  ])('a daily picture limit of %s is accepted: %s, within the operator’s 20', (value, ok) => {
    const problem = checkPictureLimit(value, bounds);
    expect(problem === undefined).toBe(ok);
    if (!ok) expect(said(problem)).toBe('The daily picture limit must be a whole number from 1 to 20.');
  });

  test.each([
    [0, false],
    [0.01, true],
    [10, true],
    [10.01, false],
    [1.234, false],
    [Number.NaN, false],
  ])('a budget of $%s is accepted: %s, within the operator’s $10', (value, ok) => {
    const problem = checkBudget(value, bounds);
    expect(problem === undefined).toBe(ok);
    if (!ok)
      expect(said(problem)).toBe(
        'The daily budget must be an amount in dollars and cents from 0.01 to 10.00.',
      );
  });

  test('defaults must be offered and fit the default model', () => {
    expect(checkDefaults({ defaultModel: 'pro', defaultSize: '4K' }, bounds)).toBeUndefined();
    expect(said(checkDefaults({ defaultModel: 'lite' }, bounds))).toBe(
      'That model is not offered; pick one of fast or pro.',
    );
    expect(said(checkDefaults({ defaultModel: 'pro', defaultSize: '512' }, bounds))).toMatch(
      /pick one of 1K, 2K or 4K/,
    );
    expect(said(checkDefaults({ defaultModel: 'pro', defaultAspectRatio: '1:8' }, bounds))).toMatch(
      /aspect ratio/,
    );
  });

  test('no server limit rises above the operator’s, even one stored before the operator lowered theirs', () => {
    const { settings, problems } = readGuildSettings(JSON.stringify({ dailyPictureLimit: 5 }), bounds);
    expect(problems).toEqual([]);
    expect(effectivePictureLimit(settings, bounds)).toBe(5);
    const lowered = { ...bounds, userDailyLimit: 3 };
    const read = readGuildSettings(JSON.stringify({ dailyPictureLimit: 5 }), lowered);
    expect(read.problems).toEqual(['dailyPictureLimit']);
    expect(effectivePictureLimit(read.settings, lowered)).toBe(3);
    expect(effectivePictureLimit(DEFAULT_GUILD_SETTINGS, bounds)).toBe(20);
  });

  test.each([
    ['not JSON', '{oops', ['the row is not JSON']],
    ['not an object', '[1,2]', ['the row is not an object']],
    ['a budget above the cap', '{"dailyBudgetUsd": 50}', ['dailyBudgetUsd']],
    ['a channel that is not an id', '{"channels": ["general"]}', ['channels']],
    ['a strange channel mode', '{"otherChannels": "shout"}', ['otherChannels']],
    ['a word list of numbers', '{"blockedWords": [1, 2]}', ['blockedWords']],
    ['a restriction to a non-role', '{"restrictions": {"model:pro": "admins"}}', ['restrictions.model:pro']],
  ])('a broken row (%s) gives the defaults for what is broken, and says which', (_, raw, problems) => {
    const read = readGuildSettings(raw, bounds);
    expect(read.problems).toEqual(problems);
    expect(read.settings.channels).toEqual([]);
    expect(read.settings.dailyBudgetUsd).toBeUndefined();
    expect(read.settings.otherChannels).toBe('refuse');
  });

  test('a good row keeps every field; a restriction on a model no longer offered drops out quietly', () => {
    const raw = JSON.stringify({
      defaultModel: 'pro',
      defaultSize: '2K',
      restrictions: { 'size:4K': '1090000000000000102', 'model:lite': '1090000000000000102' },
      dailyBudgetUsd: 2.5,
      channels: ['1090000000000000200'],
      otherChannels: 'hide',
      moderationLogChannel: '1090000000000000201',
      blockedWords: ['gore'],
    });
    const { settings, problems } = readGuildSettings(raw, bounds);
    expect(problems).toEqual([]);
    expect(settings).toMatchObject({
      defaultModel: 'pro',
      defaultSize: '2K',
      restrictions: { 'size:4K': '1090000000000000102' },
      dailyBudgetUsd: 2.5,
      otherChannels: 'hide',
      moderationLogChannel: '1090000000000000201',
      blockedWords: ['gore'],
    });
  });
});
