import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, resolve } from 'node:path';
import type { DiscordEmulator } from '../discord/index.js';
import { BadRequest, PlaygroundActions } from './actions.js';
import { LiveFeed } from './live.js';
import { memberView, messageView, threadView } from './views.js';

/** Enough for a few pictures in base64 from the file picker. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};
const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
};

export interface PageServerOptions {
  discord: DiscordEmulator;
  /** The pictures come from the Gemini emulator: the page labels each as an offline placeholder. */
  placeholders: boolean;
  host: string;
  port: number;
}

export interface PageServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** The page (static files, no build) and the small JSON API behind it, on one port. */
export async function startPageServer(options: PageServerOptions): Promise<PageServer> {
  const { discord } = options;
  const pageDir = findPageDir();
  const actions = new PlaygroundActions(discord);
  const state = () => ({
    placeholders: options.placeholders,
    bot: { id: discord.botUserId, username: 'banana-bot' },
    guild: { id: discord.guildId, name: 'Playground' },
    channel: { id: discord.channelId, name: 'general' },
    members: actions.members().map(memberView),
    commands: discord.commands(discord.guildId),
    messages: discord.messages.map((m) => messageView(discord, m)),
    threads: discord.threads.map(threadView),
  });
  const feed = new LiveFeed(discord, state);
  const posts: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    '/api/messages': (body) => actions.postMessage(body),
    '/api/commands': (body) => actions.runCommand(body),
    '/api/components': (body) => actions.pressComponent(body),
    '/api/modals': (body) => actions.submitModal(body),
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://playground');
    const method = req.method ?? 'GET';
    if (method === 'POST' && url.pathname in posts) {
      refuseCrossSite(req);
      const body = await readJson(req);
      return sendJson(res, 200, await posts[url.pathname]!(body));
    }
    if (method !== 'GET' && method !== 'HEAD') return sendText(res, 405, 'Method Not Allowed');
    if (url.pathname === '/api/state') return sendJson(res, 200, state());
    if (url.pathname === '/api/events') return feed.attach(res);
    if (url.pathname.startsWith('/attachments/')) return serveAttachment(res, discord, url);
    const name = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    if (!/^[a-z0-9-]+\.(html|css|js|svg)$/.test(name)) return sendText(res, 404, 'Not Found');
    const file = join(pageDir, name);
    if (!existsSync(file)) return sendText(res, 404, 'Not Found');
    res.writeHead(200, {
      'content-type': STATIC_TYPES[extname(name)] ?? 'text/plain',
      'cache-control': 'no-cache',
    });
    res.end(await readFile(file));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpProblem ? err.status : 400;
      // The emulator's refusals (an unknown option, an empty required input) are what the member did wrong.
      const message = err instanceof Error ? err.message : String(err);
      if (!res.headersSent) sendJson(res, status, { error: message });
      else res.end();
    });
  });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(options.port, options.host, () => res());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  return {
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`,
    async stop() {
      feed.close();
      server.closeAllConnections();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Another web site open in the same browser could otherwise post to the playground (and spend a real
 * Gemini key): a JSON body needs a CORS preflight, which this server never grants, and a browser names
 * the page that sent the request in Origin.
 */
function refuseCrossSite(req: IncomingMessage): void {
  if (!req.headers['content-type']?.startsWith('application/json')) {
    throw new HttpProblem(415, 'send JSON');
  }
  const origin = req.headers.origin;
  if (origin !== undefined && new URL(origin).host !== req.headers.host) {
    throw new HttpProblem(403, 'requests from other sites are refused');
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > MAX_BODY_BYTES) throw new HttpProblem(413, 'too large: at most 64 MiB of files at once');
    chunks.push(chunk);
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new BadRequest('not an object');
    return parsed as Record<string, unknown>;
  } catch {
    throw new HttpProblem(400, 'the body is not a JSON object');
  }
}

function serveAttachment(res: ServerResponse, discord: DiscordEmulator, url: URL): void {
  let data: Buffer;
  try {
    data = discord.fetchAttachment(url.pathname);
  } catch {
    return sendText(res, 404, 'Not Found');
  }
  res.writeHead(200, {
    'content-type':
      IMAGE_TYPES[extname(decodeURIComponent(url.pathname)).toLowerCase()] ?? 'application/octet-stream',
    'content-length': data.length,
    'cache-control': 'private, max-age=86400',
  });
  res.end(data);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

/**
 * The page's static files stay in the source tree (src/playground/page), beside the compiled code or
 * not: walk up from this module until the project folder that holds them.
 */
function findPageDir(): string {
  let dir = import.meta.dirname;
  for (;;) {
    const candidate = join(dir, 'src', 'playground', 'page');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`the playground page is missing (looked above ${import.meta.dirname})`);
    dir = resolve(parent);
  }
}
