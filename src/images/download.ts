import fetch from 'node-fetch';
import { UserError } from '../errors.js';

export interface DownloadPolicy {
  /** `host` (https only) or `host:port` (https, or plain http because the operator listed it). */
  readonly allowedHosts: readonly string[];
  readonly maxBytes: number;
  /** No byte for this long, or no answer at all, ends the download. */
  readonly idleTimeoutMs: number;
  readonly totalTimeoutMs: number;
}

const MAX_REDIRECTS = 3;
const mib = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

/** Which URLs the bot may fetch: allow-listed hosts only, so a pasted URL cannot reach the bot's own network. */
export function isAllowedUrl(raw: string, allowedHosts: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  const host = url.hostname.toLowerCase();
  const withPort = url.port ? `${host}:${url.port}` : host;
  if (url.protocol === 'https:') return allowedHosts.includes(host) || allowedHosts.includes(withPort);
  // Plain http only where the operator named the exact host:port (a local proxy, the test CDN).
  return url.protocol === 'http:' && url.port !== '' && allowedHosts.includes(withPort);
}

/**
 * Downloads an attachment with every guard on: allow-listed hosts, redirects only to allowed
 * hosts, a cap on the declared and the streamed size, and deadlines on silence and on the whole.
 */
export async function downloadAttachment(
  rawUrl: string,
  filename: string,
  policy: DownloadPolicy,
  declaredSize?: number,
): Promise<Buffer> {
  if (declaredSize !== undefined && declaredSize > policy.maxBytes) {
    throw new UserError(
      `“${filename}” is ${mib(declaredSize)}; the most I accept is ${mib(policy.maxBytes)}.`,
    );
  }
  const controller = new AbortController();
  const total = setTimeout(() => controller.abort(), policy.totalTimeoutMs);
  let idle = setTimeout(() => controller.abort(), policy.idleTimeoutMs);
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(() => controller.abort(), policy.idleTimeoutMs);
  };
  try {
    let url = rawUrl;
    for (let hop = 0; ; hop++) {
      if (!isAllowedUrl(url, policy.allowedHosts)) {
        throw new UserError(
          `I can only use images uploaded to Discord; “${filename}” comes from somewhere else.`,
        );
      }
      const res = await fetch(url, { redirect: 'manual', signal: controller.signal, size: 0 });
      touch();
      if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
        res.body?.resume();
        if (hop >= MAX_REDIRECTS)
          throw new UserError(`I could not download “${filename}” (too many redirects).`);
        url = new URL(res.headers.get('location')!, url).toString();
        continue;
      }
      if (!res.ok) {
        res.body?.resume();
        throw new UserError(
          `I could not download “${filename}” (the server answered ${res.status}). Try uploading it again.`,
        );
      }
      const length = Number(res.headers.get('content-length') ?? NaN);
      if (Number.isFinite(length) && length > policy.maxBytes) {
        res.body?.resume();
        throw new UserError(`“${filename}” is ${mib(length)}; the most I accept is ${mib(policy.maxBytes)}.`);
      }
      const chunks: Buffer[] = [];
      let received = 0;
      for await (const chunk of res.body!) {
        touch();
        const buf = chunk as Buffer;
        received += buf.length;
        if (received > policy.maxBytes) {
          controller.abort();
          throw new UserError(`“${filename}” is larger than ${mib(policy.maxBytes)}, the most I accept.`);
        }
        chunks.push(buf);
      }
      return Buffer.concat(chunks, received);
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    if (controller.signal.aborted) {
      throw new UserError(`Downloading “${filename}” took too long. Try uploading it again.`);
    }
    throw new UserError(`I could not download “${filename}”. Try uploading it again.`);
  } finally {
    clearTimeout(total);
    clearTimeout(idle);
  }
}
