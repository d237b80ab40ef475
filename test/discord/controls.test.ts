import fc from 'fast-check';
import { inEnglish } from '../support/said.js';
import { ENGLISH } from '../../src/text/catalogue.js';
import { describe, expect, test } from 'vitest';
import type { ControlRecord, ReplayInput } from '../../src/core/controls.js';
import type { InputSource } from '../../src/core/job.js';
import { upscaleSizes } from '../../src/core/model-controls.js';
import { linkExpiresAt } from '../../src/discord/attachments.js';
import { mayDelete, planAction, uploadsGone } from '../../src/discord/controls/actions.js';
import {
  CUSTOM_ID_MAX,
  encodeControlId,
  newControlId,
  parseControlId,
  parsePickValue,
  PICTURE_ACTIONS,
  RESULT_ACTIONS,
  type ControlId,
} from '../../src/discord/controls/custom-id.js';
import { controlRows } from '../../src/discord/controls/rows.js';
import { ONE_PICTURE_ACTIONS } from '../support/controls.js';

const FLASH = 'gemini-3.1-flash-image';
const PRO = 'gemini-3-pro-image';
const LITE = 'gemini-3.1-flash-lite-image';

describe('custom_id encoding', () => {
  const key = newControlId();
  const ids: ControlId[] = [
    ...RESULT_ACTIONS.map((action) => ({ kind: 'action' as const, action, controlId: key, picture: 1 })),
    ...PICTURE_ACTIONS.map((action) => ({ kind: 'action' as const, action, controlId: key, picture: 10 })),
    { kind: 'pick', controlId: key },
    { kind: 'message-edit', messageId: '1090000000000000200' },
  ];

  test.each(ids.map((id) => [encodeControlId(id), id]))('%s reads back as it was written', (encoded, id) => {
    expect(encoded.startsWith('v1:')).toBe(true);
    expect(encoded.length).toBeLessThanOrEqual(CUSTOM_ID_MAX);
    expect(parseControlId(encoded)).toEqual({ ok: true, id });
  });

  test.each([
    ['another version', `v2:reroll:${key}`, 'version'],
    ['no version', `reroll:${key}`, 'malformed'],
    ['an unknown action', `v1:explode:${key}`, 'malformed'],
    ['a short key', 'v1:reroll:abc', 'malformed'],
    ['a key with path characters', 'v1:reroll:../../../etc/pass', 'malformed'],
    ['a picture on a result action', `v1:reroll:${key}:1`, 'malformed'],
    ['no picture on a picture action', `v1:vary-subtle:${key}`, 'malformed'],
    ['picture 0', `v1:edit:${key}:0`, 'malformed'],
    ['picture 11', `v1:edit:${key}:11`, 'malformed'],
    ['a leading zero', `v1:edit:${key}:01`, 'malformed'],
    ['trailing parts', `v1:pick:${key}:x`, 'malformed'],
    ['a message id that is no snowflake', 'v1:message-edit:12ab', 'malformed'],
    ['over 100 characters', `v1:reroll:${'A'.repeat(100)}`, 'malformed'],
  ])('%s is refused (%s)', (_name, raw, reason) => {
    expect(parseControlId(raw)).toEqual({ ok: false, reason });
  });

  test('no string that encodeControlId did not make parses, except by naming a key that the store must then know', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (raw) => {
        const parsed = parseControlId(raw);
        if (parsed.ok) expect(encodeControlId(parsed.id)).toBe(raw);
      }),
    );
  });

  test('control ids are random: a thousand never repeat', () => {
    expect(new Set(Array.from({ length: 1000 }, newControlId)).size).toBe(1000);
  });

  test('a menu value names an action and a picture, and nothing else', () => {
    expect(parsePickValue('upscale-4K:3')).toEqual({ action: 'upscale-4K', picture: 3 });
    for (const bad of ['reroll:1', 'edit', 'edit:1:2', 'vary-subtle:x', 'delete:1']) {
      expect(parsePickValue(bad)).toBeUndefined();
    }
  });
});

const source = (filename: string): InputSource => ({ filename, url: () => Promise.resolve(filename) });
const sources = {
  replay: (input: ReplayInput) => source(`replayed ${input.filename}`),
  picture: (index: number) => source(`picture ${index}`),
};
const record = (over: Partial<ControlRecord['request']> = {}, model = PRO): ControlRecord => ({
  controlId: newControlId(),
  messageId: '1090000000000000300',
  channelId: '1090000000000000200',
  threadId: null,
  guildId: '1090000000000000100',
  userId: 'author',
  model,
  imageCount: 2,
  createdAt: 0,
  deletedAt: null,
  request: {
    kind: 'edit',
    prompt: 'a fox in a hat',
    shownPrompt: 'a fox in a hat',
    inputs: [{ kind: 'link', filename: 'hat.png', url: 'https://cdn.discordapp.com/hat.png' }],
    aspectRatio: '16:9',
    imageSize: '1K',
    ...over,
  },
});
const NOW = Date.parse('2026-12-02T12:00:00Z');
const ctx = { offered: [FLASH, PRO], sources, picture: 2, now: NOW };
const ok = (plan: ReturnType<typeof planAction>) => {
  if (!plan.ok) throw new Error(ENGLISH.say(plan.message));
  return plan;
};

describe('actions as jobs', () => {
  test('Reroll is the stored request again: its kind, prompt, inputs, model and settings', () => {
    const plan = ok(planAction(record(), 'reroll', ctx));
    expect(plan.shownPrompt).toBe('a fox in a hat');
    expect(plan.request).toMatchObject({
      kind: 'edit',
      prompt: 'a fox in a hat',
      model: PRO,
      aspectRatio: '16:9',
      imageSize: '1K',
    });
    expect(plan.request.inputs.map((i) => i.filename)).toEqual(['replayed hat.png']);
  });

  test('Reroll of a refine refines the same picture again, with the conversation before it', () => {
    const refine = {
      parentMessageId: 'parent',
      previous: { kind: 'attachment', filename: 'p', channelId: 'c', messageId: 'parent', index: 0 },
    } as const;
    const history = [{ prompt: 'a fox', modelParts: [{ imageIndex: 0 }] }];
    const plan = ok(
      planAction(record({ kind: 'refine', refine, inputs: [] }), 'reroll', { ...ctx, history }),
    );
    expect(plan.request.kind).toBe('refine');
    expect(plan.request.refine).toMatchObject({ parentMessageId: 'parent', history });
    expect(plan.request.refine?.previous.filename).toBe('replayed p');
  });

  test('Remix keeps everything but the prompt, which it echoes', () => {
    const plan = ok(planAction(record(), 'remix', { ...ctx, prompt: 'a wolf in a hat' }));
    expect(plan).toMatchObject({
      shownPrompt: 'a wolf in a hat',
      request: { prompt: 'a wolf in a hat', model: PRO },
    });
  });

  test('Vary edits the chosen picture with an instruction and the original prompt, and echoes the original', () => {
    const plan = ok(planAction(record(), 'vary-subtle', ctx));
    expect(plan.shownPrompt).toBe('a fox in a hat');
    expect(plan.request.kind).toBe('edit');
    expect(plan.request.prompt).toMatch(/subtle variation[\s\S]*a fox in a hat$/);
    expect(plan.request.inputs.map((i) => i.filename)).toEqual(['picture 1']);
  });

  test('Upscale goes to the picture’s model when it makes the size, else to the first offered one that does', () => {
    expect(ok(planAction(record(), 'upscale-4K', ctx)).request).toMatchObject({
      model: PRO,
      imageSize: '4K',
    });
    const fromLite = ok(planAction(record({}, LITE), 'upscale-2K', { ...ctx, offered: [LITE, FLASH] }));
    expect(fromLite.request).toMatchObject({ model: FLASH, imageSize: '2K', aspectRatio: '16:9' });
    expect(inEnglish(planAction(record({}, LITE), 'upscale-2K', { ...ctx, offered: [LITE] }))).toEqual({
      ok: false,
      message: 'No model I offer right now makes 2K pictures, so I cannot upscale this one.',
    });
    // Pro cannot make Flash's extreme ratios: said before anything is queued.
    const wide = planAction(record({ aspectRatio: '8:1' }, FLASH), 'upscale-4K', { ...ctx, offered: [PRO] });
    expect(inEnglish(wide)).toMatchObject({
      ok: false,
      message: expect.stringContaining('does not make 8:1'),
    });
  });

  test('a picture whose model is no longer offered cannot be rerolled, and says so', () => {
    expect(inEnglish(planAction(record({}, LITE), 'reroll', ctx))).toMatchObject({
      ok: false,
      message: expect.stringContaining(LITE),
    });
  });

  test('an upload whose link has expired (or is about to) stops Reroll and Remix, and says to run /edit again', () => {
    // Discord's signed links: `ex` is when the link stops working, in hex seconds.
    const link = (expiresAt: number) =>
      `https://cdn.discordapp.com/attachments/1/2/hat.png?ex=${Math.floor(expiresAt / 1000).toString(16)}&is=0&hm=ab&`;
    const withLink = (url: string) => record({ inputs: [{ kind: 'link', filename: 'hat.png', url }] });
    const gone = {
      ok: false,
      message:
        'The images uploaded for this picture are gone from Discord (uploads last about a day), so I cannot make it again. Run `/edit` again with them.',
    };
    for (const expiresAt of [NOW - 1000, NOW + 60_000]) {
      expect(inEnglish(planAction(withLink(link(expiresAt)), 'reroll', ctx))).toEqual(gone);
      expect(inEnglish(planAction(withLink(link(expiresAt)), 'remix', { ...ctx, prompt: 'a wolf' }))).toEqual(
        gone,
      );
    }
    // An hour left is enough; a link that does not say when it ends is tried.
    expect(planAction(withLink(link(NOW + 3_600_000)), 'reroll', ctx).ok).toBe(true);
    expect(planAction(withLink('https://cdn.discordapp.com/hat.png'), 'reroll', ctx).ok).toBe(true);
    // Vary and Upscale use the result's own picture, whose message always gives a fresh link.
    expect(planAction(withLink(link(NOW - 1000)), 'vary-subtle', ctx).ok).toBe(true);
    // A kept image of a message is fetched again, so it never expires.
    const ofMessage = record({
      inputs: [{ kind: 'attachment', filename: 'a.png', channelId: 'c', messageId: 'm', index: 0 }],
    });
    expect(uploadsGone(ofMessage.request, NOW)).toBeUndefined();
  });

  test('a link’s end is read from its `ex` (hex seconds); anything else is unknown', () => {
    expect(linkExpiresAt('https://cdn.discordapp.com/a.png?ex=6752c2f0&is=67517170&hm=ab&')).toBe(
      0x6752c2f0 * 1000,
    );
    for (const url of [
      'https://cdn.discordapp.com/a.png',
      'https://x/a.png?ex=zz',
      'not a url',
      'https://x/?ex=',
    ]) {
      expect(linkExpiresAt(url)).toBeUndefined();
    }
  });

  test('Upscale offers only sizes above the picture’s that an offered model makes', () => {
    expect(upscaleSizes([FLASH], undefined)).toEqual(['2K', '4K']);
    expect(upscaleSizes([FLASH], '2K')).toEqual(['4K']);
    expect(upscaleSizes([FLASH], '4K')).toEqual([]);
    expect(upscaleSizes([LITE], '1K')).toEqual([]);
  });
});

describe('the buttons under a result', () => {
  const ids = (rows: ReturnType<typeof controlRows>) =>
    rows.flatMap((r) => r.components.map((c) => ('custom_id' in c ? c.custom_id : '')));

  test('one picture: every action as a button, two rows, Upscale hidden when nothing can upscale', () => {
    const withUpscale = ids(controlRows(ENGLISH, { id: 'A'.repeat(16), upscaleSizes: ['2K', '4K'] }, 1));
    expect(withUpscale.map((id) => id.split(':')[1])).toEqual(ONE_PICTURE_ACTIONS);
    expect(
      ids(controlRows(ENGLISH, { id: 'A'.repeat(16), upscaleSizes: [] }, 1)).some((id) =>
        id.includes('upscale'),
      ),
    ).toBe(false);
  });

  test('several pictures: a menu whose options each say which picture, within Discord’s 25', () => {
    const rows = controlRows(ENGLISH, { id: 'A'.repeat(16), upscaleSizes: ['2K', '4K'] }, 10);
    const menu = rows[1]!.components[0]!;
    if (!('options' in menu)) throw new Error('no menu');
    expect(menu.options.length).toBeLessThanOrEqual(25);
    expect(menu.options[0]).toMatchObject({ label: 'Picture 1: Vary (subtle)', value: 'vary-subtle:1' });
    expect(menu.options.at(-1)).toMatchObject({ label: 'Picture 5: Upscale 4K', value: 'upscale-4K:5' });
  });
});

describe('who may delete', () => {
  test.each([
    ['the author', { userId: 'a', ownerId: 'a', canManageMessages: false }, true],
    ['a moderator', { userId: 'm', ownerId: 'a', canManageMessages: true }, true],
    ['another member', { userId: 'b', ownerId: 'a', canManageMessages: false }, false],
  ])('%s: %s', (_who, facts, allowed) => {
    expect(mayDelete(facts)).toBe(allowed);
  });
});
