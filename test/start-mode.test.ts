import { describe, expect, test } from 'vitest';
import { ConfigError, decideStartMode, loadConfig } from '../src/config.js';

const TOKEN = 'MTAxMjM0NTY3ODkwMTIzNDU2Nzg5.GhIjKl.abcdefghijklmnopqrstuvwxyz012345';

describe('decideStartMode', () => {
  test.each([
    ['a Discord token', { DISCORD_TOKEN: TOKEN }, 'bot'],
    ['a token and PLAYGROUND=0', { DISCORD_TOKEN: TOKEN, PLAYGROUND: '0' }, 'bot'],
    [
      'no token in production (Docker, Heroku): the list of missing settings',
      { NODE_ENV: 'production' },
      'bot',
    ],
    ['no token but PLAYGROUND=false', { PLAYGROUND: 'false' }, 'bot'],
    ['nothing at all (a fresh clone)', {}, 'playground'],
    ['a token left blank, as .env.example has it', { DISCORD_TOKEN: '  ' }, 'playground'],
    ['PLAYGROUND=1 over a token', { DISCORD_TOKEN: TOKEN, PLAYGROUND: '1' }, 'playground'],
    ['PLAYGROUND=true in production', { NODE_ENV: 'production', PLAYGROUND: 'true' }, 'playground'],
  ])('%s starts the %s', (_, env, kind) => {
    expect(decideStartMode(env).kind).toBe(kind);
  });

  test('the playground says why it started, and serves on 127.0.0.1:3000 by default', () => {
    expect(decideStartMode({})).toEqual({
      kind: 'playground',
      why: 'no-token',
      settings: { port: 3000, host: '127.0.0.1', geminiApiKey: undefined, logLevel: 'warn' },
    });
    expect(decideStartMode({ DISCORD_TOKEN: TOKEN, PLAYGROUND: 'yes' })).toMatchObject({ why: 'forced' });
  });

  test('PLAYGROUND_PORT, PLAYGROUND_HOST, LOG_LEVEL and a Gemini key are taken as given', () => {
    const mode = decideStartMode({
      PLAYGROUND_PORT: '8080',
      PLAYGROUND_HOST: '0.0.0.0',
      LOG_LEVEL: 'debug',
      GEMINI_API_KEY: ' AIzaSyA-real-key-0123456789 ',
    });
    expect(mode).toMatchObject({
      settings: {
        port: 8080,
        host: '0.0.0.0',
        logLevel: 'debug',
        geminiApiKey: 'AIzaSyA-real-key-0123456789',
      },
    });
  });

  test.each([
    [{ PLAYGROUND_PORT: '70000' }, 'PLAYGROUND_PORT is not valid: must be at most 65535'],
    [{ PLAYGROUND_PORT: 'http' }, 'PLAYGROUND_PORT is not valid: must be a whole number'],
    [{ PLAYGROUND: 'maybe' }, 'PLAYGROUND is not valid: must be true or false'],
    [{ PLAYGROUND_HOST: 'a host; rm' }, 'PLAYGROUND_HOST is not valid: must be a host name or an IP address'],
  ])('%o is refused with a readable line', (env, problem) => {
    expect(() => decideStartMode(env)).toThrow(ConfigError);
    try {
      decideStartMode(env);
    } catch (err) {
      expect((err as ConfigError).problems[0]).toContain(problem);
    }
  });
});

describe('the playground settings', () => {
  test('override what the environment says, so a .env for a real bot cannot point the playground elsewhere', () => {
    const config = loadConfig(
      {
        DISCORD_TOKEN: TOKEN,
        GEMINI_API_KEY: 'AIzaSyA-real-key-0123456789',
        DISCORD_API_URL: 'https://discord.com/api',
      },
      { overrides: { DISCORD_API_URL: 'http://127.0.0.1:9/api', DATA_DIR: ':memory:' } },
    );
    expect(config).toMatchObject({ discordApiUrl: 'http://127.0.0.1:9/api', dataDir: ':memory:' });
  });
});
