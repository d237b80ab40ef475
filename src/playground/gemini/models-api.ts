import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  apiKeyInvalid,
  apiKeyMissing,
  googleError,
  modelNotFound,
  unknownMethod,
  type ErrorAnswer,
} from './google-errors.js';
import {
  apiKeyOf,
  fromError,
  jsonAnswer,
  waitUnlessClosed,
  writeAnswer,
  type Answer,
} from './http-exchange.js';
import { modelResource, OTHER_LISTED_MODELS } from './model-catalogue.js';
import type { ApiVersion, ModelsApiMode, RecordedModelLookup } from './types.js';

export const GET_MODEL_PATH = /^\/(v1beta|v1)\/models\/([^/:]+)$/;
export const LIST_MODELS_PATH = /^\/(v1beta|v1)\/models\/?$/;

const MAX_PAGE_SIZE = 1000;
const DEFAULT_PAGE_SIZE = 50;

/** What a gateway without the Models API, or a broken one, answers instead. */
function failure(mode: ModelsApiMode, isList: boolean): ErrorAnswer | undefined {
  switch (mode) {
    case 'normal':
      return undefined;
    case 'error':
      return googleError(
        500,
        'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
      );
    case 'not-implemented':
      return googleError(501, 'Operation is not implemented, or supported, or enabled.');
    case 'no-list':
      return isList ? unknownMethod() : undefined;
    case 'hang':
      return undefined;
  }
}

/** GET models/{model}: the resource, or Google's 404 for a model it does not (or no longer) serve. */
export function getModel(
  model: string,
  apiVersion: ApiVersion,
  served: ReadonlySet<string>,
  mode: ModelsApiMode,
): Answer {
  const broken = failure(mode, false);
  if (broken) return fromError(broken);
  if (!served.has(model)) return fromError(modelNotFound(model, apiVersion));
  return jsonAnswer(200, modelResource(model));
}

/** GET models: every served model and a few non-image ones, paged as Google pages them. */
export function listModels(url: URL, served: ReadonlySet<string>, mode: ModelsApiMode): Answer {
  const broken = failure(mode, true);
  if (broken) return fromError(broken);
  const all = [...[...served].sort().map(modelResource), ...OTHER_LISTED_MODELS];
  const requested = Number(url.searchParams.get('pageSize') ?? DEFAULT_PAGE_SIZE);
  const pageSize =
    Number.isInteger(requested) && requested > 0 ? Math.min(requested, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
  const start = Number(url.searchParams.get('pageToken') ?? 0) || 0;
  const page = all.slice(start, start + pageSize);
  const next = start + pageSize < all.length ? { nextPageToken: String(start + pageSize) } : {};
  return jsonAnswer(200, { models: page, ...next });
}

export interface ServedModels {
  readonly apiKey: string | undefined;
  readonly models: ReadonlySet<string>;
  readonly mode: ModelsApiMode;
}

/** The Models API: the key is checked as for generateContent; the quota does not apply. */
export async function answerModelsApi(
  request: IncomingMessage,
  url: URL,
  response: ServerResponse,
  served: ServedModels,
  log: RecordedModelLookup[],
): Promise<void> {
  const single = GET_MODEL_PATH.exec(url.pathname);
  const lookup: RecordedModelLookup = {
    method: 'GET',
    path: url.pathname,
    model: single ? decodeURIComponent(single[2] ?? '') : undefined,
    status: 0,
  };
  log.push(lookup);
  if (served.mode === 'hang') {
    await waitUnlessClosed(Number.POSITIVE_INFINITY, response);
    return;
  }
  const key = apiKeyOf(request, url);
  let answer: Answer;
  if (served.apiKey !== undefined && (key === undefined || key === '')) answer = fromError(apiKeyMissing());
  else if (served.apiKey !== undefined && key !== served.apiKey) answer = fromError(apiKeyInvalid());
  else if (single) answer = getModel(lookup.model ?? '', single[1] as ApiVersion, served.models, served.mode);
  else answer = listModels(url, served.models, served.mode);
  lookup.status = answer.status;
  writeAnswer(response, answer);
}
