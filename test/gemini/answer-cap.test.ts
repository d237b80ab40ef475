import { describe, expect, test } from 'vitest';
import { AnswerTooLargeError, capAnswerBytes } from '../../src/gemini/answer-cap.js';
import { classifyGeminiError } from '../../src/gemini/errors.js';

const streamOf = (chunks: number, size: number) =>
  new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < chunks; i++) controller.enqueue(new Uint8Array(size).fill(0x61));
        controller.close();
      },
    }),
    { status: 200, headers: { 'content-type': 'application/json' } },
  );

describe('an answer read from Gemini is bounded in bytes', () => {
  test('an answer under the cap reads whole, with its status and headers', async () => {
    const capped = capAnswerBytes(streamOf(4, 1000), 10_000);
    expect(capped.status).toBe(200);
    expect(capped.headers.get('content-type')).toBe('application/json');
    expect((await capped.text()).length).toBe(4000);
  });

  test('an answer over the cap stops being read and fails as too large, not as a network error', async () => {
    const capped = capAnswerBytes(streamOf(100, 1000), 10_000);
    const failure = await capped.text().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(AnswerTooLargeError);
    expect(classifyGeminiError(failure)).toMatchObject({ kind: 'answer-too-large', retryable: false });
    // Also when a reader wraps it, as fetch's body readers may.
    expect(classifyGeminiError(new TypeError('terminated', { cause: failure }))).toMatchObject({
      kind: 'answer-too-large',
    });
  });
});
