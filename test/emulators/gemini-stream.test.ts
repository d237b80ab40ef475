import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startGeminiEmulator, type GeminiEmulator } from '../../src/playground/gemini/index.js';

const API_KEY = 'emulator-test-key';
const PRO = 'gemini-3-pro-image';
let emulator: GeminiEmulator;
beforeAll(async () => {
  emulator = await startGeminiEmulator({ apiKey: API_KEY });
});
afterAll(() => emulator.stop());
beforeEach(() => emulator.reset());

/** The fields of a chunk these tests read. */
interface StreamEvent {
  candidates: { content: { parts: Record<string, unknown>[] }; finishReason?: string }[];
  usageMetadata: { thoughtsTokenCount?: number };
  promptFeedback: { blockReason?: string };
  error?: { code: number };
}

const body = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'a fox' }] }] });

/** A raw streamGenerateContent call: the status, content type and the SSE events' JSON. */
async function stream(version = 'v1beta', model = PRO) {
  const response = await fetch(
    `${emulator.baseUrl}/${version}/models/${model}:streamGenerateContent?alt=sse`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': API_KEY },
      body,
    },
  );
  const text = await response.text();
  const events = text
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => JSON.parse(e.slice('data: '.length)) as StreamEvent);
  return { status: response.status, type: response.headers.get('content-type'), text, events };
}

describe('streamGenerateContent', () => {
  test.each(['v1beta', 'v1'])(
    '/%s streams thought text, each interim image, then the signed final parts with finishReason and usage',
    async (version) => {
      emulator.enqueue({ kind: 'image', thoughtImages: 2 });
      const { status, type, events } = await stream(version);
      expect([status, type]).toEqual([200, 'text/event-stream']);
      const parts = events.map((e) => e.candidates[0]!.content.parts);
      expect(parts.slice(0, 3).map((p) => [p.length, p[0]!.thought, 'inlineData' in p[0]!])).toEqual([
        [1, true, false],
        [1, true, true],
        [1, true, true],
      ]);
      const last = events.at(-1)!;
      expect(last.candidates[0]!.finishReason).toBe('STOP');
      expect(last.usageMetadata.thoughtsTokenCount).toBe(240);
      expect(parts.at(-1)!.every((p) => typeof p.thoughtSignature === 'string' && !p.thought)).toBe(true);
      expect(events.slice(0, -1).some((e) => 'finishReason' in e.candidates[0]!)).toBe(false);
      expect(emulator.requests[0]).toMatchObject({ route: 'streamGenerateContent', sse: true, chunks: 4 });
    },
  );

  test('errors, refusals and the quota answer the stream route as they answer generateContent', async () => {
    emulator.enqueue({ kind: 'error', status: 503 }, { kind: 'blockedPrompt', blockReason: 'SAFETY' });
    expect((await stream()).status).toBe(503);
    const blocked = await stream();
    expect(blocked.events).toHaveLength(1);
    expect(blocked.events[0]!.promptFeedback.blockReason).toBe('SAFETY');
    emulator.setQuotaRpm(1);
    expect((await stream()).status).toBe(200);
    const refused = await stream();
    expect(refused.status).toBe(429);
    expect(refused.text).toMatch(/RESOURCE_EXHAUSTED/);
    expect((await stream('v1beta', 'gemini-9-imaginary')).status).toBe(404);
    emulator.setQuotaRpm(undefined);
  });

  test('a scripted break resets the connection after N chunks; an error event ends the stream', async () => {
    emulator.enqueue({ kind: 'image', thoughtImages: 2, stream: { breakAfterChunks: 2 } });
    await expect(stream()).rejects.toThrow();
    expect(emulator.requests[0]).toMatchObject({ chunks: 2, aborted: true });
    emulator.enqueue({ kind: 'image', stream: { errorAfterChunks: 1 } });
    const errored = await stream();
    expect(errored.events.map((e) => (e.error ? `error ${e.error.code}` : 'chunk'))).toEqual([
      'chunk',
      'error 500',
    ]);
  });

  test('chunks are spaced by the scripted latency', async () => {
    emulator.enqueue({ kind: 'image', thoughtImages: 1, stream: { chunkLatencyMs: 120 } });
    const started = Date.now();
    const { events } = await stream();
    expect(events).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(230);
  });
});
