import { describe, expect, test } from 'vitest';
import { inEnglish } from '../support/said.js';
import { BlockedWords } from '../../src/core/blocked-words.js';
import { DEFAULT_GUILD_SETTINGS, type GuildSettings } from '../../src/core/guild-settings.js';
import { flashAndProBounds } from '../support/settings-bounds.js';
import type { JobRequest } from '../../src/core/job.js';
import { admitToServer } from '../../src/discord/admission.js';

const bounds = flashAndProBounds({ userDailyLimit: 10, dailyBudgetUsd: 0 });
const ROLE = '1090000000000000555';
const request: JobRequest = {
  kind: 'imagine',
  userId: '1090000000000001001',
  guildId: '1090000000000000100',
  channelId: '1090000000000000200',
  prompt: 'a lighthouse',
  inputs: [],
};

const admit = (
  settings: Partial<GuildSettings>,
  over: Partial<JobRequest> = {},
  canHide = true,
  words: string[] = [],
) =>
  inEnglish(
    admitToServer({
      request: { ...request, ...over },
      settings: { ...DEFAULT_GUILD_SETTINGS, ...settings },
      bounds,
      operatorWords: new BlockedWords(words),
      rosterDefault: 'gemini-3.1-flash-image',
      canHide,
    }),
  );

describe('a server’s settings at the door', () => {
  test('the server’s defaults fill what the member left open, and its limits become the policy', () => {
    const admitted = admit({
      defaultModel: 'pro',
      defaultSize: '2K',
      defaultAspectRatio: '16:9',
      dailyPictureLimit: 3,
      dailyBudgetUsd: 2,
    });
    expect(admitted).toMatchObject({
      ok: true,
      request: { model: 'gemini-3-pro-image', imageSize: '2K', aspectRatio: '16:9' },
      policy: { dailyPictureLimit: 3, guildDailyBudgetUsd: 2 },
    });
  });

  test('what the member chose wins over the defaults, and a default the model cannot make is left out', () => {
    const admitted = admit({ defaultSize: '512' }, { model: 'gemini-3-pro-image', aspectRatio: '1:1' });
    expect(admitted).toMatchObject({
      ok: true,
      request: { model: 'gemini-3-pro-image', imageSize: undefined, aspectRatio: '1:1' },
    });
  });

  test('a model or size kept for a role is refused to others and given to the role', () => {
    const settings = { restrictions: { 'model:pro': ROLE, 'size:4K': ROLE } };
    expect(admit(settings, { model: 'gemini-3-pro-image' })).toEqual({
      ok: false,
      reason: 'restricted',
      message: `Only members with <@&${ROLE}> can use pro in this server.`,
    });
    expect(admit(settings, { imageSize: '4K' })).toMatchObject({ ok: false, reason: 'restricted' });
    expect(admit(settings, { model: 'gemini-3-pro-image', imageSize: '4K', memberRoles: [ROLE] }).ok).toBe(
      true,
    );
  });

  test('other channels are refused, or hidden for interactions, by the server’s choice; a thread counts as its channel', () => {
    const elsewhere = '1090000000000000201';
    expect(admit({ channels: [elsewhere] })).toEqual({
      ok: false,
      reason: 'channel',
      message: `I don’t make pictures in this channel. Try <#${elsewhere}>.`,
    });
    expect(admit({ channels: [elsewhere], otherChannels: 'hide' })).toMatchObject({
      ok: true,
      request: { private: true },
    });
    expect(admit({ channels: [elsewhere], otherChannels: 'hide' }, {}, false)).toMatchObject({
      ok: false,
      reason: 'channel',
    });
    expect(
      admit({ channels: [elsewhere] }, { channelId: '1090000000000000999', parentChannelId: elsewhere }).ok,
    ).toBe(true);
  });

  test('blocked words of the server and of the operator refuse the prompt with a neutral line', () => {
    const refusal = {
      ok: false,
      reason: 'blocked',
      message: 'I can’t make a picture from that prompt here. Please rephrase it.',
    };
    expect(admit({ blockedWords: ['lighthouse'] })).toEqual(refusal);
    expect(admit({}, {}, true, ['LIGHTHOUSE'])).toEqual(refusal);
    expect(admit({ blockedWords: ['light'] }).ok).toBe(true);
  });

  test('a combination the model cannot make is refused with what it takes', () => {
    expect(admit({}, { model: 'gemini-3-pro-image', aspectRatio: '1:8' })).toMatchObject({
      ok: false,
      reason: 'controls',
      message: expect.stringMatching(/^gemini-3-pro-image does not make 1:8 pictures/),
    });
  });
});
