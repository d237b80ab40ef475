import { Writable } from 'node:stream';
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
