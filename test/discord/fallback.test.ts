import { DiscordAPIError, HTTPError } from 'discord.js';
import { describe, expect, test } from 'vitest';
import { classifyDeliveryError, PlaceUnavailable } from '../../src/discord/fallback.js';

const api = (code: number, status: number) =>
  new DiscordAPIError({ code, message: 'x' }, code, status, 'POST', 'http://discord/api', {});

describe('classifyDeliveryError: what one failure means for the places left to try', () => {
  test.each([
    ['an expired interaction token', api(50027, 401), true, 'credential'],
    ['an unknown interaction', api(10062, 404), false, 'credential'],
    ['a deleted reply or placeholder', api(10008, 404), true, 'place'],
    ['an archived or locked thread', api(50083, 400), true, 'place'],
    ['a channel the bot cannot see', api(50001, 403), true, 'place'],
    ['a member who takes no DMs', api(50007, 403), true, 'place'],
    ['missing permissions on an upload', api(50013, 403), true, 'images-here'],
    ['missing permissions on words', api(50013, 403), false, 'place'],
    [
      'a 500 on an upload',
      new HTTPError(500, 'Internal Server Error', 'POST', 'u', {}),
      true,
      'images-anywhere',
    ],
    ['a 500 on words', new HTTPError(500, 'Internal Server Error', 'POST', 'u', {}), false, 'place'],
    ['an upload too large', api(40005, 413), true, 'images-anywhere'],
    ['a network error on an upload', new TypeError('fetch failed'), true, 'images-anywhere'],
    ['a channel that cannot be reached', new PlaceUnavailable('gone'), true, 'place'],
  ])('%s', (_what, err, withImages, kind) => {
    expect(classifyDeliveryError(err, withImages).kind).toBe(kind);
  });
});
