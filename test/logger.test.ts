import { Writable } from 'node:stream';
import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { describe, expect, test } from 'vitest';
import { createLogger } from '../src/logger.js';

const TOKEN = 'MTAxMjM0NTY3ODkwMTIzNDU2Nzg5.GhIjKl.secret-token-value-xyz';
const KEY = 'AIzaSy-secret-gemini-key-0123456789';

function capture() {
  let out = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  const log = createLogger({ level: 'debug', secrets: [TOKEN, KEY] }, stream);
  return { log, text: () => out };
}

describe('logger', () => {
  test('secrets never reach the log, whether in fields, messages, errors or nested objects', () => {
    const { log, text } = capture();
    log.info({ token: TOKEN, config: { discordToken: TOKEN, geminiApiKey: KEY } }, 'start');
    log.warn(`request to ?key=${KEY} failed`);
    log.error({ err: new Error(`Invalid token ${TOKEN}`) }, 'login failed');
    log.debug(
      { headers: { authorization: `Bot ${TOKEN}` }, deep: { note: `x-goog-api-key: ${KEY}` } },
      'request',
    );
    const out = text();
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain(KEY);
    expect(out).toContain('[REDACTED]');
    expect(out.split('\n').filter(Boolean)).toHaveLength(4);
  });

  test('log lines are JSON with the object fields kept', () => {
    const { log, text } = capture();
    log.info({ jobId: 'abc', userId: '1' }, 'job delivered');
    const line = JSON.parse(text().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ jobId: 'abc', userId: '1', msg: 'job delivered', level: 30 });
  });

  test('errors keep their message and stack (only a secret inside them is replaced)', () => {
    const { log, text } = capture();
    log.error({ err: new Error(`disk full while using ${TOKEN}`) }, 'write failed');
    const line = JSON.parse(text().trim()) as { err: { message: string; stack: string } };
    expect(line.err.message).toBe('disk full while using [REDACTED]');
    expect(line.err.stack).toMatch(/^Error: disk full while using \[REDACTED\]\n\s+at /);
  });
});

const INTERACTION_TOKEN = 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OTpzZWNyZXQtdG9rZW4';
const webhookUrl = `http://127.0.0.1:1234/api/v10/webhooks/1090000000000000001/${INTERACTION_TOKEN}/messages/@original`;
const upload = { files: [{ name: 'picture.png', data: Buffer.alloc(200_000, 7) }], json: { content: 'hi' } };

describe('logger: Discord errors', () => {
  test.each([
    [
      'DiscordAPIError',
      () =>
        new DiscordAPIError(
          { code: 50013, message: 'Missing Permissions' },
          50013,
          403,
          'PATCH',
          webhookUrl,
          upload,
        ),
      { code: 50013, status: 403 },
    ],
    [
      'HTTPError',
      () => new HTTPError(500, 'Internal Server Error', 'PATCH', webhookUrl, upload),
      { status: 500 },
    ],
    [
      'RateLimitError',
      () =>
        new RateLimitError({
          timeToReset: 1000,
          limit: 5,
          method: 'POST',
          hash: 'h',
          url: webhookUrl,
          route: '/webhooks/:id/:token',
          majorParameter: '1',
          global: false,
          retryAfter: 1000,
          sublimitTimeout: 0,
          scope: 'user',
        }),
      { retryAfter: 1000 },
    ],
  ])('a %s is logged without its request body and without the interaction token', (_name, make, kept) => {
    const { log, text } = capture();
    log.error({ err: make() }, 'could not deliver');
    const out = text();
    expect(out.length).toBeLessThan(4000);
    expect(out).not.toContain(INTERACTION_TOKEN);
    const line = JSON.parse(out.trim()) as { err: Record<string, unknown> };
    expect(line.err).toMatchObject({
      method: expect.any(String),
      url: 'http://127.0.0.1:1234/api/v10/webhooks/1090000000000000001/[REDACTED]/messages/@original',
      message: expect.any(String),
      name: expect.any(String),
      ...kept,
    });
    expect(line.err).not.toHaveProperty('requestBody');
  });

  test('an error caused by a Discord error keeps the cause, without its request', () => {
    const { log, text } = capture();
    const cause = new HTTPError(500, 'Internal Server Error', 'POST', webhookUrl, upload);
    log.error({ err: new Error('delivery failed', { cause }) }, 'could not deliver');
    const out = text();
    expect(out.length).toBeLessThan(6000);
    expect(out).not.toContain(INTERACTION_TOKEN);
    expect(out).toContain('delivery failed');
  });

  test.each([
    `/webhooks/1090000000000000001/${INTERACTION_TOKEN}/messages/@original`,
    `/webhooks/1090000000000000001/${INTERACTION_TOKEN}`,
    `/interactions/1090000000000000777/${INTERACTION_TOKEN}/callback`,
    `/webhooks/1090000000000000001/${INTERACTION_TOKEN}?wait=true`,
  ])('an interaction token in a URL anywhere in a line is redacted: %s', (path) => {
    const { log, text } = capture();
    log.warn({ request: { path } }, `request to ${path} failed`);
    const out = text();
    expect(out).not.toContain(INTERACTION_TOKEN);
    expect(out.match(/\[REDACTED\]/g)).toHaveLength(2);
  });
});
