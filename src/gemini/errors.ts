import type { GeminiFailure } from '../core/generation.js';

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** The parts of Google's error body the classifier reads, each checked: the body is trusted for nothing. */
interface GoogleError {
  readonly status: string;
  readonly message: string;
  readonly details: readonly {
    readonly type: string;
    readonly retryDelay?: string;
    readonly reason?: string;
  }[];
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Reads `{error: {...}}`, also when wrapped in an array, with any field missing or of the wrong type. */
function readGoogleError(body: unknown): GoogleError | undefined {
  const outer = Array.isArray(body) ? (body as unknown[])[0] : body;
  const error = isRecord(outer) ? outer.error : undefined;
  if (!isRecord(error)) return undefined;
  const rawDetails = Array.isArray(error.details) ? (error.details as unknown[]) : [];
  return {
    status: str(error.status),
    message: str(error.message),
    details: rawDetails.filter(isRecord).map((d) => ({
      type: str(d['@type']),
      ...(typeof d.retryDelay === 'string' ? { retryDelay: d.retryDelay } : {}),
      ...(typeof d.reason === 'string' ? { reason: d.reason } : {}),
    })),
  };
}

/** Parses "53s", "0.5s", "1.5s" (protobuf Duration JSON) into milliseconds. */
export function parseRetryDelay(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const m = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return m?.[1] ? Math.round(Number(m[1]) * 1000) : undefined;
}

function parseBody(message: string): GoogleError | undefined {
  const start = message.search(/[[{]/);
  if (start < 0) return undefined;
  try {
    return readGoogleError(JSON.parse(message.slice(start)) as unknown);
  } catch {
    return undefined;
  }
}

function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Decides what an error from the Gemini client means: whether it can succeed later, how long the
 * server asked us to wait, and whether it is the operator's problem (bad key, unknown model).
 * The message is built from the error body's status and text, never from request data, so it
 * cannot carry the API key.
 */
export function classifyGeminiError(err: unknown, opts: { timedOut?: boolean } = {}): GeminiFailure {
  try {
    return classify(err, opts);
  } catch {
    // Never throws: an error the classifier cannot read is still an answer for the member.
    return { kind: 'unknown', message: 'unreadable error from the Gemini client', retryable: false };
  }
}

function classify(err: unknown, opts: { timedOut?: boolean }): GeminiFailure {
  const name = typeof err === 'object' && err !== null ? (err as { name?: unknown }).name : undefined;
  if (opts.timedOut || name === 'AbortError' || name === 'TimeoutError') {
    return { kind: 'timeout', message: 'Gemini did not answer in time', retryable: true };
  }
  if (
    name === 'AnswerTooLargeError' ||
    (err instanceof Error && (err.cause as Error | undefined)?.name === 'AnswerTooLargeError')
  ) {
    return {
      kind: 'answer-too-large',
      message: 'Gemini answered with more bytes than the bot reads',
      retryable: false,
    };
  }
  if (name === 'StreamBrokenError') {
    // Gemini began answering and the stream stopped (see readAnswerStream): like a dropped connection.
    return { kind: 'network', message: String((err as Error).message), retryable: true };
  }
  const status =
    typeof err === 'object' && err !== null && typeof (err as { status?: unknown }).status === 'number'
      ? (err as { status: number }).status
      : undefined;
  if (status === undefined) {
    const code = errorCode(err);
    if (code && NETWORK_CODES.has(code)) {
      return { kind: 'network', message: `network error talking to Gemini (${code})`, retryable: true };
    }
    if (name === 'TypeError' && String((err as Error).message).includes('fetch failed')) {
      return { kind: 'network', message: 'network error talking to Gemini', retryable: true };
    }
    return {
      kind: 'unknown',
      message: `unexpected error from the Gemini client: ${typeof name === 'string' ? name : 'Error'}`,
      retryable: false,
    };
  }

  const body = parseBody(err instanceof Error ? String(err.message) : '');
  const details = body?.details ?? [];
  const googleStatus = body?.status ?? '';
  const text = (body?.message ?? '').slice(0, 300);
  const retryAfterMs = parseRetryDelay(details.find((d) => d.type.endsWith('RetryInfo'))?.retryDelay);
  const summary = `${status} ${googleStatus}${text ? `: ${text}` : ''}`.trim();
  const reason = details.find((d) => d.reason)?.reason ?? '';

  if (status === 429) {
    return {
      kind: 'rate-limited',
      status,
      message: summary,
      retryable: true,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
  if (RETRYABLE_STATUS.has(status)) {
    return {
      kind: status === 408 || status === 504 ? 'timeout' : 'unavailable',
      status,
      message: summary,
      retryable: true,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
  if (status === 413) return { kind: 'too-large', status, message: summary, retryable: false };
  const keyProblem = reason === 'API_KEY_INVALID' || /api key/i.test(text);
  if (
    status === 401 ||
    status === 403 ||
    status === 404 ||
    keyProblem ||
    googleStatus === 'FAILED_PRECONDITION'
  ) {
    return { kind: 'misconfigured', status, message: summary, retryable: false };
  }
  return { kind: 'bad-request', status, message: summary, retryable: false };
}
