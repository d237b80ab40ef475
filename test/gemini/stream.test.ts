import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { GeminiGate, InterimImage } from '../../src/core/generation.js';
import { ModelRoster } from '../../src/core/model-roster.js';
import { createGeminiAdapter } from '../../src/gemini/adapter.js';
import { classifyGeminiError } from '../../src/gemini/errors.js';
import { InlineImages } from '../../src/gemini/inline-images.js';
import { readAnswerStream, StreamBrokenError } from '../../src/gemini/stream.js';
import { sniffType } from '../../src/images/sniff.js';
import { startGeminiEmulator, type GeminiEmulator } from '../../src/playground/gemini/index.js';
import { png } from '../support/images.js';

const KEY = 'test-key-abcdefghijklmnop';
const log = pino({ level: 'silent' });
const b64 = (text: string) => Buffer.from(text).toString('base64');

async function* chunksOf(chunks: unknown[], fail?: Error): AsyncGenerator<unknown> {
  for (const chunk of chunks) yield chunk;
  if (fail) throw fail;
}

const candidate = (parts: unknown[], extra: Record<string, unknown> = {}) => ({
  candidates: [{ content: { role: 'model', parts }, index: 0, ...extra }],
});

const STREAM = [
  candidate([{ text: 'Composing', thought: true }]),
  candidate([{ text: ' the scene.', thought: true }]),
  candidate([{ inlineData: { mimeType: 'image/png', data: b64('draft one') }, thought: true }]),
  candidate([{ inlineData: { mimeType: 'image/png', data: b64('draft two') }, thought: true }]),
  {
    ...candidate(
      [
        { text: 'Here is ', thoughtSignature: 'sig-text' },
        { text: 'your image.' },
        { inlineData: { mimeType: 'image/png', data: b64('final') }, thoughtSignature: 'sig-image' },
      ],
      { finishReason: 'STOP', groundingMetadata: { webSearchQueries: ['fox'] } },
    ),
    usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 1120, totalTokenCount: 1125 },
    modelVersion: 'gemini-3-pro-image',
  },
];

describe('readAnswerStream', () => {
  test('reports interim images in order and builds the one response generateContent would give', async () => {
    const drafts: string[] = [];
    const answer = await readAnswerStream(chunksOf(STREAM), (d) =>
      drafts.push(`${d.number}:${d.data.toString()}`),
    );
    expect(drafts).toEqual(['1:draft one', '2:draft two']);
    expect(answer).toEqual({
      candidates: [
        {
          index: 0,
          finishReason: 'STOP',
          groundingMetadata: { webSearchQueries: ['fox'] },
          content: {
            role: 'model',
            parts: [
              { text: 'Composing the scene.', thought: true },
              { inlineData: { mimeType: 'image/png', data: b64('draft one') }, thought: true },
              { inlineData: { mimeType: 'image/png', data: b64('draft two') }, thought: true },
              // Fragments join, and each signature stays on the part Gemini put it on.
              { text: 'Here is your image.', thoughtSignature: 'sig-text' },
              { inlineData: { mimeType: 'image/png', data: b64('final') }, thoughtSignature: 'sig-image' },
            ],
          },
        },
      ],
      usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 1120, totalTokenCount: 1125 },
      modelVersion: 'gemini-3-pro-image',
    });
  });

  test('a throwing draft callback costs the preview, not the answer', async () => {
    const answer = await readAnswerStream(chunksOf(STREAM), () => {
      throw new Error('preview broke');
    });
    expect(answer.candidates).toHaveLength(1);
  });

  test('a blocked prompt (promptFeedback, no candidates) passes through for the outcome parser', async () => {
    const answer = await readAnswerStream(chunksOf([{ promptFeedback: { blockReason: 'SAFETY' } }]));
    expect(answer).toEqual({ promptFeedback: { blockReason: 'SAFETY' } });
  });

  test.each([
    [
      'a reset connection',
      [STREAM[0]],
      Object.assign(new TypeError('terminated'), { cause: { code: 'UND_ERR_SOCKET' } }),
    ],
    ['a truncated event', [STREAM[0], STREAM[2]], new Error('Incomplete JSON segment at the end')],
    [
      'an error event after content',
      [STREAM[0]],
      Object.assign(new Error('got status: INVALID_ARGUMENT. {}'), { status: 400 }),
    ],
    ['a clean close before the finishReason', [STREAM[0], STREAM[2]], undefined],
    ['a close before any chunk', [], undefined],
  ])('%s is a broken stream: a retryable network failure', async (_name, chunks, fail) => {
    const error = await readAnswerStream(chunksOf(chunks, fail)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamBrokenError);
    expect(classifyGeminiError(error)).toMatchObject({ kind: 'network', retryable: true });
  });

  test('a timeout mid-stream stays a timeout, and an error event before any chunk is the answer', async () => {
    const abort = new DOMException('This operation was aborted', 'AbortError');
    const timedOut = await readAnswerStream(chunksOf([STREAM[0]], abort)).catch((e: unknown) => e);
    expect(classifyGeminiError(timedOut)).toMatchObject({ kind: 'timeout', retryable: true });
    const rejected = Object.assign(new Error('got status: INVALID_ARGUMENT. {}'), { status: 400 });
    const first = await readAnswerStream(chunksOf([], rejected)).catch((e: unknown) => e);
    expect(classifyGeminiError(first)).toMatchObject({ kind: 'bad-request', retryable: false });
  });
});

describe('the adapter with previews, against the emulator', () => {
  let gemini: GeminiEmulator;
  beforeAll(async () => {
    gemini = await startGeminiEmulator({ apiKey: KEY });
  });
  afterAll(() => gemini.stop());
  beforeEach(() => gemini.reset());

  function adapter(model = 'gemini-3-pro-image', timeoutMs = 5000) {
    const gate: GeminiGate = { schedule: (fn) => fn(), backOff: () => undefined };
    return createGeminiAdapter({
      apiKey: KEY,
      models: new ModelRoster([{ name: 'default', model }]),
      baseUrl: gemini.baseUrl,
      timeoutMs,
      imageType: sniffType,
      retry: { maxAttempts: 3, budgetMs: 10_000, baseDelayMs: 10, maxDelayMs: 50 },
      gate,
      log,
      previews: true,
    });
  }

  test.each([
    ['without input images', false],
    ['with an input image (our own sender)', true],
  ])(
    '%s: each draft arrives while Gemini is still answering, and only the final image is the result',
    async (_name, withImage) => {
      gemini.enqueue({ kind: 'image', thoughtImages: 2, stream: { chunkLatencyMs: 150 } });
      const drafts: (InterimImage & { at: number })[] = [];
      const images = withImage ? [{ mimeType: 'image/png', data: await png(8, 8) }] : [];
      const outcome = await adapter().generate(
        { prompt: 'a fox', images },
        { onDraft: (d) => drafts.push({ ...d, at: Date.now() }) },
      );
      const done = Date.now();
      expect(drafts.map((d) => [d.number, d.attempt])).toEqual([
        [1, 1],
        [2, 1],
      ]);
      // Not buffered until the end: the first draft came two chunk gaps before the answer.
      expect(done - drafts[0]!.at).toBeGreaterThanOrEqual(250);
      if (outcome.kind !== 'images') throw new Error(`expected images, got ${outcome.kind}`);
      expect(outcome.images).toHaveLength(1);
      expect(drafts.some((d) => d.data.equals(outcome.images[0]!.data))).toBe(false);
      expect(outcome.images[0]!.thoughtSignature).toEqual(expect.any(String));
      expect(outcome.modelParts.every((p) => p.thoughtSignature)).toBe(true);
      expect(outcome.usage).toMatchObject({ thoughtsTokens: 240 });
      expect(gemini.requests[0]).toMatchObject({ route: 'streamGenerateContent', sse: true, chunks: 4 });
    },
  );

  test('chunks seconds apart still end in the draft and the picture, on both senders', async () => {
    // Real Gemini can think for seconds between chunks, so nothing on the way (the SDK's reader,
    // our body transforms, either sender) may need the next one sooner. Both senders at once (the
    // SDK's fetch without images, ours with one), so the test costs one slow stream, not two.
    gemini.setDefault({ kind: 'image', thoughtImages: 1, stream: { chunkLatencyMs: 4000 } });
    const input = await png(8, 8);
    const runs = [[], [{ mimeType: 'image/png', data: input }]].map(async (images) => {
      const drafts: InterimImage[] = [];
      const outcome = await adapter('gemini-3-pro-image', 30_000).generate(
        { prompt: 'a slow fox', images },
        { onDraft: (d) => drafts.push(d) },
      );
      return { outcome, drafts };
    });
    for (const { outcome, drafts } of await Promise.all(runs)) {
      expect(outcome.kind).toBe('images');
      expect(drafts).toHaveLength(1);
    }
    expect(gemini.requests.map((r) => [r.chunks, r.aborted])).toEqual([
      [3, false],
      [3, false],
    ]);
  }, 20_000);

  test.each([
    ['without input images', false],
    ['with an input image (our own sender)', true],
  ])('%s: a stream still going at the attempt deadline ends as a timeout', async (_name, withImage) => {
    gemini.setDefault({ kind: 'image', thoughtImages: 2, stream: { chunkLatencyMs: 400 } });
    const images = withImage ? [{ mimeType: 'image/png', data: await png(8, 8) }] : [];
    const drafts: InterimImage[] = [];
    const outcome = await adapter('gemini-3-pro-image', 1000).generate(
      { prompt: 'a fox', images },
      { onDraft: (d) => drafts.push(d) },
    );
    expect(outcome).toMatchObject({ kind: 'failed', error: { kind: 'timeout', retryable: true } });
    expect(gemini.requests).toHaveLength(3);
    expect(drafts.length).toBeGreaterThanOrEqual(3);
  });

  test.each([
    ['without input images', false],
    ['with an input image (our own sender)', true],
  ])(
    '%s: an 11 MB picture in one event is read within an attempt deadline it once overran',
    async (_name, withImage) => {
      gemini.enqueue({ kind: 'image', bytes: 11 * 1024 * 1024, thoughts: false });
      const images = withImage ? [{ mimeType: 'image/png', data: await png(8, 8) }] : [];
      // Fed 64 KiB reads, the SDK's reader took about 8 s for this, so a 6 s attempt deadline
      // ended it as a timeout; regrouped by event it takes about 0.7 s (the speed itself is the
      // benchmark's to measure, not this test's).
      const outcome = await adapter('gemini-3-pro-image', 6000).generate({ prompt: 'huge', images });
      expect(outcome.kind).toBe('images');
    },
    20_000,
  );

  test.each([
    ['a connection reset', { breakAfterChunks: 2 }],
    ['an error event', { errorAfterChunks: 2 }],
  ])('%s midway is retried through the adapter, and the retry delivers', async (_name, stream) => {
    gemini.enqueue({ kind: 'image', thoughtImages: 2, stream });
    const drafts: InterimImage[] = [];
    const outcome = await adapter().generate(
      { prompt: 'a fox', images: [] },
      { onDraft: (d) => drafts.push(d) },
    );
    expect(outcome.kind).toBe('images');
    expect(gemini.requests).toHaveLength(2);
    // The broken attempt's draft, then the retry's own: the attempt tells them apart.
    expect(drafts.map((d) => [d.attempt, d.number])).toEqual([
      [1, 1],
      [2, 1],
    ]);
  });
});

describe('our own sender (InlineImages) passes a streamed answer through as it comes', () => {
  let server: Server;
  let release: () => void = () => undefined;
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"n":1}\n\n');
      release = () => res.end('data: {"n":2}\n\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('the first event is readable before the server has sent the rest', async () => {
    const images = new InlineImages();
    const token = images.register(Buffer.from('image bytes'));
    const { port } = server.address() as AddressInfo;
    const response = await images.fetch(`http://127.0.0.1:${port}/stream`, {
      method: 'POST',
      body: JSON.stringify({ data: token }),
    });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('data: {"n":1}\n\n');
    release();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read())
      rest += new TextDecoder().decode(r.value);
    expect(rest).toBe('data: {"n":2}\n\n');
  });
});
