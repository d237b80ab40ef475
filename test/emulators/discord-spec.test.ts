import { describe, expect, test } from 'vitest';
import { loadSpecValidator } from '../../src/playground/discord/spec.js';

const spec = loadSpecValidator();
const MESSAGES = '/channels/{channel_id}/messages';
const CALLBACK = '/interactions/{interaction_id}/{interaction_token}/callback';

describe("Discord's API description as the emulator reads it", () => {
  test.each([
    ['a wrongly typed field', MESSAGES, { content: 'ok', tts: 'yes' }, /\/tts .*boolean/],
    // The description says 4000; Discord's documentation and API say 2000.
    ['content over 2000 characters', MESSAGES, { content: 'x'.repeat(2001) }, /\/content .*2000/],
    ['an interaction callback of no known type', CALLBACK, { type: 42 }, /\/type/],
    [
      'an interaction callback whose message is malformed',
      CALLBACK,
      { type: 4, data: { flags: 'x' } },
      /\/data\/flags/,
    ],
    ['a missing required body', MESSAGES, undefined, /request body is required/],
  ])('%s is a violation', (_name, route, body, expected) => {
    const errors = spec.validateBody(route, 'POST', body);
    expect(errors.join('\n')).toMatch(expected);
  });

  test.each([
    ['content of exactly 2000 characters', MESSAGES, { content: 'x'.repeat(2000) }],
    ['a deferred reply', CALLBACK, { type: 5, data: { flags: 64 } }],
  ])('%s is valid', (_name, route, body) => {
    expect(spec.validateBody(route, 'POST', body)).toEqual([]);
  });

  test('literal path segments beat parameters, and unknown paths match nothing', () => {
    expect(spec.matchRoute(['webhooks', '1', 'tok', 'messages', '@original'])?.template).toBe(
      '/webhooks/{webhook_id}/{webhook_token}/messages/@original',
    );
    expect(spec.matchRoute(['nowhere', 'at', 'all'])).toBeNull();
    expect(spec.hasOperation(MESSAGES, 'POST')).toBe(true);
    expect(spec.hasOperation(MESSAGES, 'PUT')).toBe(false);
  });
});
