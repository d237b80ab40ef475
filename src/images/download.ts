import { open, rm, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import fetch, { type Response } from 'node-fetch';
import { UserError } from '../errors.js';
import { inputMessages } from './messages.js';
import { SpooledFile } from './spool.js';

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
 * Downloads an attachment into the file at `path` with every guard on: allow-listed hosts,
 * redirects only to allowed URLs, a cap on the declared and the streamed size, and deadlines on
 * silence and on the whole. Every failure the sender can cause is a UserError naming the file, and
 * leaves no file behind; a failure of our own disk is not theirs and is thrown as it is.
 */
export async function downloadAttachment(
  rawUrl: string,
  filename: string,
  policy: DownloadPolicy,
  path: string,
  declaredSize?: number,
  /** The job's: a cancelled job (the bot is shutting down) stops downloading at once. */
  signal?: AbortSignal,
): Promise<SpooledFile> {
  if (declaredSize !== undefined && declaredSize > policy.maxBytes) {
    throw new UserError(inputMessages.tooLarge(filename, declaredSize, policy.maxBytes));
  }
  if (!isAllowedUrl(rawUrl, policy.allowedHosts)) throw new UserError(inputMessages.notAllowedHost(filename));

  const controller = new AbortController();
  const abort = () => controller.abort();
  signal?.throwIfAborted();
  signal?.addEventListener('abort', abort, { once: true });
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
      return new SpooledFile(path, await saveCapped(res, path, policy.maxBytes, touch, filename));
    }
  } catch (err) {
    await rm(path, { force: true });
    if (err instanceof UserError || isLocalFileError(err)) throw err;
    if (signal?.aborted) throw signal.reason;
    if (controller.signal.aborted) throw new UserError(inputMessages.tooSlow(filename));
    throw new UserError(inputMessages.downloadFailed(filename));
  } finally {
    signal?.removeEventListener('abort', abort);
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

/** Downloads reach the disk in blocks this size: one write per MiB, not one per network read. */
const WRITE_BLOCK = 1 << 20;

/** The body into the file, counted as it streams: Content-Length can lie or be absent (chunked, gzip). */
async function saveCapped(
  res: Response,
  path: string,
  maxBytes: number,
  touch: () => void,
  filename: string,
) {
  const body = bodyOf(res);
  const file = await open(path, 'wx', 0o600);
  try {
    const block = Buffer.allocUnsafe(WRITE_BLOCK);
    let filled = 0;
    let received = 0;
    for await (const chunk of body ?? []) {
      touch();
      const buf = chunk as Buffer;
      received += buf.length;
      if (received > maxBytes) {
        discard(res);
        throw new UserError(inputMessages.tooLargeStream(filename, maxBytes));
      }
      for (let offset = 0; offset < buf.length;) {
        const copied = buf.copy(block, filled, offset);
        filled += copied;
        offset += copied;
        if (filled === block.length) filled = await writeAll(file, block, filled);
      }
    }
    await writeAll(file, block, filled);
    return received;
  } finally {
    await file.close();
  }
}

/** Writes the first `length` bytes of the block at the end of the file; the block is free again after. */
async function writeAll(file: FileHandle, block: Buffer, length: number): Promise<0> {
  for (let written = 0; written < length;) {
    written += (await file.write(block, written, length - written)).bytesWritten;
  }
  return 0;
}

/** The spool's own file system failing (full, gone), as opposed to the network or the sender. */
function isLocalFileError(err: unknown): boolean {
  const syscall = (err as NodeJS.ErrnoException | null)?.syscall;
  return syscall === 'open' || syscall === 'write' || syscall === 'close';
}
