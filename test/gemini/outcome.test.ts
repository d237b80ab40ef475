import { describe, expect, test } from 'vitest';
import { said } from '../support/said.js';
import {
  MAX_IMAGE_BYTES_PER_RESPONSE,
  MAX_IMAGES_PER_RESPONSE,
  MAX_REPLAY_TEXT,
  responseToOutcome,
} from '../../src/gemini/outcome.js';
import { sniffType } from '../../src/images/sniff.js';
import { jpeg, png } from '../support/images.js';

/** The parser as the adapter runs it, typing images by their bytes. */
const toOutcome = (response: unknown) => responseToOutcome(response, sniffType);

const PNG = (await png(8, 8)).toString('base64');
const PNG2 = (await png(16, 8, { r: 1, g: 2, b: 3 })).toString('base64');
const JPEG = (await jpeg(8, 8)).toString('base64');

const candidate = (parts: unknown[], finishReason = 'STOP') => ({
  candidates: [{ content: { role: 'model', parts }, finishReason, index: 0 }],
  usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 1290, totalTokenCount: 1302 },
});

describe('responseToOutcome', () => {
  test('an image with text becomes an images outcome carrying both', async () => {
    const outcome = await toOutcome(
      candidate([{ text: 'Here you go.' }, { inlineData: { mimeType: 'image/png', data: PNG } }]),
    );
    expect(outcome.kind).toBe('images');
    if (outcome.kind !== 'images') return;
    expect(outcome.images).toHaveLength(1);
    expect(outcome.images[0]!.mimeType).toBe('image/png');
    expect(outcome.images[0]!.data.equals(Buffer.from(PNG, 'base64'))).toBe(true);
    expect(outcome.text).toBe('Here you go.');
    expect(outcome.usage).toEqual({
      promptTokens: 12,
      outputTokens: 1290,
      totalTokens: 1302,
      thoughtsTokens: 0,
    });
  });

  test('interim thought parts are never delivered, and signatures are kept for replay', async () => {
    const outcome = await toOutcome(
      candidate([
        { text: 'Composing…', thought: true },
        { inlineData: { mimeType: 'image/png', data: PNG2 }, thought: true },
        { text: 'Done.', thoughtSignature: 'SIG-TEXT' },
        { inlineData: { mimeType: 'image/png', data: PNG }, thoughtSignature: 'SIG-IMG' },
      ]),
    );
    if (outcome.kind !== 'images') throw new Error(`expected images, got ${outcome.kind}`);
    expect(outcome.images).toHaveLength(1);
    expect(outcome.images[0]!.data.equals(Buffer.from(PNG, 'base64'))).toBe(true);
    expect(outcome.text).toBe('Done.');
    expect(outcome.modelParts).toEqual([
      { text: 'Done.', thoughtSignature: 'SIG-TEXT' },
      { imageIndex: 0, thoughtSignature: 'SIG-IMG' },
    ]);
  });

  test('several images in one answer are all kept, in order, with interleaved text joined', async () => {
    const outcome = await toOutcome(
      candidate([
        { text: 'First:' },
        { inlineData: { mimeType: 'image/png', data: PNG } },
        { text: 'Second:' },
        { inlineData: { mimeType: 'image/png', data: PNG2 } },
      ]),
    );
    if (outcome.kind !== 'images') throw new Error(`expected images, got ${outcome.kind}`);
    expect(outcome.images.map((i) => i.data.toString('base64'))).toEqual([PNG, PNG2]);
    expect(outcome.text).toBe('First:\n\nSecond:');
  });

  test('JPEG bytes declared as PNG are typed by their bytes', async () => {
    const outcome = await toOutcome(candidate([{ inlineData: { mimeType: 'image/png', data: JPEG } }]));
    if (outcome.kind !== 'images') throw new Error(`expected images, got ${outcome.kind}`);
    expect(outcome.images[0]).toMatchObject({ mimeType: 'image/jpeg', extension: 'jpg' });
  });

  test('bytes that are no image are dropped rather than delivered', async () => {
    const garbage = Buffer.from('definitely not an image').toString('base64');
    const outcome = await toOutcome(candidate([{ inlineData: { mimeType: 'image/png', data: garbage } }]));
    expect(outcome.kind).toBe('refused');
  });

  test('a text-only answer is shown as text', async () => {
    const outcome = await toOutcome(candidate([{ text: 'Which breed of dog would you like?' }]));
    expect(outcome).toMatchObject({ kind: 'text', text: 'Which breed of dog would you like?' });
  });

  test.each([
    'SAFETY',
    'IMAGE_SAFETY',
    'PROHIBITED_CONTENT',
    'IMAGE_PROHIBITED_CONTENT',
    'RECITATION',
    'IMAGE_RECITATION',
    'BLOCKLIST',
    'SPII',
    'NO_IMAGE',
    'IMAGE_OTHER',
    'OTHER',
  ])('a candidate that finished with %s is a refusal with its own explanation', async (reason) => {
    const outcome = await toOutcome({
      candidates: [{ finishReason: reason, finishMessage: 'Unable to show the generated image.' }],
    });
    expect(outcome).toMatchObject({
      kind: 'refused',
      source: 'output',
      reason,
      detail: 'Unable to show the generated image.',
    });
    if (outcome.kind === 'refused') expect(said(outcome.explanation)).toMatch(/Gemini/);
  });

  test('each output refusal reason is explained differently', async () => {
    const reasons = [
      'SAFETY',
      'IMAGE_SAFETY',
      'PROHIBITED_CONTENT',
      'RECITATION',
      'BLOCKLIST',
      'SPII',
      'NO_IMAGE',
    ];
    const texts = await Promise.all(
      reasons.map(async (r) => {
        const o = await toOutcome({ candidates: [{ finishReason: r }] });
        return o.kind === 'refused' ? said(o.explanation) : '';
      }),
    );
    expect(new Set(texts).size).toBe(reasons.length);
  });

  test.each([
    'SAFETY',
    'OTHER',
    'BLOCKLIST',
    'PROHIBITED_CONTENT',
    'IMAGE_SAFETY',
    'MODEL_ARMOR',
    'JAILBREAK',
  ])('a prompt blocked for %s is a prompt refusal', async (blockReason) => {
    const outcome = await toOutcome({ promptFeedback: { blockReason } });
    expect(outcome).toMatchObject({ kind: 'refused', source: 'prompt', reason: blockReason });
  });

  test('a refusal keeps the tokens Gemini counted, since the prompt may still be billed', async () => {
    const blockedPrompt = await toOutcome({
      promptFeedback: { blockReason: 'SAFETY' },
      usageMetadata: { promptTokenCount: 300, totalTokenCount: 300 },
    });
    expect(blockedPrompt).toMatchObject({ kind: 'refused', usage: { promptTokens: 300, outputTokens: 0 } });
    const blockedOutput = await toOutcome(candidate([], 'IMAGE_SAFETY'));
    expect(blockedOutput).toMatchObject({ kind: 'refused', usage: { promptTokens: 12, outputTokens: 1290 } });
  });

  test('an answer without candidates or feedback is still explained', async () => {
    expect(await toOutcome({ candidates: [] })).toMatchObject({ kind: 'refused' });
    expect(await toOutcome({})).toMatchObject({ kind: 'refused' });
  });

  test('text that finished for a safety reason is a refusal, not a text answer', async () => {
    const outcome = await toOutcome(candidate([{ text: 'I started to…' }], 'SAFETY'));
    expect(outcome).toMatchObject({ kind: 'refused', reason: 'SAFETY' });
  });

  test('an image is delivered even when finishReason is unusual', async () => {
    const outcome = await toOutcome(
      candidate([{ inlineData: { mimeType: 'image/png', data: PNG } }], 'MAX_TOKENS'),
    );
    expect(outcome.kind).toBe('images');
  });

  test('a response that is not an object is a failure value, not a throw', async () => {
    expect(await toOutcome(null)).toMatchObject({ kind: 'failed' });
    expect(await toOutcome('oops')).toMatchObject({ kind: 'failed' });
  });
});

describe('responseToOutcome bounds what it keeps', () => {
  test(`a response with 20 images keeps the first ${MAX_IMAGES_PER_RESPONSE} and counts the rest`, async () => {
    const parts = Array.from({ length: 20 }, () => ({ inlineData: { mimeType: 'image/png', data: PNG } }));
    const outcome = await toOutcome({ candidates: [{ content: { parts }, finishReason: 'STOP' }] });
    expect(outcome).toMatchObject({ kind: 'images', omitted: 20 - MAX_IMAGES_PER_RESPONSE });
    if (outcome.kind === 'images') expect(outcome.images).toHaveLength(MAX_IMAGES_PER_RESPONSE);
  });

  test('images past the byte budget are counted, not kept: memory stays bounded whatever Gemini sends', async () => {
    // A PNG header and 9 MB behind it: typed as PNG by its bytes, large like a 4K picture.
    const big = Buffer.concat([Buffer.from(PNG, 'base64').subarray(0, 64), Buffer.alloc(9 * 1024 * 1024)]);
    const parts = Array.from({ length: 8 }, () => ({
      inlineData: { mimeType: 'image/png', data: big.toString('base64') },
    }));
    const outcome = await toOutcome({ candidates: [{ content: { parts }, finishReason: 'STOP' }] });
    if (outcome.kind !== 'images') throw new Error(`expected images, got ${outcome.kind}`);
    const kept = outcome.images.reduce((n, i) => n + i.data.length, 0);
    expect(kept).toBeLessThanOrEqual(MAX_IMAGE_BYTES_PER_RESPONSE);
    expect(outcome.images.length + (outcome.omitted ?? 0)).toBe(8);
    expect(outcome.omitted).toBeGreaterThan(0);
  });

  test('a long model text is kept whole for the member but cut for replay in later refines', async () => {
    // One ASCII letter first, so a cut at an even length would fall inside a surrogate pair.
    const long = `a${'🍌'.repeat(3000)}`;
    const outcome = await toOutcome({
      candidates: [
        { content: { parts: [{ text: long }, { inlineData: { mimeType: 'image/png', data: PNG } }] } },
      ],
    });
    if (outcome.kind !== 'images') throw new Error(`expected images, got ${outcome.kind}`);
    const replay = outcome.modelParts.find((p) => p.text !== undefined)!.text!;
    expect(replay.length).toBeLessThanOrEqual(MAX_REPLAY_TEXT);
    expect(replay).not.toMatch(/[\ud800-\udbff]$/);
  });
});
