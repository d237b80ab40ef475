import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { GeminiGate, GenerateRequest, ModelDirectory, ModelLookup } from '../../src/core/generation.js';
import { ModelRoster, type OfferedModel } from '../../src/core/model-roster.js';
import { createGeminiAdapter } from '../../src/gemini/adapter.js';
import { checkOfferedModels, NoUsableModelError } from '../../src/gemini/model-check.js';
import { buildContents, buildGenerationConfig, PLACEHOLDER_SIGNATURE } from '../../src/gemini/request.js';
import { sniffType } from '../../src/images/sniff.js';
import { startGeminiEmulator, type GeminiEmulator } from '../../src/playground/gemini/index.js';

const KEY = 'test-key-abcdefghijklmnop';
const gate: GeminiGate = { schedule: (fn) => fn(), backOff: () => undefined };

/** A logger that keeps every line, to assert what operators are told. */
function recordingLog() {
  const lines: { level: number; msg: string; [key: string]: unknown }[] = [];
  const log = pino(
    { level: 'trace' },
    { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) },
  );
  return { log, lines };
}

const roster = (...models: string[]) =>
  new ModelRoster(models.map((model, i): OfferedModel => ({ name: `m${i}`, model })));

const req = (over: Partial<GenerateRequest> = {}): GenerateRequest => ({
  prompt: 'a kite',
  images: [],
  ...over,
});

describe('buildGenerationConfig sends each control only to a model that takes it', () => {
  const everything = req({ imageSize: '2K', aspectRatio: '8:1', thinkingLevel: 'high', search: true });
  test.each([
    [
      'gemini-3.1-flash-image',
      {
        imageConfig: { imageSize: '2K', aspectRatio: '8:1' },
        thinkingConfig: { thinkingLevel: 'HIGH' },
        tools: [{ googleSearch: {} }],
      },
    ],
    ['gemini-3-pro-image', { imageConfig: { imageSize: '2K' }, tools: [{ googleSearch: {} }] }],
    ['gemini-3.1-flash-lite-image', { imageConfig: { aspectRatio: '8:1' } }],
    ['gemini-nano-banana-9', {}],
  ])('%s', (model, expected) => {
    const config = buildGenerationConfig(everything, model);
    expect(config).toEqual({ responseModalities: ['TEXT', 'IMAGE'], ...expected });
  });

  test('a plain request sends no imageConfig, thinkingConfig or tools at all', () => {
    expect(buildGenerationConfig(req(), 'gemini-3.1-flash-image')).toEqual({
      responseModalities: ['TEXT', 'IMAGE'],
    });
  });

  test.each([
    ['gemini-3-pro-image', true],
    ['gemini-3.1-flash-lite-image', true],
    ['gemini-2.5-flash-image', false],
    ['gemini-nano-banana-9', false],
  ])('%s replays signatures: %s', (model, signs) => {
    const contents = buildContents(
      req({ history: [{ prompt: 'first', modelParts: [{ text: 'ok' }] }] }),
      model,
      () => 'data',
    );
    expect(contents[1]!.parts![0]!.thoughtSignature).toBe(signs ? PLACEHOLDER_SIGNATURE : undefined);
  });
});

describe('the adapter against the emulator', () => {
  let gemini: GeminiEmulator;
  // Each test gets its own emulator: one of them retires a model.
  beforeEach(async () => {
    gemini = await startGeminiEmulator({ apiKey: KEY });
  });
  afterEach(() => gemini.stop());

  const adapter = (models: ModelRoster, log = pino({ level: 'silent' })) =>
    createGeminiAdapter({
      apiKey: KEY,
      models,
      baseUrl: gemini.baseUrl,
      timeoutMs: 5000,
      imageType: sniffType,
      retry: { maxAttempts: 2, budgetMs: 5000, baseDelayMs: 10, maxDelayMs: 50 },
      gate,
      log,
    });

  test('a request goes to its own model, or the first offered, and the outcome names it', async () => {
    const a = adapter(roster('gemini-3.1-flash-image', 'gemini-3-pro-image'));
    const first = await a.generate(req({ imageSize: '512', thinkingLevel: 'minimal', search: true }));
    const second = await a.generate(req({ model: 'gemini-3-pro-image', imageSize: '4K' }));
    expect(gemini.requests.map((r) => r.model)).toEqual(['gemini-3.1-flash-image', 'gemini-3-pro-image']);
    expect(gemini.requests[0]!.generationConfig).toMatchObject({
      imageConfig: { imageSize: '512' },
      thinkingConfig: { thinkingLevel: 'MINIMAL' },
    });
    expect(gemini.requests[0]!.tools).toEqual([{ googleSearch: {} }]);
    expect(gemini.requests[1]!.generationConfig?.imageConfig?.imageSize).toBe('4K');
    expect(gemini.requests[1]!.tools).toBeUndefined();
    expect(first).toMatchObject({
      kind: 'images',
      model: 'gemini-3.1-flash-image',
      grounding: { queries: ['a kite'] },
      usage: { thoughtsTokens: expect.any(Number) },
    });
    expect(second).toMatchObject({ kind: 'images', model: 'gemini-3-pro-image' });
  });

  test('a model that starts answering 404 mid-run is named to the operator once, with what to set', async () => {
    const { log, lines } = recordingLog();
    const a = adapter(roster('gemini-3-pro-image'), log);
    await a.generate(req());
    gemini.retireModel('gemini-3-pro-image');
    for (let i = 0; i < 3; i++) {
      expect(await a.generate(req())).toMatchObject({
        kind: 'failed',
        error: { kind: 'misconfigured', status: 404 },
      });
    }
    const told = lines.filter((l) => l.event === 'gemini.model.not-found');
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ level: 50, model: 'gemini-3-pro-image' });
    expect(told[0]!.msg).toMatch(
      /GEMINI_MODEL gemini-3-pro-image is not a model Gemini serves .*set GEMINI_MODEL=gemini-3\.1-flash-image/,
    );
  });

  test.each([
    ['gemini-3.1-flash-image', 'normal', { kind: 'found', displayName: 'Nano Banana 2' }],
    [
      'gemini-2.5-flash-image',
      'normal',
      {
        kind: 'not-found',
        usable: ['gemini-3-pro-image', 'gemini-3.1-flash-image', 'gemini-3.1-flash-lite-image'],
      },
    ],
    [
      'gemini-2.5-flash-image',
      'no-list',
      { kind: 'unavailable', reason: expect.stringMatching(/list could not be read/) },
    ],
    ['gemini-3.1-flash-image', 'error', { kind: 'unavailable', reason: expect.stringMatching(/500/) }],
    [
      'gemini-3.1-flash-image',
      'not-implemented',
      { kind: 'unavailable', reason: expect.stringMatching(/501/) },
    ],
    ['gemini-3.1-flash-image', 'hang', { kind: 'unavailable', reason: 'the lookup took too long' }],
  ] as const)('looking up %s with the Models API %s gives %j', async (model, mode, expected) => {
    gemini.setModelsApi(mode);
    const lookup = await adapter(roster(model)).lookUpModel(model, AbortSignal.timeout(300));
    expect(lookup).toEqual({ model, ...expected });
  });
});

describe('checkOfferedModels', () => {
  const directory = (
    answers: Record<string, ModelLookup['kind']>,
    usable = ['gemini-3.1-flash-image'],
  ): ModelDirectory => ({
    lookUpModel: async (model) => {
      const kind = answers[model] ?? 'found';
      if (kind === 'not-found') return { kind, model, usable };
      if (kind === 'unavailable') return { kind, model, reason: '503 UNAVAILABLE' };
      return { kind, model };
    },
  });

  test('a retired model among good ones is withdrawn with an error naming it, what to set and what the key can use', async () => {
    const { log, lines } = recordingLog();
    const models = new ModelRoster(
      [
        { name: 'old', model: 'gemini-2.5-flash-image' },
        { name: 'pro', model: 'gemini-3-pro-image' },
      ],
      'GEMINI_MODELS',
    );
    await checkOfferedModels(directory({ 'gemini-2.5-flash-image': 'not-found' }), models, log);
    expect(models.offered.map((m) => m.name)).toEqual(['pro']);
    expect(models.defaultModel).toBe('gemini-3-pro-image');
    const error = lines.find((l) => l.event === 'gemini.model.not-found')!;
    expect(error.level).toBe(50);
    expect(error.msg).toBe(
      'The GEMINI_MODELS entry gemini-2.5-flash-image was shut down by Google on 2026-10-02 (Gemini answers 404 NOT_FOUND for it): replace it in GEMINI_MODELS with gemini-3.1-flash-image. Image models this key can use: gemini-3.1-flash-image.',
    );
  });

  test('when no offered model is usable the check throws, so the bot does not go online', async () => {
    const { log } = recordingLog();
    const models = roster('gemini-2.5-flash-image');
    await expect(
      checkOfferedModels(directory({ 'gemini-2.5-flash-image': 'not-found' }), models, log),
    ).rejects.toThrow(NoUsableModelError);
  });

  test('a lookup that cannot be made only warns and keeps the model; a known-retired one is also named', async () => {
    const { log, lines } = recordingLog();
    const models = roster('gemini-3.1-flash-image', 'gemini-2.5-flash-image');
    await checkOfferedModels(
      directory({ 'gemini-3.1-flash-image': 'unavailable', 'gemini-2.5-flash-image': 'unavailable' }),
      models,
      log,
    );
    expect(models.offered).toHaveLength(2);
    expect(lines.filter((l) => l.event === 'gemini.model.lookup-unavailable').map((l) => l.level)).toEqual([
      40, 40,
    ]);
    expect(lines.find((l) => l.event === 'gemini.model.shut-down')?.msg).toMatch(
      /shut down by Google on 2026-10-02/,
    );
  });

  test('an unknown model is warned about with the defaults it gets and the price it is budgeted at', async () => {
    const { log, lines } = recordingLog();
    await checkOfferedModels(directory({}), roster('gemini-nano-banana-2.1'), log);
    const warning = lines.find((l) => l.event === 'gemini.model.unknown')!;
    expect(warning.level).toBe(40);
    expect(warning.msg).toMatch(
      /not in the bot's model catalogue.*1K pictures.*3 input images.*\$0\.134 per picture/,
    );
  });

  test('a lookup that never answers is cut off by the deadline', async () => {
    const { log, lines } = recordingLog();
    const hanging: ModelDirectory = {
      lookUpModel: (model, signal) =>
        new Promise((resolve) =>
          signal?.addEventListener('abort', () =>
            resolve({ kind: 'unavailable', model, reason: 'the lookup took too long' }),
          ),
        ),
    };
    const started = Date.now();
    await checkOfferedModels(hanging, roster('gemini-3.1-flash-image'), log, { timeoutMs: 100 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(lines.some((l) => l.event === 'gemini.model.lookup-unavailable')).toBe(true);
  });
});
