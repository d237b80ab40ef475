import type { RecordedFile } from './types.js';

export interface ApiRequest {
  method: string;
  path: string;
  /** The OpenAPI template, e.g. `/channels/{channel_id}/messages`. */
  route: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  files: RecordedFile[];
}

export interface ApiResult {
  status: number;
  body?: unknown;
}

export type RouteHandler = (req: ApiRequest) => Promise<ApiResult> | ApiResult;

/** Keyed by `METHOD template`, e.g. `POST /channels/{channel_id}/messages`. */
export type RouteTable = Record<string, RouteHandler>;

export function param(req: ApiRequest, name: string): string {
  return req.params[name] ?? '';
}

export function bodyObject(req: ApiRequest): Record<string, unknown> {
  return req.body !== null && typeof req.body === 'object' && !Array.isArray(req.body)
    ? (req.body as Record<string, unknown>)
    : {};
}
