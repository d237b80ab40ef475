import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { GeminiGate } from '../../src/core/generation.js';
import { ModelRoster } from '../../src/core/model-roster.js';
import { createGeminiAdapter } from '../../src/gemini/adapter.js';
import { sniffType } from '../../src/images/sniff.js';
import type { ImageInput } from '../../src/core/images.js';
import type { Outcome } from '../../src/core/generation.js';
import { startGeminiEmulator, type GeminiEmulator } from '../../src/playground/gemini/index.js';
import { png } from '../support/images.js';

const KEY = 'test-key-abcdefghijklmnop';
const log = pino({ level: 'silent' });

/** A gate that lets everything through but records what it was asked. */
function recordingGate() {
  const calls = { scheduled: 0, backOffs: [] as number[] };
  const gate: GeminiGate = {
    schedule: (fn) => {
      calls.scheduled++;
      return fn();
    },
    backOff: (ms) => void calls.backOffs.push(ms),
  };
  return { gate, calls };
}

let gemini: GeminiEmulator;
beforeAll(async () => {
  gemini = await startGeminiEmulator({ apiKey: KEY });
});
afterAll(() => gemini.stop());
beforeEach(() => gemini.reset());

/** Every behaviour below holds on both routes: plain generateContent and the streamed one (PREVIEWS). */
let previews = false;

function adapter(
  model: string | ModelRoster = 'gemini-3.1-flash-image',
  over: Partial<Parameters<typeof createGeminiAdapter>[0]> = {},
) {
  const { gate, calls } = recordingGate();
  const a = createGeminiAdapter({
    apiKey: KEY,
    models: typeof model === 'string' ? new ModelRoster([{ name: 'default', model }]) : model,
    baseUrl: gemini.baseUrl,
    timeoutMs: 5000,
    imageType: sniffType,
    retry: { maxAttempts: 3, budgetMs: 10_000, baseDelayMs: 10, maxDelayMs: 50 },
    gate,
    log,
    previews,
    ...over,
  });
  return { a, calls };
}

const images = (o: Outcome) => (o.kind === 'images' ? o.images : []);

/**
 * Requests without images go through the SDK's own fetch; requests with images through our
 * node:http sender (see InlineImages). Every fault path is exercised on both, with the image in
 * memory and in a file as the spool keeps it.
 */
const INPUT = await png(16, 16);
const INPUT_FILE = join(mkdtempSync(join(tmpdir(), 'adapter-')), 'input.png');
writeFileSync(INPUT_FILE, INPUT);
afterAll(() => rmSync(dirname(INPUT_FILE), { recursive: true, force: true }));
const VARIANTS = [
  { name: 'without input images', images: (): ImageInput[] => [], sent: (): Buffer[] => [] },
  {
    name: 'with an input image in memory',
    images: (): ImageInput[] => [{ mimeType: 'image/png', data: INPUT }],
    sent: () => [INPUT],
  },
  {
    name: 'with an input image in a file',
    images: (): ImageInput[] => [{ mimeType: 'image/png', data: { path: INPUT_FILE, size: INPUT.length } }],
    sent: () => [INPUT],
  },
];

describe.each([false, true])('Gemini adapter through the real SDK (previews: %s)', (streamed) => {
  beforeAll(() => {
    previews = streamed;
  });

  test('sends the prompt, aspect ratio and input images, and returns the image', async () => {
    const { a, calls } = adapter();
    const input = await png(32, 32);
    const outcome = await a.generate({
      prompt: 'a red fox',
      images: [{ mimeType: 'image/png', data: input }],
      aspectRatio: '16:9',
    });
    expect(outcome.kind).toBe('images');
    expect(images(outcome)[0]!.mimeType).toBe('image/png');
    const req = gemini.requests[0]!;
    expect(req.texts).toEqual(['a red fox']);
    expect(req.images[0]!.data.equals(input)).toBe(true);
    expect(req.generationConfig?.imageConfig?.aspectRatio).toBe('16:9');
    expect(req.generationConfig?.responseModalities).toEqual(['TEXT', 'IMAGE']);
    expect(req.route).toBe(streamed ? 'streamGenerateContent' : 'generateContent');
    expect(req.generationConfig?.thinkingConfig?.includeThoughts).toBe(streamed ? true : undefined);
    expect(calls.scheduled).toBe(1);
  });

  describe.each(VARIANTS)('$name', (variant) => {
    test('a 429 pauses the whole gate for the RetryInfo delay, then the retry succeeds', async () => {
      gemini.enqueue({ kind: 'error', status: 429, retryDelay: '0.2s' });
      const { a, calls } = adapter();
      const started = Date.now();
      const outcome = await a.generate({ prompt: 'x', images: variant.images() });
      expect(outcome.kind).toBe('images');
      expect(calls.backOffs).toEqual([200]);
      expect(calls.scheduled).toBe(2);
      expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    });

    test('persistent 503s end as a failure after the bounded number of attempts', async () => {
      gemini.setDefault({ kind: 'error', status: 503 });
      const { a, calls } = adapter();
      const outcome = await a.generate({ prompt: 'x', images: variant.images() });
      expect(outcome).toMatchObject({ kind: 'failed', error: { kind: 'unavailable', status: 503 } });
      expect(calls.scheduled).toBe(3);
      expect(gemini.requests).toHaveLength(3);
      // Every attempt carried the whole image again.
      for (const req of gemini.requests) expect(req.images.map((i) => i.data)).toEqual(variant.sent());
    });

    test('a hanging Gemini is cut off by the attempt deadline and reported as a timeout', async () => {
      gemini.setDefault({ kind: 'hang' });
      const { a } = adapter('gemini-3.1-flash-image', {
        timeoutMs: 150,
        retry: { maxAttempts: 2, budgetMs: 5000, baseDelayMs: 10, maxDelayMs: 20 },
      });
      const outcome = await a.generate({ prompt: 'x', images: variant.images() });
      expect(outcome).toMatchObject({ kind: 'failed', error: { kind: 'timeout' } });
      expect(gemini.requests).toHaveLength(2);
    });

    test('a wrong API key is an operator error and is not retried', async () => {
      const { a } = adapter('gemini-3.1-flash-image', { apiKey: 'wrong-key-0000000000' });
      const outcome = await a.generate({ prompt: 'x', images: variant.images() });
      expect(outcome).toMatchObject({ kind: 'failed', error: { kind: 'misconfigured', retryable: false } });
      expect(gemini.requests).toHaveLength(1);
    });

    test('an unknown model is an operator error', async () => {
      const { a } = adapter('gemini-9-imaginary');
      expect(await a.generate({ prompt: 'x', images: variant.images() })).toMatchObject({
        kind: 'failed',
        error: { kind: 'misconfigured', status: 404 },
      });
    });

    test('cancelling stops a job waiting between retries', async () => {
      gemini.setDefault({ kind: 'error', status: 503 });
      const { a } = adapter('gemini-3.1-flash-image', {
        retry: { maxAttempts: 5, budgetMs: 60_000, baseDelayMs: 5000, maxDelayMs: 5000 },
      });
      const controller = new AbortController();
      const p = a.generate({ prompt: 'x', images: variant.images() }, { signal: controller.signal });
      await gemini.waitForRequests(1);
      await new Promise((r) => setTimeout(r, 50));
      controller.abort(new Error('shutting down'));
      await expect(p).rejects.toThrow('shutting down');
    });

    test('cancelling stops an attempt in flight', async () => {
      gemini.setDefault({ kind: 'hang' });
      const { a } = adapter();
      const controller = new AbortController();
      const p = a.generate({ prompt: 'x', images: variant.images() }, { signal: controller.signal });
      await gemini.waitForRequests(1);
      controller.abort(new Error('shutting down'));
      await expect(p).rejects.toThrow('shutting down');
    });
  });

  test('a Gemini 3 refine replays the model turn with its signatures and the previous image', async () => {
    const { a } = adapter('gemini-3-pro-image');
    const first = await a.generate({ prompt: 'a castle', images: [] });
    if (first.kind !== 'images') throw new Error(`expected images, got ${first.kind}`);
    expect(first.modelParts.some((p) => p.thoughtSignature)).toBe(true);

    const second = await a.generate({
      prompt: 'make it night',
      images: [],
      history: [{ prompt: 'a castle', modelParts: first.modelParts }],
      previousImage: { mimeType: first.images[0]!.mimeType, data: first.images[0]!.data },
    });
    expect(second.kind).toBe('images');
    const req = gemini.requests[1]!;
    expect(req.texts).toEqual(['make it night']);
    const modelTurn = req.history.find((c) => c.role === 'model')!;
    const imagePart = modelTurn.parts!.find((p) => p.inlineData)!;
    expect(imagePart.thoughtSignature).toBe(first.images[0]!.thoughtSignature);
    expect(Buffer.from(imagePart.inlineData!.data!, 'base64').equals(first.images[0]!.data)).toBe(true);
  });

  test('a Gemini 3 refine of a picture without stored signatures uses the documented placeholder', async () => {
    const { a } = adapter('gemini-3-pro-image');
    const outcome = await a.generate({
      prompt: 'warmer light',
      images: [],
      history: [{ prompt: 'a castle', modelParts: [{ imageIndex: 0 }] }],
      previousImage: { mimeType: 'image/png', data: await png(16, 16) },
    });
    expect(outcome.kind).toBe('images');
  });

  test.each([
    [{ kind: 'blockedOutput' as const, finishReason: 'IMAGE_SAFETY' as const }, 'refused'],
    [{ kind: 'blockedPrompt' as const, blockReason: 'JAILBREAK' as const }, 'refused'],
    [{ kind: 'text' as const, text: 'What colour?' }, 'text'],
    [{ kind: 'noCandidates' as const }, 'refused'],
    [{ kind: 'image' as const, count: 3 }, 'images'],
    [{ kind: 'image' as const, format: 'jpeg' as const, declaredMimeType: 'image/png' }, 'images'],
  ])('emulated answer %j becomes a %s outcome', async (behaviour, kind) => {
    gemini.enqueue(behaviour);
    const { a } = adapter();
    const outcome = await a.generate({ prompt: 'x', images: [] });
    expect(outcome.kind).toBe(kind);
    if ('count' in behaviour) expect(images(outcome)).toHaveLength(3);
    if ('format' in behaviour) expect(images(outcome)[0]!.mimeType).toBe('image/jpeg');
  });
});
