import { ApiError } from '@google/genai';
import { describe, expect, test } from 'vitest';
import { classifyGeminiError, parseRetryDelay } from '../../src/gemini/errors.js';

const apiError = (status: number, body: unknown) => new ApiError({ status, message: JSON.stringify(body) });
const google = (code: number, status: string, message: string, details: unknown[] = []) => ({
  error: { code, status, message, details },
});

describe('classifyGeminiError', () => {
  test('a 429 with RetryInfo is retryable and carries the server’s delay', () => {
    const err = apiError(
      429,
      google(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded. Please retry in 53.01s.', [
        { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [] },
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '53s' },
      ]),
    );
    expect(classifyGeminiError(err)).toMatchObject({
      kind: 'rate-limited',
      status: 429,
      retryable: true,
      retryAfterMs: 53_000,
    });
  });

  test.each([
    [500, 'INTERNAL', 'unavailable'],
    [502, 'BAD_GATEWAY', 'unavailable'],
    [503, 'UNAVAILABLE', 'unavailable'],
    [504, 'DEADLINE_EXCEEDED', 'timeout'],
  ])('HTTP %i %s is retryable (%s)', (status, name, kind) => {
    expect(
      classifyGeminiError(apiError(status, google(status, name, 'The model is overloaded.'))),
    ).toMatchObject({
      kind,
      retryable: true,
    });
  });

  test.each([
    [
      400,
      'INVALID_ARGUMENT',
      'API key not valid. Please pass a valid API key.',
      [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
      'misconfigured',
    ],
    [403, 'PERMISSION_DENIED', 'Permission denied', [], 'misconfigured'],
    [404, 'NOT_FOUND', 'models/gemini-9 is not found for API version v1beta', [], 'misconfigured'],
    [400, 'FAILED_PRECONDITION', 'User location is not supported', [], 'misconfigured'],
    [400, 'INVALID_ARGUMENT', 'Image part is missing a thought_signature', [], 'bad-request'],
  ])('HTTP %i %s is not retried', (status, name, message, details, kind) => {
    expect(classifyGeminiError(apiError(status, google(status, name, message, details)))).toMatchObject({
      kind,
      retryable: false,
    });
  });

  test('an abort (the SDK’s timeout) is a retryable timeout', () => {
    const abort = new DOMException('This operation was aborted', 'AbortError');
    expect(classifyGeminiError(abort)).toMatchObject({ kind: 'timeout', retryable: true });
  });

  test('a refused connection is a retryable network error', () => {
    const err = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });
    expect(classifyGeminiError(err)).toMatchObject({ kind: 'network', retryable: true });
  });

  test('an unknown error is not retried and its message does not leak', () => {
    const failure = classifyGeminiError(new Error('key=AIzaSECRET in some internal text'));
    expect(failure).toMatchObject({ kind: 'unknown', retryable: false });
    expect(failure.message).not.toContain('AIzaSECRET');
  });

  test('a non-JSON error body still yields its status', () => {
    expect(classifyGeminiError(new ApiError({ status: 503, message: 'Service Unavailable' }))).toMatchObject({
      kind: 'unavailable',
      status: 503,
    });
  });
});

describe('classifyGeminiError on bodies of unexpected shapes', () => {
  test.each<[string, unknown]>([
    ['details that is not an array', { error: { code: 429, status: 'RESOURCE_EXHAUSTED', details: 'soon' } }],
    [
      'null entries in details',
      { error: { code: 429, details: [null, 7, { '@type': null, retryDelay: 5 }] } },
    ],
    [
      'an array-wrapped error',
      [{ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'slow down' } }],
    ],
    ['an error that is a string', { error: 'quota' }],
    ['a message that is an object', { error: { code: 429, message: { text: 'x' } } }],
    ['JSON null', null],
  ])('a 429 with %s is still a retryable rate limit that pauses the gate', (_, body) => {
    const failure = classifyGeminiError(apiError(429, body));
    expect(failure).toMatchObject({ kind: 'rate-limited', status: 429, retryable: true });
  });

  test('an array-wrapped 429 still yields its RetryInfo delay', () => {
    const body = [
      google(429, 'RESOURCE_EXHAUSTED', 'x', [{ '@type': 'google.rpc.RetryInfo', retryDelay: '2s' }]),
    ];
    expect(classifyGeminiError(apiError(429, body))).toMatchObject({ retryAfterMs: 2000 });
  });

  test.each<[string, unknown]>([
    [
      'an object whose getters throw',
      Object.defineProperty({}, 'name', {
        get: () => {
          throw new Error('boom');
        },
      }),
    ],
    [
      'a status getter that throws',
      Object.defineProperty({ name: 'ApiError' }, 'status', {
        get: () => {
          throw new Error('boom');
        },
      }),
    ],
    [
      'a revoked proxy',
      (() => {
        const p = Proxy.revocable({}, {});
        p.revoke();
        return p.proxy;
      })(),
    ],
  ])('%s is classified, never thrown', (_, err) => {
    expect(() => classifyGeminiError(err)).not.toThrow();
    expect(classifyGeminiError(err).kind).toBe('unknown');
  });
});

describe('parseRetryDelay', () => {
  test.each([
    ['53s', 53_000],
    ['0.5s', 500],
    ['1.25s', 1250],
    ['', undefined],
    ['soon', undefined],
    [undefined, undefined],
  ])('%s -> %s ms', (input, expected) => {
    expect(parseRetryDelay(input)).toBe(expected);
  });
});
