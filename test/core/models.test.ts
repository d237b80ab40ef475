import { describe, expect, test } from 'vitest';
import { said } from '../support/said.js';
import { checkControls } from '../../src/core/model-controls.js';
import {
  COMMON_ASPECT_RATIOS,
  DEFAULT_MODEL,
  knownModels,
  maxReferenceImages,
  modelInfo,
  offeredRatios,
  offeredSizes,
  pricePerImage,
  supportsSize,
  usesThoughtSignatures,
} from '../../src/core/models.js';

describe('the model catalogue', () => {
  test('the default model is a current one, and the retired one says when it went and what replaces it', () => {
    expect(DEFAULT_MODEL).toBe('gemini-3.1-flash-image');
    expect(modelInfo(DEFAULT_MODEL).status.kind).toBe('ga');
    expect(modelInfo('gemini-2.5-flash-image').status).toEqual({
      kind: 'shut-down',
      on: '2026-10-02',
      replacement: 'gemini-3.1-flash-image',
    });
  });

  test.each([
    ['gemini-3.1-flash-image', ['512', '1K', '2K', '4K'], 14, 14, true, ['minimal', 'high']],
    ['gemini-3-pro-image', ['1K', '2K', '4K'], 10, 14, true, []],
    ['gemini-3.1-flash-lite-image', ['1K'], 14, 14, true, []],
    ['gemini-2.5-flash-image', ['1K'], 10, 3, false, []],
  ])('%s: sizes %j, %i ratios, %i references', (id, sizes, ratios, refs, signatures, levels) => {
    const info = modelInfo(id);
    expect(info.known).toBe(true);
    expect(info.sizes).toEqual(sizes);
    expect(info.aspectRatios).toHaveLength(ratios);
    expect(maxReferenceImages(id)).toBe(refs);
    expect(usesThoughtSignatures(id)).toBe(signatures);
    expect(info.thinkingLevels).toEqual(levels);
  });

  test('3.1 Flash adds the extreme ratios; grounding is where Google offers it', () => {
    expect(modelInfo('gemini-3.1-flash-image').aspectRatios).toEqual(
      expect.arrayContaining(['1:4', '4:1', '1:8', '8:1']),
    );
    expect(modelInfo('gemini-3.1-flash-image').search).toEqual({ web: true, image: true });
    expect(modelInfo('gemini-3-pro-image').search).toEqual({ web: true, image: false });
    expect(modelInfo('gemini-3-pro-image').thinking).toBe('always');
  });

  test('every known model has a price for each size it makes, and only for those', () => {
    for (const m of knownModels())
      expect(Object.keys(m.pricePerImageUsd).sort()).toEqual([...m.sizes].sort());
    expect(pricePerImage('gemini-3-pro-image', '4K')).toEqual({ usd: 0.24, estimated: false });
    expect(pricePerImage('gemini-3.1-flash-image', '512')).toEqual({ usd: 0.045, estimated: false });
  });

  test('an unknown model gets conservative defaults and the dearest known 1K price, marked estimated', () => {
    const info = modelInfo('gemini-nano-banana-2.1');
    expect(info).toMatchObject({
      known: false,
      sizes: ['1K'],
      aspectRatios: COMMON_ASPECT_RATIOS,
      maxReferenceImages: 3,
      thinking: 'none',
      search: { web: false, image: false },
    });
    expect(pricePerImage('gemini-nano-banana-2.1')).toEqual({ usd: 0.134, estimated: true });
    expect(supportsSize('gemini-nano-banana-2.1', '2K')).toBe(false);
    // A Gemini 3 family id still replays signatures (the placeholder is harmless elsewhere).
    expect(usesThoughtSignatures('gemini-3.5-flash-image')).toBe(true);
    expect(usesThoughtSignatures('imagen-9')).toBe(false);
  });

  test('the options offered for several models are the union, in a stable order', () => {
    expect(offeredRatios(['gemini-3-pro-image'])).toEqual([...COMMON_ASPECT_RATIOS]);
    expect(offeredRatios(['gemini-3-pro-image', 'gemini-3.1-flash-image'])).toHaveLength(14);
    expect(offeredSizes(['gemini-3-pro-image', 'gemini-3.1-flash-lite-image'])).toEqual(['1K', '2K', '4K']);
  });
});

describe('checkControls', () => {
  test.each([
    [
      'gemini-3.1-flash-lite-image',
      { imageSize: '2K' },
      'gemini-3.1-flash-lite-image only makes 1K pictures.',
    ],
    ['gemini-3-pro-image', { imageSize: '512' }, 'gemini-3-pro-image makes 1K, 2K or 4K pictures, not 512.'],
    ['gemini-3-pro-image', { aspectRatio: '8:1' }, /does not make 8:1 pictures; it takes 1:1, .* or 21:9\./],
    ['gemini-3.1-flash-image', { referenceCount: 15 }, /at most 14 images in one request, not 15/],
    ['gemini-3.1-flash-lite-image', { search: true }, /cannot search Google/],
    ['gemini-3-pro-image', { thinkingLevel: 'high' }, /always thinks before drawing/],
    ['gemini-nano-banana-2.1', { thinkingLevel: 'minimal' }, /has no thinking level to set/],
  ] as const)('%s with %j is refused: %s', (model, controls, expected) => {
    expect(said(checkControls(model, controls))).toMatch(expected);
  });

  test.each([
    [
      'gemini-3.1-flash-image',
      { imageSize: '4K', aspectRatio: '1:8', referenceCount: 14, search: true, thinkingLevel: 'high' },
    ],
    ['gemini-3-pro-image', { imageSize: '2K', aspectRatio: '21:9', search: true }],
    ['gemini-3.1-flash-lite-image', { imageSize: '1K', search: false }],
    ['gemini-3-pro-image', {}],
  ] as const)('%s with %j fits', (model, controls) => {
    expect(checkControls(model, controls)).toBeUndefined();
  });
});
