import type { Readable } from 'node:stream';
import fetch, { type Response } from 'node-fetch';
import { UserError } from '../errors.js';
import { inputMessages } from './messages.js';

export interface DownloadPolicy {
  /**
   * `host`: https on its standard port; `host:port`: that port, https or plain http (plain http
   * only exists for hosts an operator names with their port: a local proxy, the test CDN).
   */
  readonly allowedHosts: readonly string[];
  readonly maxBytes: number;
  /** No byte for this long, or no answer at all, ends the download. */
  readonly idleTimeoutMs: number;
  readonly totalTimeoutMs: number;
}

const MAX_REDIRECTS = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Which URLs the bot may fetch: allow-listed hosts only, so a pasted URL cannot reach the bot's own network. */
export function isAllowedUrl(raw: string, allowedHosts: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  const listed = (entry: string) => allowedHosts.some((allowed) => allowed.toLowerCase() === entry);
  // URL lower-cases the host and drops a default port, so "HTTPS://Host:443/" is "https://host/".
  const host = url.hostname;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  if (listed(`${host}:${port}`)) return true;
  return url.protocol === 'https:' && url.port === '' && listed(host);
}

/**
 * Downloads an attachment with every guard on: allow-listed hosts, redirects only to allowed
 * URLs, a cap on the declared and the streamed size, and deadlines on silence and on the whole.
 * Every failure is a UserError naming the file.
 */
export async function downloadAttachment(
  rawUrl: string,
  filename: string,
  policy: DownloadPolicy,
  declaredSize?: number,
): Promise<Buffer> {
  if (declaredSize !== undefined && declaredSize > policy.maxBytes) {
    throw new UserError(inputMessages.tooLarge(filename, declaredSize, policy.maxBytes));
  }
  if (!isAllowedUrl(rawUrl, policy.allowedHosts)) throw new UserError(inputMessages.notAllowedHost(filename));

  const controller = new AbortController();
  const abort = () => controller.abort();
  const total = setTimeout(abort, policy.totalTimeoutMs);
  let idle = setTimeout(abort, policy.idleTimeoutMs);
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(abort, policy.idleTimeoutMs);
  };
  try {
    let url = rawUrl;
    for (let redirects = 0; ; redirects++) {
      const res = await fetch(url, { redirect: 'manual', signal: controller.signal, size: 0 });
      // An abort after we stop reading still errors the body stream; nobody may be listening then.
      bodyOf(res)?.on('error', () => {});
      touch();
      const location = res.headers.get('location');
      if (REDIRECT_STATUSES.has(res.status) && location) {
        discard(res);
        if (redirects >= MAX_REDIRECTS) throw new UserError(inputMessages.tooManyRedirects(filename));
        url = new URL(location, url).toString();
        if (!isAllowedUrl(url, policy.allowedHosts))
          throw new UserError(inputMessages.redirectedAway(filename));
        continue;
      }
      if (!res.ok) {
        discard(res);
        throw new UserError(inputMessages.httpStatus(filename, res.status));
      }
      const length = Number(res.headers.get('content-length') ?? NaN);
      if (Number.isFinite(length) && length > policy.maxBytes) {
        discard(res);
        throw new UserError(inputMessages.tooLarge(filename, length, policy.maxBytes));
      }
      return await readCapped(res, policy.maxBytes, touch, filename);
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    if (controller.signal.aborted) throw new UserError(inputMessages.tooSlow(filename));
    throw new UserError(inputMessages.downloadFailed(filename));
  } finally {
    clearTimeout(total);
    clearTimeout(idle);
  }
}

/** Closes the connection instead of draining a body we will not use (it may be 30 MB, or endless). */
function discard(res: Response): void {
  bodyOf(res)?.destroy();
}

/** node-fetch types its body as the minimal NodeJS.ReadableStream; at run time it is a Readable. */
function bodyOf(res: Response): Readable | null {
  return res.body as Readable | null;
}

async function readCapped(res: Response, maxBytes: number, touch: () => void, filename: string) {
  const body = bodyOf(res);
  if (!body) return Buffer.alloc(0);
  // With a plain declared length (Discord's CDN always sends one) the bytes go straight into one
  // buffer, instead of being held twice as chunks and then their concatenation.
  const declared = res.headers.get('content-encoding')
    ? NaN
    : Number(res.headers.get('content-length') ?? NaN);
  let whole =
    Number.isInteger(declared) && declared > 0 && declared <= maxBytes
      ? Buffer.allocUnsafe(declared)
      : undefined;
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of body) {
    touch();
    const buf = chunk as Buffer;
    // Content-Length can lie or be absent (chunked, gzip): the stream itself is what counts.
    if (received + buf.length > maxBytes) {
      discard(res);
      throw new UserError(inputMessages.tooLargeStream(filename, maxBytes));
    }
    if (whole && received + buf.length <= whole.length) {
      buf.copy(whole, received);
    } else {
      // More than declared: fall back to collecting chunks.
      if (whole) chunks.push(whole.subarray(0, received));
      whole = undefined;
      chunks.push(buf);
    }
    received += buf.length;
  }
  if (whole) return received === whole.length ? whole : whole.subarray(0, received);
  return Buffer.concat(chunks, received);
}
