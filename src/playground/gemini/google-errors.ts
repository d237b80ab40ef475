import type { ApiVersion } from './types.js';

/** Google's JSON error envelope (google.rpc.Status as JSON), as generativelanguage.googleapis.com sends it. */
export interface GoogleErrorBody {
  error: {
    code: number;
    message: string;
    status: string;
    details?: unknown[];
  };
}

export interface ErrorAnswer {
  status: number;
  body: GoogleErrorBody | string;
  contentType: string;
}

const JSON_CONTENT_TYPE = 'application/json; charset=UTF-8';
const RATE_LIMIT_DOCS = 'https://ai.google.dev/gemini-api/docs/rate-limits';

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const DEFAULT_MESSAGES: Record<number, string> = {
  400: 'Request contains an invalid argument.',
  403: 'The caller does not have permission',
  404: 'Requested entity was not found.',
  500: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  502: 'Bad Gateway',
  503: 'The model is overloaded. Please try again later.',
  504: 'Deadline expired before operation could complete.',
};

export function googleError(code: number, message: string, details?: unknown[]): ErrorAnswer {
  const status = STATUS_NAMES[code] ?? 'UNKNOWN';
  const error: GoogleErrorBody['error'] = { code, message, status };
  if (details) error.details = details;
  return { status: code, body: { error }, contentType: JSON_CONTENT_TYPE };
}

export function invalidArgument(message: string): ErrorAnswer {
  return googleError(400, message);
}

export function apiKeyInvalid(): ErrorAnswer {
  const message = 'API key not valid. Please pass a valid API key.';
  return googleError(400, message, [
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'API_KEY_INVALID',
      domain: 'googleapis.com',
      metadata: { service: 'generativelanguage.googleapis.com' },
    },
    { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message },
  ]);
}

export function apiKeyMissing(): ErrorAnswer {
  return googleError(
    403,
    "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
  );
}

export function modelNotFound(model: string, apiVersion: ApiVersion): ErrorAnswer {
  return googleError(
    404,
    `models/${model} is not found for API version ${apiVersion}, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
  );
}

export function malformedJson(): ErrorAnswer {
  const description = 'Invalid JSON payload received. Unexpected token.';
  return googleError(400, description, [
    { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ description }] },
  ]);
}

export function unknownMethod(): ErrorAnswer {
  return googleError(404, 'Method not found.');
}

/** Protobuf Duration JSON: whole seconds when >= 1 s ("12s"), otherwise fractional ("0.5s"). */
export function formatRetryDelay(ms: number): string {
  if (ms >= 1000) return `${Math.ceil(ms / 1000)}s`;
  const seconds = Math.max(1, Math.ceil(ms)) / 1000;
  return `${seconds}s`;
}

export function parseRetryDelay(delay: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)s$/.exec(delay.trim());
  return match?.[1] === undefined ? undefined : Number(match[1]) * 1000;
}

export interface QuotaErrorParams {
  model: string;
  limit?: number;
  /** RetryInfo.retryDelay; omitted means no RetryInfo detail (as for some daily quotas). */
  retryDelay?: string;
  message?: string;
}

export function quotaExceeded({ model, limit, retryDelay, message }: QuotaErrorParams): ErrorAnswer {
  const delayMs = retryDelay === undefined ? undefined : parseRetryDelay(retryDelay);
  const metric = 'generativelanguage.googleapis.com/generate_content_paid_tier_requests';
  const defaultMessage =
    `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: ${RATE_LIMIT_DOCS}. ` +
    `To monitor your current usage, head to: https://ai.dev/usage?tab=rate-limit. \n` +
    `* Quota exceeded for metric: ${metric}, limit: ${limit ?? 0}, model: ${model}` +
    (delayMs === undefined ? '' : `\nPlease retry in ${(delayMs / 1000).toFixed(2)}s.`);
  const details: unknown[] = [
    {
      '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
      violations: [
        {
          quotaMetric: metric,
          quotaId: 'GenerateRequestsPerMinutePerProjectPerModel',
          quotaDimensions: { location: 'global', model },
          quotaValue: String(limit ?? 0),
        },
      ],
    },
    {
      '@type': 'type.googleapis.com/google.rpc.Help',
      links: [{ description: 'Learn more about Gemini API quotas', url: RATE_LIMIT_DOCS }],
    },
  ];
  if (retryDelay !== undefined) {
    details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay });
  }
  return googleError(429, message ?? defaultMessage, details);
}

/** What Google's front end (GFE) answers for 502: an HTML page, not the JSON envelope. */
function frontEndHtml(code: number, reason: string): ErrorAnswer {
  const body =
    `<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n  <title>Error ${code} (Server Error)!!1</title>\n` +
    `  <p><b>${code}.</b> <ins>That’s an error.</ins>\n  <p>${reason}  <ins>That’s all we know.</ins>\n`;
  return { status: code, body, contentType: 'text/html; charset=UTF-8' };
}

export interface ScriptedErrorParams {
  status: number;
  model: string;
  message?: string;
  retryDelay?: string;
  html?: boolean;
}

export function scriptedError({
  status,
  model,
  message,
  retryDelay,
  html,
}: ScriptedErrorParams): ErrorAnswer {
  if (html ?? status === 502) {
    return frontEndHtml(
      status,
      message ??
        'The server encountered a temporary error and could not complete your request.<p>Please try again in 30 seconds.',
    );
  }
  if (status === 429) return quotaExceeded({ model, retryDelay, message });
  return googleError(status, message ?? DEFAULT_MESSAGES[status] ?? 'Unknown error.');
}
