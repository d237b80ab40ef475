import { ApiError, GoogleGenAI, type Model } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  startGeminiEmulator,
  type GeminiEmulator,
  type GoogleErrorBody,
} from '../../src/playground/gemini/index.js';

const API_KEY = 'emulator-test-key';
let emulator: GeminiEmulator;
let ai: GoogleGenAI;

beforeAll(async () => {
  emulator = await startGeminiEmulator({ apiKey: API_KEY });
  ai = new GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl: emulator.baseUrl } });
});
afterAll(() => emulator.stop());
beforeEach(() => {
  emulator.reset();
  emulator.setModelsApi('normal');
});

async function apiErrorOf(call: Promise<unknown>): Promise<{ status: number; body: GoogleErrorBody }> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ApiError);
  return {
    status: (error as ApiError).status,
    body: JSON.parse((error as ApiError).message) as GoogleErrorBody,
  };
}

async function listAll(): Promise<Model[]> {
  const models: Model[] = [];
  for await (const model of await ai.models.list({ config: { pageSize: 2 } })) models.push(model);
  return models;
}

describe('the Models API', () => {
  test('models.get describes a served model in Google’s shape', async () => {
    const model = await ai.models.get({ model: 'gemini-3.1-flash-image' });
    expect(model).toMatchObject({
      name: 'models/gemini-3.1-flash-image',
      displayName: 'Nano Banana 2',
      inputTokenLimit: expect.any(Number),
      supportedActions: expect.arrayContaining(['generateContent']),
    });
    expect(emulator.modelLookups).toEqual([
      {
        method: 'GET',
        path: '/v1beta/models/gemini-3.1-flash-image',
        model: 'gemini-3.1-flash-image',
        status: 200,
      },
    ]);
    expect(emulator.requests).toEqual([]);
  });

  test('models.list pages through every served model and some that are not image models', async () => {
    const names = (await listAll()).map((m) => m.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'models/gemini-3-pro-image',
        'models/gemini-3.1-flash-image',
        'models/gemini-3.1-flash-lite-image',
        'models/gemini-embedding-001',
      ]),
    );
    expect(names).not.toContain('models/gemini-2.5-flash-image');
    expect(emulator.modelLookups.length).toBeGreaterThan(1);
  });

  test.each(['gemini-2.5-flash-image', 'gemini-3-pro-image-preview', 'no-such-model'])(
    '%s is 404 NOT_FOUND on models.get and on generateContent',
    async (model) => {
      const lookup = await apiErrorOf(ai.models.get({ model }));
      expect(lookup).toMatchObject({ status: 404, body: { error: { status: 'NOT_FOUND' } } });
      const generate = await apiErrorOf(ai.models.generateContent({ model, contents: 'x' }));
      expect(generate.body.error.message).toMatch(
        new RegExp(`^models/${model.replace(/\./g, '\\.')} is not found`),
      );
    },
  );

  test('the v1 prefix answers too, and a wrong key is refused as on generateContent', async () => {
    const v1 = await fetch(`${emulator.baseUrl}/v1/models/gemini-3-pro-image`, {
      headers: { 'x-goog-api-key': API_KEY },
    });
    expect(v1.status).toBe(200);
    const wrong = await fetch(`${emulator.baseUrl}/v1beta/models`, { headers: { 'x-goog-api-key': 'nope' } });
    expect(wrong.status).toBe(400);
  });

  test('retiring a model mid-run makes it 404 everywhere from then on', async () => {
    const own = await startGeminiEmulator({ apiKey: API_KEY });
    try {
      const client = new GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl: own.baseUrl } });
      await client.models.generateContent({ model: 'gemini-3-pro-image', contents: 'x' });
      own.retireModel('gemini-3-pro-image');
      expect(
        (await apiErrorOf(client.models.generateContent({ model: 'gemini-3-pro-image', contents: 'x' })))
          .status,
      ).toBe(404);
      expect((await apiErrorOf(client.models.get({ model: 'gemini-3-pro-image' }))).status).toBe(404);
    } finally {
      await own.stop();
    }
  });

  test.each([
    ['error', 500, 500],
    ['not-implemented', 501, 501],
    ['no-list', 200, 404],
  ] as const)('in mode %s models.get answers %i and models.list %i', async (mode, getStatus, listStatus) => {
    emulator.setModelsApi(mode);
    const get = await fetch(`${emulator.baseUrl}/v1beta/models/gemini-3.1-flash-image?key=${API_KEY}`);
    const list = await fetch(`${emulator.baseUrl}/v1beta/models?key=${API_KEY}`);
    expect([get.status, list.status]).toEqual([getStatus, listStatus]);
  });

  test('in mode hang the lookup never answers, until the client gives up', async () => {
    emulator.setModelsApi('hang');
    const call = ai.models.get({
      model: 'gemini-3.1-flash-image',
      config: { abortSignal: AbortSignal.timeout(200) },
    });
    await expect(call).rejects.toThrow();
  });
});

describe('per-model request checks', () => {
  const generate = (model: string, config: Record<string, unknown>, contents: unknown = 'a kite') =>
    ai.models.generateContent({ model, contents: contents as string, config });

  test.each([
    ['gemini-3.1-flash-image', { imageConfig: { imageSize: '1k' } }, /Unsupported image size: 1k/],
    ['gemini-3.1-flash-lite-image', { imageConfig: { imageSize: '2K' } }, /Supported values are: 1K\./],
    ['gemini-3-pro-image', { imageConfig: { imageSize: '512' } }, /Unsupported image size: 512/],
    ['gemini-3-pro-image', { imageConfig: { aspectRatio: '1:8' } }, /Unsupported aspect ratio: 1:8/],
    ['gemini-3-pro-image', { thinkingConfig: { thinkingLevel: 'HIGH' } }, /Thinking level is not supported/],
    [
      'gemini-3.1-flash-image',
      { thinkingConfig: { thinkingLevel: 'MEDIUM' } },
      /Unsupported thinking level: MEDIUM/,
    ],
    ['gemini-3.1-flash-lite-image', { tools: [{ googleSearch: {} }] }, /Search as tool is not enabled/],
    [
      'gemini-3-pro-image',
      { tools: [{ googleSearch: { searchTypes: { imageSearch: {} } } }] },
      /Search type imageSearch is not supported/,
    ],
  ])('%s refuses %j with 400 INVALID_ARGUMENT', async (model, config, message) => {
    const { status, body } = await apiErrorOf(generate(model, config));
    expect(status).toBe(400);
    expect(body.error.status).toBe('INVALID_ARGUMENT');
    expect(body.error.message).toMatch(message);
  });

  test('more input images than the model takes are refused; as many are accepted', async () => {
    const image = { inlineData: { mimeType: 'image/png', data: Buffer.from('x').toString('base64') } };
    const contents = (n: number) => [{ role: 'user', parts: [{ text: 'combine' }, ...Array(n).fill(image)] }];
    const refused = await apiErrorOf(generate('gemini-3.1-flash-image', {}, contents(15)));
    expect(refused.body.error.message).toMatch(
      /contains 15 images, but gemini-3.1-flash-image accepts at most 14/,
    );
    await expect(generate('gemini-3.1-flash-image', {}, contents(14))).resolves.toBeDefined();
  });

  test('thinkingConfig and tools are recorded, and a searched answer carries grounding metadata', async () => {
    const response = await generate('gemini-3.1-flash-image', {
      thinkingConfig: { thinkingLevel: 'HIGH', includeThoughts: true },
      tools: [{ googleSearch: { searchTypes: { webSearch: {}, imageSearch: {} } } }],
      imageConfig: { imageSize: '512', aspectRatio: '4:1' },
    });
    const [recorded] = emulator.requests;
    expect(recorded?.generationConfig?.thinkingConfig).toEqual({
      thinkingLevel: 'HIGH',
      includeThoughts: true,
    });
    expect(recorded?.tools).toEqual([{ googleSearch: { searchTypes: { webSearch: {}, imageSearch: {} } } }]);
    expect(response.candidates?.[0]?.groundingMetadata).toMatchObject({
      webSearchQueries: ['a kite'],
      groundingChunks: [{ web: { uri: expect.stringMatching(/^https:/) } }],
    });
  });
});
