import {
  ApiError,
  GoogleGenAI,
  type GenerateContentResponse,
  type HttpOptions,
  type Part,
} from '@google/genai';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  DEFAULT_MODELS,
  PLACEHOLDER_THOUGHT_SIGNATURE,
  startGeminiEmulator,
  type BlockedOutputReason,
  type GeminiEmulator,
  type GeminiEmulatorOptions,
  type GoogleErrorBody,
  type PromptBlockReason,
} from '../../src/playground/gemini/index.js';

const API_KEY = 'emulator-test-key';
const FLASH = 'gemini-3.1-flash-image';
/** Shut down since 2026-10-02: served only by an emulator told to (the world before the shutdown). */
const LEGACY_FLASH = 'gemini-2.5-flash-image';
const PRO = 'gemini-3-pro-image';
const MiB = 1024 * 1024;

let emulator: GeminiEmulator;
let ai: GoogleGenAI;

function clientFor(target: GeminiEmulator, httpOptions: HttpOptions = {}, apiKey = API_KEY): GoogleGenAI {
  return new GoogleGenAI({ apiKey, httpOptions: { baseUrl: target.baseUrl, ...httpOptions } });
}

/** A throwaway emulator for tests that need their own options; stopped even when the test fails. */
async function withEmulator(options: GeminiEmulatorOptions, run: (own: GeminiEmulator) => Promise<void>) {
  const own = await startGeminiEmulator({ apiKey: API_KEY, ...options });
  try {
    await run(own);
  } finally {
    await own.stop();
  }
}

function partsOf(response: GenerateContentResponse): Part[] {
  return response.candidates?.[0]?.content?.parts ?? [];
}

/** The parts a user would get: Gemini 3's interim thoughts left out. */
function finalPartsOf(response: GenerateContentResponse): Part[] {
  return partsOf(response).filter((part) => !part.thought);
}

async function decodeImage(part: Part | undefined) {
  const data = Buffer.from(part?.inlineData?.data ?? '', 'base64');
  const { format, width, height } = await sharp(data).metadata();
  return { data, format, width, height, declaredMimeType: part?.inlineData?.mimeType };
}

async function apiErrorOf(call: Promise<unknown>): Promise<{ status: number; body: GoogleErrorBody }> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ApiError);
  const apiError = error as ApiError;
  return { status: apiError.status, body: JSON.parse(apiError.message) as GoogleErrorBody };
}

function generate(model: string, prompt: string, config: Record<string, unknown> = {}) {
  return ai.models.generateContent({ model, contents: prompt, config });
}

beforeAll(async () => {
  emulator = await startGeminiEmulator({ apiKey: API_KEY });
  ai = clientFor(emulator);
});

afterAll(async () => {
  await emulator.stop();
});

beforeEach(() => {
  emulator.reset();
});

describe('image answers', () => {
  test('the default answer to 3.1 Flash at 16:9 is a text part and a 1376x768 PNG, and the request is recorded', async () => {
    const response = await generate(FLASH, 'a banana on the moon', {
      responseModalities: ['TEXT', 'IMAGE'],
      imageConfig: { aspectRatio: '16:9' },
    });

    const [textPart, imagePart] = finalPartsOf(response);
    expect(textPart?.text).toBe('Here is your image.');
    expect(await decodeImage(imagePart)).toMatchObject({
      format: 'png',
      width: 1376,
      height: 768,
      declaredMimeType: 'image/png',
    });
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    expect(response.modelVersion).toBe(FLASH);
    expect(response.responseId).toEqual(expect.any(String));
    expect(response.usageMetadata?.candidatesTokensDetails).toContainEqual({
      modality: 'IMAGE',
      tokenCount: 1120,
    });

    const [recorded] = emulator.requests;
    expect(recorded).toMatchObject({
      model: FLASH,
      apiVersion: 'v1beta',
      texts: ['a banana on the moon'],
      status: 200,
      behaviour: 'image',
      history: [],
    });
    expect(recorded?.generationConfig?.imageConfig?.aspectRatio).toBe('16:9');
    expect(recorded?.headers['x-goog-api-key']).toBe(API_KEY);
  });

  test.each([
    { model: FLASH, aspectRatio: '1:1', imageSize: undefined, width: 1024, height: 1024 },
    { model: FLASH, aspectRatio: '9:16', imageSize: undefined, width: 768, height: 1376 },
    { model: FLASH, aspectRatio: '21:9', imageSize: '2K', width: 3168, height: 1344 },
    { model: 'gemini-3.1-flash-lite-image', aspectRatio: '8:1', imageSize: '1K', width: 2896, height: 368 },
    { model: PRO, aspectRatio: '16:9', imageSize: '1K', width: 1376, height: 768 },
    { model: PRO, aspectRatio: '16:9', imageSize: '2K', width: 2752, height: 1536 },
    { model: PRO, aspectRatio: '4:3', imageSize: undefined, width: 1200, height: 896 },
    { model: 'gemini-3.1-flash-image', aspectRatio: '1:4', imageSize: '512', width: 256, height: 1024 },
  ])(
    '$model at $aspectRatio / $imageSize answers a $width x $height image',
    async ({ model, aspectRatio, imageSize, width, height }) => {
      const response = await generate(model, 'a lighthouse', { imageConfig: { aspectRatio, imageSize } });

      const finalImage = partsOf(response).find((part) => part.inlineData && !part.thought);
      expect(await decodeImage(finalImage)).toMatchObject({ format: 'png', width, height });
    },
  );

  test.each([
    { model: FLASH, imageSize: undefined, tokens: 1120 },
    { model: FLASH, imageSize: '512', tokens: 747 },
    { model: PRO, imageSize: '2K', tokens: 1120 },
    { model: PRO, imageSize: '4K', tokens: 2000 },
  ])('$model at $imageSize reports $tokens image output tokens', async ({ model, imageSize, tokens }) => {
    emulator.enqueue({ kind: 'image', width: 64, height: 64 });

    const response = await generate(model, 'a kite', { imageConfig: { imageSize } });

    expect(response.usageMetadata?.candidatesTokensDetails).toContainEqual({
      modality: 'IMAGE',
      tokenCount: tokens,
    });
  });

  test('every answer carries different image bytes', async () => {
    const first = await generate(FLASH, 'one');
    const second = await generate(FLASH, 'two');

    const [a, b] = await Promise.all([
      decodeImage(finalPartsOf(first)[1]),
      decodeImage(finalPartsOf(second)[1]),
    ]);
    expect(a.data.equals(b.data)).toBe(false);
  });

  test('an IMAGE-only request gets no text part', async () => {
    const response = await generate(FLASH, 'just the picture', { responseModalities: ['IMAGE'] });

    expect(finalPartsOf(response).map((part) => Object.keys(part).sort())).toEqual([
      ['inlineData', 'thoughtSignature'],
    ]);
  });

  test('a count of 3 answers three images after one text part', async () => {
    emulator.enqueue({ kind: 'image', count: 3, text: 'Three variations.' });

    const response = await generate(FLASH, 'three cats');

    const parts = finalPartsOf(response);
    expect(parts[0]?.text).toBe('Three variations.');
    expect(parts.filter((part) => part.inlineData)).toHaveLength(3);
  });

  test('JPEG bytes declared as image/png really are JPEG', async () => {
    emulator.enqueue({ kind: 'image', format: 'jpeg', declaredMimeType: 'image/png' });

    const image = await decodeImage(finalPartsOf(await generate(FLASH, 'a liar'))[1]);

    expect(image.declaredMimeType).toBe('image/png');
    expect(image.format).toBe('jpeg');
    expect([...image.data.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
  });

  test('an image asked to be 11 MiB is a valid PNG of more than 10 MiB', async () => {
    emulator.enqueue({ kind: 'image', bytes: 11 * MiB });

    const image = await decodeImage(finalPartsOf(await generate(FLASH, 'a huge picture'))[1]);

    expect(image.data.length).toBeGreaterThan(10 * MiB);
    expect(image.format).toBe('png');
    const stats = await sharp(image.data).stats();
    expect(stats.channels).toHaveLength(3);
  });

  test('input images and the last user turn are recorded, earlier turns go to history', async () => {
    const inputPng = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#f00' } })
      .png()
      .toBuffer();

    await ai.models.generateContent({
      model: FLASH,
      contents: [
        { role: 'user', parts: [{ text: 'draw a fox' }] },
        { role: 'model', parts: [{ text: 'Here is a fox.' }] },
        {
          role: 'user',
          parts: [
            { text: 'make it red like this' },
            { inlineData: { mimeType: 'image/png', data: inputPng.toString('base64') } },
          ],
        },
      ],
    });

    const [recorded] = emulator.requests;
    expect(recorded?.texts).toEqual(['make it red like this']);
    expect(recorded?.images).toHaveLength(1);
    expect(recorded?.images[0]?.mimeType).toBe('image/png');
    expect(recorded?.images[0]?.data.equals(inputPng)).toBe(true);
    expect(recorded?.history).toHaveLength(2);
  });

  test('scripted behaviours are consumed in order, then the default answers', async () => {
    emulator.enqueue({ kind: 'text', text: 'first' }, { kind: 'noCandidates' });
    emulator.setDefault({ kind: 'text', text: 'default' });

    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await generate(FLASH, `prompt ${i}`));

    expect(answers.map((answer) => answer.text)).toEqual(['first', undefined, 'default']);
    expect(emulator.requests.map((request) => request.behaviour)).toEqual(['text', 'noCandidates', 'text']);
  });

  test('a custom behaviour answers whatever it returns', async () => {
    emulator.enqueue({
      kind: 'custom',
      respond: (request) => ({
        status: 200,
        body: { candidates: [{ content: { role: 'model', parts: [{ text: request.texts[0] }] } }] },
      }),
    });

    expect((await generate(FLASH, 'echo me')).text).toBe('echo me');
  });
});

describe('Gemini 3 thinking and thought signatures', () => {
  test('a Gemini 3 answer has a thought text and a thought image before signed final parts', async () => {
    emulator.enqueue({ kind: 'image', count: 2 });

    const parts = partsOf(await generate(PRO, 'a castle'));

    expect(
      parts.map((part) => [
        part.text ? 'text' : 'image',
        part.thought === true,
        part.thoughtSignature !== undefined,
      ]),
    ).toEqual([
      ['text', true, false],
      ['image', true, false],
      ['text', false, true],
      ['image', false, true],
      ['image', false, true],
    ]);
  });

  test('the first final part is signed even when it is an image', async () => {
    emulator.enqueue({ kind: 'image', text: null });

    const finalParts = partsOf(await generate(PRO, 'a castle')).filter((part) => !part.thought);

    expect(finalParts).toHaveLength(1);
    expect(finalParts[0]?.thoughtSignature).toEqual(expect.any(String));
  });

  test('2.5 Flash, where still served, answers with its own sizes and tokens, and neither thoughts nor signatures', async () => {
    await withEmulator({ models: [...DEFAULT_MODELS, LEGACY_FLASH] }, async (own) => {
      const legacy = clientFor(own);
      const response = await legacy.models.generateContent({
        model: LEGACY_FLASH,
        contents: 'a castle',
        config: { imageConfig: { aspectRatio: '16:9' } },
      });
      const parts = partsOf(response);
      expect(parts.some((part) => part.thought || part.thoughtSignature)).toBe(false);
      expect(await decodeImage(parts[1])).toMatchObject({ width: 1344, height: 768 });
      expect(response.usageMetadata?.candidatesTokensDetails).toContainEqual({
        modality: 'IMAGE',
        tokenCount: 1290,
      });
      // Its model turns replay without signatures.
      const edit = await legacy.models.generateContent({
        model: LEGACY_FLASH,
        contents: [
          { role: 'user', parts: [{ text: 'a castle' }] },
          { role: 'model', parts },
          { role: 'user', parts: [{ text: 'at night' }] },
        ],
      });
      expect(partsOf(edit).length).toBeGreaterThan(0);
    });
  });

  const unsigned = (parts: Part[]) => parts.map(({ thoughtSignature: _dropped, ...rest }) => rest);
  const placeholder = (parts: Part[]) =>
    unsigned(parts).map((part) => ({ ...part, thoughtSignature: PLACEHOLDER_THOUGHT_SIGNATURE }));

  test.each([
    { replay: 'with the returned signatures', model: PRO, rewrite: (parts: Part[]) => parts, status: 200 },
    { replay: 'with the placeholder signature', model: PRO, rewrite: placeholder, status: 200 },
    { replay: 'without signatures', model: PRO, rewrite: unsigned, status: 400 },
    { replay: 'without signatures', model: FLASH, rewrite: unsigned, status: 400 },
  ])('$model accepts a model turn replayed $replay: $status', async ({ model, rewrite, status }) => {
    const first = await generate(model, 'a red boat');
    const finalParts = partsOf(first).filter((part) => !part.thought);
    const edit = ai.models.generateContent({
      model,
      contents: [
        { role: 'user', parts: [{ text: 'a red boat' }] },
        { role: 'model', parts: rewrite(finalParts) },
        { role: 'user', parts: [{ text: 'now make it blue' }] },
      ],
    });

    if (status === 200) {
      await expect(edit).resolves.toBeDefined();
      expect(emulator.requests[1]?.history).toHaveLength(2);
      return;
    }
    const { status: answered, body } = await apiErrorOf(edit);
    expect(answered).toBe(400);
    expect(body.error).toMatchObject({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: 'Image part is missing a thought_signature in content position 2, part position 2.',
    });
  });

  test('a chat session keeps the signatures by itself', async () => {
    const chat = ai.chats.create({ model: PRO });

    await chat.sendMessage({ message: 'a green tree' });
    const second = await chat.sendMessage({ message: 'add snow' });

    expect(partsOf(second).length).toBeGreaterThan(0);
    expect(emulator.requests[1]?.history.length).toBeGreaterThan(0);
  });
});

describe('refusals', () => {
  const outputReasons: BlockedOutputReason[] = [
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
  ];

  test.each(outputReasons)(
    'blocked output %s is a candidate without parts and with that finishReason',
    async (reason) => {
      emulator.enqueue({ kind: 'blockedOutput', finishReason: reason });

      const response = await generate(FLASH, 'something');

      const candidate = response.candidates?.[0];
      expect(candidate?.finishReason).toBe(reason);
      expect(candidate?.content?.parts).toBeUndefined();
    },
  );

  test('finishMessage is on the wire, though @google/genai 2.32 drops it from the parsed candidate', async () => {
    const finishMessage = 'Unable to show the generated image.';
    emulator.enqueue(
      { kind: 'blockedOutput', finishReason: 'IMAGE_SAFETY', finishMessage },
      { kind: 'blockedOutput', finishReason: 'IMAGE_SAFETY', finishMessage },
    );

    const raw = await fetch(`${emulator.baseUrl}/v1beta/models/${FLASH}:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': API_KEY },
      body: JSON.stringify({ contents: [{ parts: [{ text: 'x' }] }] }),
    });
    const viaSdk = await generate(FLASH, 'x');

    expect(await raw.json()).toMatchObject({ candidates: [{ finishReason: 'IMAGE_SAFETY', finishMessage }] });
    expect(viaSdk.candidates?.[0]?.finishMessage).toBeUndefined();
  });

  const promptReasons: PromptBlockReason[] = [
    'SAFETY',
    'OTHER',
    'BLOCKLIST',
    'PROHIBITED_CONTENT',
    'IMAGE_SAFETY',
    'MODEL_ARMOR',
    'JAILBREAK',
  ];

  test.each(promptReasons)(
    'blocked prompt %s answers 200 with promptFeedback and no candidates',
    async (reason) => {
      emulator.enqueue({ kind: 'blockedPrompt', blockReason: reason });

      const response = await generate(FLASH, 'something');

      expect(response.candidates).toBeUndefined();
      expect(response.promptFeedback?.blockReason).toBe(reason);
      expect(emulator.requests[0]?.status).toBe(200);
    },
  );

  test('no candidates answers 200 with neither candidates nor promptFeedback', async () => {
    emulator.enqueue({ kind: 'noCandidates' });

    const response = await generate(FLASH, 'something');

    expect(response.candidates).toBeUndefined();
    expect(response.promptFeedback).toBeUndefined();
    expect(response.usageMetadata?.promptTokenCount).toBeGreaterThan(0);
  });

  test('a text answer is text only with STOP', async () => {
    emulator.enqueue({ kind: 'text', text: 'I can not draw that, but here is a poem.' });

    const response = await generate(FLASH, 'something');

    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    expect(finalPartsOf(response).map(({ thoughtSignature: _signature, ...part }) => part)).toEqual([
      { text: 'I can not draw that, but here is a poem.' },
    ]);
  });
});

describe('errors', () => {
  test('a scripted 429 reaches the SDK as ApiError whose message parses to QuotaFailure and RetryInfo', async () => {
    emulator.enqueue({ kind: 'error', status: 429, retryDelay: '2s' });

    const { status, body } = await apiErrorOf(generate(FLASH, 'x'));

    expect(status).toBe(429);
    expect(body.error.status).toBe('RESOURCE_EXHAUSTED');
    expect(body.error.details).toContainEqual(
      expect.objectContaining({ '@type': 'type.googleapis.com/google.rpc.QuotaFailure' }),
    );
    expect(body.error.details).toContainEqual({
      '@type': 'type.googleapis.com/google.rpc.RetryInfo',
      retryDelay: '2s',
    });
    expect(emulator.stats.rejected429).toBe(1);
  });

  test.each([
    { code: 400 as const, status: 'INVALID_ARGUMENT', message: 'Request contains an invalid argument.' },
    { code: 403 as const, status: 'PERMISSION_DENIED', message: 'The caller does not have permission' },
    { code: 404 as const, status: 'NOT_FOUND', message: 'Requested entity was not found.' },
    {
      code: 500 as const,
      status: 'INTERNAL',
      message: expect.stringContaining('An internal error has occurred'),
    },
    {
      code: 503 as const,
      status: 'UNAVAILABLE',
      message: 'The model is overloaded. Please try again later.',
    },
    { code: 504 as const, status: 'DEADLINE_EXCEEDED', message: expect.any(String) },
  ])('a scripted $code arrives as ApiError $code with status $status', async ({ code, status, message }) => {
    emulator.enqueue({ kind: 'error', status: code });

    const error = await apiErrorOf(generate(FLASH, 'x'));

    expect(error.status).toBe(code);
    expect(error.body.error).toEqual({ code, status, message });
  });

  test('a scripted 502 arrives as ApiError 502 wrapping the front end HTML page', async () => {
    emulator.enqueue({ kind: 'error', status: 502 });

    const { status, body } = await apiErrorOf(generate(FLASH, 'x'));

    expect(status).toBe(502);
    expect(body.error.message).toContain('<!DOCTYPE html>');
  });

  test('a wrong API key is rejected with 400 API_KEY_INVALID', async () => {
    const { status, body } = await apiErrorOf(
      clientFor(emulator, {}, 'wrong-key').models.generateContent({ model: FLASH, contents: 'x' }),
    );

    expect(status).toBe(400);
    expect(body.error.status).toBe('INVALID_ARGUMENT');
    expect(body.error.details).toContainEqual(expect.objectContaining({ reason: 'API_KEY_INVALID' }));
  });

  test('a missing API key is rejected with 403 PERMISSION_DENIED', async () => {
    const response = await fetch(`${emulator.baseUrl}/v1beta/models/${FLASH}:generateContent`, {
      method: 'POST',
      body: JSON.stringify({ contents: [{ parts: [{ text: 'x' }] }] }),
    });

    expect(response.status).toBe(403);
    expect(((await response.json()) as GoogleErrorBody).error.status).toBe('PERMISSION_DENIED');
  });

  test('the key is also accepted as ?key=', async () => {
    const response = await fetch(
      `${emulator.baseUrl}/v1beta/models/${FLASH}:generateContent?key=${API_KEY}`,
      {
        method: 'POST',
        body: JSON.stringify({ contents: [{ parts: [{ text: 'x' }] }] }),
      },
    );

    expect(response.status).toBe(200);
  });

  test('an unknown model is 404 NOT_FOUND naming the model and API version', async () => {
    const { status, body } = await apiErrorOf(generate('gemini-2.5-flash-image-preview', 'x'));

    expect(status).toBe(404);
    expect(body.error.status).toBe('NOT_FOUND');
    expect(body.error.message).toMatch(
      /^models\/gemini-2\.5-flash-image-preview is not found for API version v1beta/,
    );
  });

  test.each([
    { invalid: 'candidateCount 2', config: { candidateCount: 2 }, message: /Multiple candidates/ },
    { invalid: 'aspect ratio 7:3', config: { imageConfig: { aspectRatio: '7:3' } }, message: /aspect ratio/ },
    { invalid: 'image size 2k', config: { imageConfig: { imageSize: '2k' } }, message: /image size/ },
  ])('a request with $invalid is rejected with 400', async ({ config, message }) => {
    const { status, body } = await apiErrorOf(generate(PRO, 'x', config));

    expect(status).toBe(400);
    expect(body.error.message).toMatch(message);
    expect(emulator.requests[0]?.behaviour).toBeUndefined();
  });

  test('an input image of an unsupported MIME type is rejected with 400', async () => {
    const { status, body } = await apiErrorOf(
      ai.models.generateContent({
        model: FLASH,
        contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'image/gif', data: 'R0lGODlh' } }] }],
      }),
    );

    expect(status).toBe(400);
    expect(body.error.message).toBe('Unsupported MIME type: image/gif');
  });

  test('malformed JSON is rejected with 400 INVALID_ARGUMENT', async () => {
    const response = await fetch(`${emulator.baseUrl}/v1beta/models/${FLASH}:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': API_KEY, 'content-type': 'application/json' },
      body: '{"contents": [',
    });

    expect(response.status).toBe(400);
    expect(((await response.json()) as GoogleErrorBody).error.status).toBe('INVALID_ARGUMENT');
  });

  test('the v1 prefix is accepted and recorded', async () => {
    await clientFor(emulator, { apiVersion: 'v1' }).models.generateContent({ model: FLASH, contents: 'x' });

    expect(emulator.requests[0]?.apiVersion).toBe('v1');
  });
});

describe('timing, quota and load', () => {
  test('the SDK timeout aborts a hanging request, and stop() closes even with a request still hanging', async () => {
    const own = await startGeminiEmulator({ apiKey: API_KEY });
    own.enqueue({ kind: 'hang' }, { kind: 'hang' });

    const timedOut = await clientFor(own, { timeout: 150 })
      .models.generateContent({ model: FLASH, contents: 'x' })
      .catch((error: unknown) => error);
    expect((timedOut as Error).name).toBe('AbortError');

    const stillHanging = clientFor(own).models.generateContent({ model: FLASH, contents: 'x' });
    stillHanging.catch(() => undefined);
    await own.waitForRequests(2);
    const stopStarted = performance.now();
    await own.stop();

    expect(performance.now() - stopStarted).toBeLessThan(1000);
    await expect(stillHanging).rejects.toThrow();
    expect(own.requests[0]).toMatchObject({ status: 0, aborted: true, behaviour: 'hang' });
    expect(own.stats.inFlight).toBe(0);
  });

  test('the quota answers 429 past quotaRpm within 60 s, with a RetryInfo delay until a slot frees', async () => {
    let clock = 1_000_000;
    await withEmulator({ quotaRpm: 2, now: () => clock }, async (own) => {
      own.setDefault({ kind: 'text', text: 'ok' });
      const client = clientFor(own);
      const call = () => client.models.generateContent({ model: FLASH, contents: 'x' });
      const retryDelayOf = async () => {
        const { status, body } = await apiErrorOf(call());
        expect(status).toBe(429);
        return body.error.details?.find(
          (detail): detail is { retryDelay: string } =>
            (detail as { retryDelay?: string }).retryDelay !== undefined,
        )?.retryDelay;
      };

      await call();
      clock += 10_000;
      await call();
      expect(await retryDelayOf()).toBe('50s');
      clock += 49_500;
      expect(await retryDelayOf()).toBe('0.5s');
      clock += 500;
      await expect(call()).resolves.toBeDefined();
      expect(await retryDelayOf()).toBe('10s');

      expect(own.stats).toMatchObject({ received: 6, answered: 6, rejected429: 3 });
    });
  });

  test.each([
    { source: 'the emulator option', options: { latencyMs: 200 }, behaviourLatency: undefined },
    { source: 'the behaviour', options: {}, behaviourLatency: 200 },
  ])('latency from $source delays the answer', async ({ options, behaviourLatency }) => {
    await withEmulator(options, async (own) => {
      own.setDefault({ kind: 'text', text: 'slow', latencyMs: behaviourLatency });
      const started = performance.now();

      await clientFor(own).models.generateContent({ model: FLASH, contents: 'x' });

      expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    });
  });

  test('concurrent requests are counted in flight', async () => {
    emulator.setDefault({ kind: 'text', text: 'ok', latencyMs: 150 });

    await Promise.all([1, 2, 3].map((n) => generate(FLASH, `call ${n}`)));

    expect(emulator.stats).toMatchObject({ received: 3, answered: 3, inFlight: 0, maxInFlight: 3 });
  });

  test('after warm-up a 1024x1024 PNG answer takes a few milliseconds', async () => {
    await emulator.warmUp([{ model: FLASH, aspectRatio: '1:1' }]);
    const durations: number[] = [];

    for (let i = 0; i < 16; i++) {
      const started = performance.now();
      await generate(FLASH, `fast ${i}`, { imageConfig: { aspectRatio: '1:1' } });
      durations.push(performance.now() - started);
    }

    durations.sort((a, b) => a - b);
    expect(durations[durations.length / 2]).toBeLessThan(25);
  });
});
