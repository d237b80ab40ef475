import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorCore } from './core.js';
import { DiscordApiError, methodNotAllowed, notFound, unauthorized } from './errors.js';
import { headersOf, parseRequestBody, rateLimitHeaders, readBodyWithin, sendJson } from './http-io.js';
import type { RouteTable } from './route-types.js';
import type { SpecValidator } from './spec.js';
import type { RecordedRequest } from './types.js';

const API_PREFIX = /^\/api\/v(\d+)(\/.*)?$/;
const CDN_ROUTE = '/attachments/{channel_id}/{attachment_id}/{filename}';

export interface RequestHandlerDeps {
  core: EmulatorCore;
  spec: SpecValidator;
  routes: RouteTable;
}

/** The REST API and the CDN: record every request, check auth, size and body, then run the route. */
export function createRequestHandler(
  deps: RequestHandlerDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const handled = url.pathname.startsWith('/attachments/')
      ? serveCdn(deps.core, req, res, url)
      : serveApi(deps, req, res, url);
    handled.catch((error: unknown) => {
      console.error('discord emulator: request failed', error);
      if (!res.headersSent) sendJson(res, 500, { message: '500: Internal Server Error', code: 0 });
    });
  };
}

async function serveApi(deps: RequestHandlerDeps, req: IncomingMessage, res: ServerResponse, url: URL) {
  const { core, spec, routes } = deps;
  const method = (req.method ?? 'GET').toUpperCase();
  const prefix = API_PREFIX.exec(url.pathname);
  const segments = (prefix?.[2] ?? url.pathname).split('/').filter(Boolean).map(safeDecode);
  const match = prefix?.[1] === '10' ? spec.matchRoute(segments) : null;
  const recorded: RecordedRequest = {
    method,
    path: `/${segments.join('/')}`,
    route: match?.template ?? null,
    query: Object.fromEntries(url.searchParams),
    headers: headersOf(req),
    body: undefined,
    files: [],
    status: 0,
    responseBody: undefined,
    at: Date.now(),
  };
  const violation = (errors: string[]) =>
    core.violations.push({ method, route: recorded.route, path: recorded.path, errors, at: Date.now() });
  let status: number;
  let body: unknown;
  try {
    const raw = await readBodyWithin(req, core.config.maxRequestBytes);
    if (!match) {
      violation([`${method} ${url.pathname} is not a route of the Discord API v10 description`]);
      throw notFound();
    }
    if (!spec.hasOperation(match.template, method)) {
      violation([`${method} is not an operation of ${match.template}`]);
      throw methodNotAllowed();
    }
    if (
      !usesInteractionToken(match.template) &&
      req.headers.authorization !== `Bot ${core.config.botToken}`
    ) {
      throw unauthorized();
    }
    const parsed = await parseRequestBody(raw, req.headers['content-type']);
    recorded.body = parsed.body;
    recorded.files = parsed.files;
    // A files-only upload has no payload_json to check.
    if (!(parsed.isMultipart && parsed.body === undefined)) {
      const errors = spec.validateBody(match.template, method, parsed.body);
      if (errors.length > 0) violation(errors);
    }
    const fault = injectedFault(core, recorded);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.error) throw fault.error;
    const handler = routes[`${method} ${match.template}`];
    if (!handler) throw notFound();
    const result = await handler({
      method,
      path: recorded.path,
      route: match.template,
      params: match.params,
      query: url.searchParams,
      body: parsed.body,
      files: parsed.files,
    });
    status = result.status;
    body = result.body;
  } catch (error) {
    if (!(error instanceof DiscordApiError)) throw error;
    status = error.status;
    body = error.toBody();
  }
  recorded.status = status;
  recorded.responseBody = body;
  sendJson(res, status, body, rateLimitHeaders(recorded.route ?? recorded.path));
  core.record(recorded);
}

/** What the first injected fault that matches the request does to it, counting its use. */
function injectedFault(
  core: EmulatorCore,
  request: RecordedRequest,
): { delayMs?: number | undefined; error?: DiscordApiError | undefined } | undefined {
  for (const fault of core.faults) {
    if (fault.used >= (fault.times ?? Infinity) || !fault.match(request)) continue;
    fault.used += 1;
    const slowOnly = fault.delayMs !== undefined && fault.status === undefined;
    const status = fault.status ?? 500;
    return {
      delayMs: fault.delayMs,
      error: slowOnly
        ? undefined
        : new DiscordApiError(status, fault.code ?? 0, fault.message ?? `${status}: injected fault`),
    };
  }
  return undefined;
}

/** Interaction callbacks and interaction webhooks authenticate with the token in the path, not the bot token. */
function usesInteractionToken(template: string): boolean {
  return (
    template.startsWith('/interactions/') || template.startsWith('/webhooks/{webhook_id}/{webhook_token}')
  );
}

async function serveCdn(core: EmulatorCore, req: IncomingMessage, res: ServerResponse, url: URL) {
  const method = (req.method ?? 'GET').toUpperCase();
  const segments = url.pathname.split('/').filter(Boolean).map(safeDecode);
  const [, channelId, attachmentId, filename] = segments;
  const file = attachmentId ? core.world.files.get(attachmentId) : undefined;
  const found =
    segments.length === 4 && file !== undefined && file.channelId === channelId && file.filename === filename;
  // A signed link past its `ex` (hex seconds) is refused, as Discord's CDN does.
  const ex = url.searchParams.get('ex');
  const expired = ex !== null && Number.parseInt(ex, 16) * 1000 <= Date.now();
  for await (const _chunk of req as AsyncIterable<Buffer>) void _chunk;
  const status = !found || expired ? 404 : method === 'GET' || method === 'HEAD' ? 200 : 405;
  if (status === 200 && file) {
    res.writeHead(200, {
      'content-type': file.contentType,
      'content-length': file.data.length,
      'cache-control': 'public, max-age=31536000',
    });
    res.end(method === 'HEAD' ? undefined : file.data);
  } else {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(
      expired ? 'This content is no longer available.' : status === 404 ? 'Not Found' : 'Method Not Allowed',
    );
  }
  core.record({
    method,
    path: url.pathname,
    route: CDN_ROUTE,
    query: Object.fromEntries(url.searchParams),
    headers: headersOf(req),
    body: undefined,
    files: [],
    status,
    responseBody: undefined,
    at: Date.now(),
  });
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
