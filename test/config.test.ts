import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const TOKEN = 'MTAxMjM0NTY3ODkwMTIzNDU2Nzg5.GhIjKl.abcdefghijklmnopqrstuvwxyz012345';
const base = { DISCORD_TOKEN: TOKEN, GEMINI_API_KEY: 'AIzaSyA-test-key-0123456789' };

function problems(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  test('the two required values are enough; everything else has the documented default', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({
      geminiModel: 'gemini-3.1-flash-image',
      geminiModels: [{ name: 'flash', model: 'gemini-3.1-flash-image' }],
      discordApiUrl: 'https://discord.com/api',
      geminiBaseUrl: undefined,
      geminiRpm: 10,
      geminiConcurrency: 2,
      geminiTimeoutMs: 120_000,
      userRpm: 3,
      userDailyLimit: 50,
      maxQueue: 100,
      attachmentHosts: ['cdn.discordapp.com', 'media.discordapp.net'],
      dataDir: './data',
      logLevel: 'info',
      messageContentIntent: false,
      allowDms: false,
      redisUrl: undefined,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  test('missing required values are listed together, each with where to get it', () => {
    const list = problems({});
    expect(list).toHaveLength(2);
    expect(list[0]).toMatch(/^DISCORD_TOKEN is missing .*Developer Portal/);
    expect(list[1]).toMatch(/^GEMINI_API_KEY is missing .*aistudio/);
  });

  test('empty strings count as unset (a .env line with nothing after =)', () => {
    expect(problems({ ...base, GEMINI_MODEL: '', DISCORD_API_URL: '', DATA_DIR: '' })).toEqual([]);
    expect(problems({ DISCORD_TOKEN: '', GEMINI_API_KEY: '' })).toHaveLength(2);
  });

  test.each([
    ['GEMINI_RPM', 'fast'],
    ['GEMINI_RPM', '0'],
    ['GEMINI_CONCURRENCY', '-1'],
    ['USER_RPM', '2.5'],
    ['DISCORD_API_URL', 'not a url'],
    ['DISCORD_API_URL', 'ftp://example.com'],
    ['GEMINI_BASE_URL', 'localhost:1234'],
    ['DISCORD_GUILD_ID', 'my-server'],
    ['LOG_LEVEL', 'loud'],
    ['MESSAGE_CONTENT_INTENT', 'maybe'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['REDIS_KEY_TTL_MS', '500'],
    ['GEMINI_MODEL', 'Gemini 2.5'],
  ])('%s=%s is refused with the variable named', (key, value) => {
    const list = problems({ ...base, [key]: value });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatch(new RegExp(`^${key} is not valid`));
  });

  test('a .env copied from .env.example with blanks says what is missing, in words an operator can act on', () => {
    const list = problems({ DISCORD_TOKEN: '', GEMINI_API_KEY: ' ', GEMINI_RPM: 'fast', USER_RPM: '2.5' });
    expect(list).toEqual([
      expect.stringMatching(/^DISCORD_TOKEN is missing \(set it to the bot token/),
      expect.stringMatching(/^GEMINI_API_KEY is missing \(set it to a Gemini API key/),
      'GEMINI_RPM is not valid: must be a whole number',
      'USER_RPM is not valid: must be a whole number',
    ]);
    expect(list.join('\n')).not.toMatch(/Invalid input|expected|received|NaN/);
  });

  test.each([
    ['GEMINI_CONCURRENCY', '0', 'must be at least 1'],
    ['GEMINI_MAX_ATTEMPTS', '11', 'must be at most 10'],
    ['LOG_LEVEL', 'loud', 'must be one of fatal, error, warn, info, debug, trace, silent'],
    ['MESSAGE_CONTENT_INTENT', 'maybe', 'must be true or false'],
  ])('%s=%s says what the value must be: %s', (key, value, sentence) => {
    expect(problems({ ...base, [key]: value })[0]).toMatch(new RegExp(`^${key} is not valid: ${sentence}`));
  });

  test('previews are on unless PREVIEWS says otherwise, and a value that is no yes or no says what to set', () => {
    expect(loadConfig(base).previews).toBe(true);
    expect(loadConfig({ ...base, PREVIEWS: 'true' }).previews).toBe(true);
    expect(loadConfig({ ...base, PREVIEWS: 'false' }).previews).toBe(false);
    expect(loadConfig({ ...base, PREVIEWS: '' }).previews).toBe(true);
    const list = problems({ ...base, PREVIEWS: 'sometimes' });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatch(
      /^PREVIEWS is not valid: .*\(set it to true \(stream .*\) or false \(plain requests, no drafts\)\)$/,
    );
  });

  test('a shutdown grace that would outlast the hard exit at 29 s is refused, saying why', () => {
    const list = problems({ ...base, SHUTDOWN_GRACE_MS: '60000' });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatch(/^SHUTDOWN_GRACE_MS is not valid.*at most 25000.*29 s/);
    expect(loadConfig({ ...base, SHUTDOWN_GRACE_MS: '25000' }).shutdownGraceMs).toBe(25_000);
  });

  test.each([
    ['gemini-3-pro-image', [{ name: 'pro', model: 'gemini-3-pro-image' }]],
    ['gemini-nano-banana-9', [{ name: 'default', model: 'gemini-nano-banana-9' }]],
  ])(
    'GEMINI_MODEL=%s alone offers that one model, named from the catalogue or "default"',
    (model, offered) => {
      expect(loadConfig({ ...base, GEMINI_MODEL: model })).toMatchObject({
        geminiModel: model,
        geminiModels: offered,
      });
    },
  );

  test.each([
    [
      'fast=gemini-3.1-flash-image, pro=gemini-3-pro-image',
      [
        { name: 'fast', model: 'gemini-3.1-flash-image' },
        { name: 'pro', model: 'gemini-3-pro-image' },
      ],
    ],
    [
      'gemini-3-pro-image,gemini-3.1-flash-lite-image,gemini-nano-banana-2.1',
      [
        { name: 'pro', model: 'gemini-3-pro-image' },
        { name: 'lite', model: 'gemini-3.1-flash-lite-image' },
        { name: 'nano-banana-2-1', model: 'gemini-nano-banana-2.1' },
      ],
    ],
    ['cheap=gemini-3.1-flash-lite-image,', [{ name: 'cheap', model: 'gemini-3.1-flash-lite-image' }]],
  ])('GEMINI_MODELS=%s is offered in order, the first as the default', (value, offered) => {
    const config = loadConfig({ ...base, GEMINI_MODELS: value });
    expect(config.geminiModels).toEqual(offered);
    expect(config.geminiModel).toBe(offered[0]!.model);
  });

  test.each([
    ['Fast=gemini-3.1-flash-image', /short name "Fast" must be 1-25 lowercase letters/],
    ['a-name-that-is-far-too-long=gemini-3.1-flash-image', /1-25 lowercase/],
    ['=gemini-3.1-flash-image', /short name ""/],
    ['x=gemini-3.1-flash-image,x=gemini-3-pro-image', /short name "x" is used twice/],
    ['a=gemini-3-pro-image,b=gemini-3-pro-image', /gemini-3-pro-image is listed twice/],
    ['fast=Gemini 3', /"Gemini 3" is not a model name|"gemini 3" is not a model name/],
    [',', /lists no model/],
  ])('GEMINI_MODELS=%s is refused with a readable reason', (value, reason) => {
    const list = problems({ ...base, GEMINI_MODELS: value });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatch(/^GEMINI_MODELS is not valid/);
    expect(list[0]).toMatch(reason);
  });

  test('GEMINI_MODEL may repeat the default of GEMINI_MODELS, but not contradict it', () => {
    const models = 'fast=gemini-3.1-flash-image,pro=gemini-3-pro-image';
    expect(problems({ ...base, GEMINI_MODELS: models, GEMINI_MODEL: 'gemini-3.1-flash-image' })).toEqual([]);
    expect(problems({ ...base, GEMINI_MODELS: models, GEMINI_MODEL: 'gemini-3-pro-image' })[0]).toMatch(
      /GEMINI_MODEL .* and GEMINI_MODELS .* disagree/,
    );
  });

  test('lists and numbers are parsed', () => {
    const config = loadConfig({
      ...base,
      ATTACHMENT_HOSTS: ' CDN.example.com , 127.0.0.1:8080 ',
      ALLOWED_GUILDS: '123456789012345678,223456789012345678',
      GEMINI_RPM: '600',
      MESSAGE_CONTENT_INTENT: 'true',
      DISCORD_API_URL: 'http://127.0.0.1:9999/api/',
    });
    expect(config.attachmentHosts).toEqual(['cdn.example.com', '127.0.0.1:8080']);
    expect(config.allowedGuilds).toEqual(['123456789012345678', '223456789012345678']);
    expect(config.geminiRpm).toBe(600);
    expect(config.messageContentIntent).toBe(true);
    expect(config.discordApiUrl).toBe('http://127.0.0.1:9999/api');
  });

  test('an attachment host with a path or scheme is refused', () => {
    expect(problems({ ...base, ATTACHMENT_HOSTS: 'https://cdn.discordapp.com/x' })[0]).toMatch(
      /ATTACHMENT_HOSTS/,
    );
  });

  test('registration needs no Gemini key', () => {
    expect(() => loadConfig({ DISCORD_TOKEN: TOKEN }, { requireGemini: false })).not.toThrow();
    expect(() => loadConfig({ DISCORD_TOKEN: TOKEN })).toThrow(ConfigError);
  });

  test('the store, shards and crash recovery have their documented defaults', () => {
    expect(loadConfig(base)).toMatchObject({
      databaseUrl: undefined,
      shards: { count: 'auto' },
      resumeMaxAgeMs: 30 * 60_000,
      journalLeaseMs: 15_000,
    });
  });

  test.each([
    [{ SHARD_COUNT: '4' }, { count: 4, ids: [0, 1, 2, 3] }],
    [
      { SHARD_COUNT: '4', SHARD_IDS: '2,3' },
      { count: 4, ids: [2, 3] },
    ],
    [
      { SHARD_COUNT: '8', SHARD_IDS: '0-2, 6,1' },
      { count: 8, ids: [0, 1, 2, 6] },
    ],
  ])('shards %j run as %j', (env, shards) => {
    expect(loadConfig({ ...base, ...env }).shards).toEqual(shards);
  });

  test.each([
    [{ SHARD_IDS: '0' }, /SHARD_IDS is set but SHARD_COUNT is auto/],
    [{ SHARD_COUNT: '2', SHARD_IDS: '2' }, /names shard 2, but with SHARD_COUNT=2 the shards are 0 to 1/],
    [{ SHARD_COUNT: '2', SHARD_IDS: 'one' }, /SHARD_IDS is not valid: must be shard ids or ranges/],
    [{ SHARD_COUNT: 'many' }, /SHARD_COUNT is not valid/],
    [{ RESUME_MAX_AGE: '10s' }, /RESUME_MAX_AGE is not valid.*from 1 minute to 24 hours/],
    [{ DATABASE_URL: 'mysql://db/bot' }, /DATABASE_URL is not valid.*postgres:\/\//],
  ])('%j is refused, saying why', (env, message) => {
    expect(problems({ ...base, ...env }).join('\n')).toMatch(message);
  });

  test('RESUME_MAX_AGE takes seconds, minutes or hours; a bare number is minutes', () => {
    expect(loadConfig({ ...base, RESUME_MAX_AGE: '90s' }).resumeMaxAgeMs).toBe(90_000);
    expect(loadConfig({ ...base, RESUME_MAX_AGE: '2h' }).resumeMaxAgeMs).toBe(7_200_000);
    expect(loadConfig({ ...base, RESUME_MAX_AGE: '45' }).resumeMaxAgeMs).toBe(2_700_000);
    expect(loadConfig({ ...base, DATABASE_URL: 'postgres://u:p@db:5432/bot' }).databaseUrl).toBe(
      'postgres://u:p@db:5432/bot',
    );
  });

  test('the error message never includes the values given', () => {
    try {
      loadConfig({ DISCORD_TOKEN: 'short-secret', GEMINI_API_KEY: base.GEMINI_API_KEY, GEMINI_RPM: 'x' });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).not.toContain('short-secret');
      expect((err as Error).message).not.toContain(base.GEMINI_API_KEY);
    }
  });
});

describe('operator settings: budget, blocked words, metrics', () => {
  test('unset, there is no budget, no blocked word and no metrics listener', () => {
    expect(loadConfig(base)).toMatchObject({ dailyBudgetUsd: 0, blockedWords: [], metricsPort: undefined });
  });

  test('a budget, a port and a blocked-words file are read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'words-'));
    try {
      writeFileSync(join(dir, 'words.txt'), '# comment\nkraken  # trailing comment\n\n  sea serpent \n');
      expect(
        loadConfig({
          ...base,
          DAILY_BUDGET_USD: '12.50',
          METRICS_PORT: '9464',
          BLOCKED_WORDS: join(dir, 'words.txt'),
        }),
      ).toMatchObject({ dailyBudgetUsd: 12.5, metricsPort: 9464, blockedWords: ['kraken', 'sea serpent'] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each([
    [
      { DAILY_BUDGET_USD: 'ten' },
      /^DAILY_BUDGET_USD is not valid: must be an amount of US dollars such as 5 or 12.50/,
    ],
    [{ DAILY_BUDGET_USD: '-3' }, /^DAILY_BUDGET_USD is not valid/],
    [{ METRICS_PORT: '70000' }, /^METRICS_PORT is not valid: must be at most 65535/],
    [
      { BLOCKED_WORDS: '/nonexistent/words.txt' },
      /^BLOCKED_WORDS file \/nonexistent\/words.txt does not exist/,
    ],
  ])('%o is refused with a readable line', (env, line) => {
    expect(problems({ ...base, ...env })[0]).toMatch(line);
  });
});
