import { describe, expect, test } from 'vitest';
import { isLoopback, playgroundBanner } from '../../src/playground/start.js';

describe('playgroundBanner', () => {
  test('the terminal says loudly when the page is reachable from other machines', () => {
    const settings = { port: 3000, host: '0.0.0.0', geminiApiKey: 'k', logLevel: 'warn' };
    expect(playgroundBanner('http://localhost:3000', settings).split('\n')[0]).toMatch(
      /^WARNING: PLAYGROUND_HOST=0\.0\.0\.0: .*reachable from other machines.*spends your Gemini key/,
    );
    expect(playgroundBanner('http://127.0.0.1:3000', { ...settings, host: '127.0.0.1' })).not.toMatch(
      /WARNING/,
    );
    expect([
      isLoopback('127.0.0.1'),
      isLoopback('localhost'),
      isLoopback('::1'),
      isLoopback('192.168.1.2'),
    ]).toEqual([true, true, true, false]);
  });
});
