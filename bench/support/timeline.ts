import { performance } from 'node:perf_hooks';
import type {
  CommandOptionValue,
  FakeUser,
  InteractionHandle,
  MessageRecord,
} from '../../src/playground/discord/index.js';
import type { World } from '../../test/emulators/world.js';
import { portOf, type Exchange, type HttpTap } from './http-tap.js';

/** Every instant of one job, in this process's performance.now() time. */
export interface JobTimeline {
  readonly dispatchedAt: number;
  readonly deferAt: number;
  /** First Gemini request: headers arrived, body complete, answer written. */
  readonly geminiStartAt: number;
  readonly geminiBodyEndAt: number;
  readonly geminiFinishAt: number;
  readonly geminiCalls: number;
  /** Bytes of the Gemini request bodies. */
  readonly geminiRequestBytes: number;
  /** Bytes of the Gemini answers. */
  readonly geminiResponseBytes: number;
  /** The edit carrying the file: headers arrived, body completely received. */
  readonly uploadStartAt: number;
  readonly uploadEndAt: number;
  readonly uploadBytes: number;
  /** CDN downloads the bot made for this job: count and bytes answered. */
  readonly cdnGets: number;
  readonly cdnBytes: number;
  readonly message: MessageRecord;
}

/**
 * The reply holds the job's picture: not one of Gemini's drafts, which a long job's progress
 * message carries meanwhile (`draft-<job>-<n>`), with the Gemini answer still on its way.
 */
export const hasImage = (m: MessageRecord) => m.attachments.some((a) => !a.filename.startsWith('draft-'));

/** Time from dispatch to the upload being completely received. */
export const endToEnd = (t: JobTimeline) => t.uploadEndAt - t.dispatchedAt;
/** Gemini's own time: from the whole request being in to the whole answer being written. */
export const modelTime = (t: JobTimeline) => t.geminiFinishAt - t.geminiBodyEndAt;
export const overhead = (t: JobTimeline) => endToEnd(t) - modelTime(t);

/** One command, run alone, followed to its delivered image, with its exchanges read off the tap. */
export async function runTimedJob(
  world: World,
  tap: HttpTap,
  command: string,
  options: Record<string, CommandOptionValue>,
  user?: FakeUser,
  timeoutMs = 60_000,
): Promise<JobTimeline> {
  const since = performance.now();
  const handle = await world.discord.dispatchCommand(command, options, user ? { user } : {});
  const dispatchedAt = performance.now();
  const message = await handle.waitForOriginal(hasImage, timeoutMs);
  return readTimeline(world, tap, handle, since, dispatchedAt, message);
}

function readTimeline(
  world: World,
  tap: HttpTap,
  handle: InteractionHandle,
  since: number,
  dispatchedAt: number,
  message: MessageRecord,
): JobTimeline {
  const discord = tap.on(portOf(world.discord.url), since);
  const mine = discord.filter((e) => e.url.includes(handle.token));
  const defer = mine.find((e) => e.method === 'POST' && e.url.includes('/callback'));
  const upload = mine.filter((e) => e.method === 'PATCH' && e.contentType.startsWith('multipart/')).at(-1);
  const cdn = discord.filter((e) => e.method === 'GET' && e.url.startsWith('/attachments/'));
  const gemini = tap.on(portOf(world.gemini.baseUrl), since);
  const first = gemini[0];
  const last = gemini.at(-1);
  if (!defer) throw new Error('no interaction callback seen');
  if (!upload?.bodyEndAt) throw new Error('no completed upload seen');
  if (!first?.bodyEndAt || !last?.finishAt) {
    const seen = gemini.map(
      (e) =>
        `${e.method} ${e.url} body ${e.bodyEndAt ? 'in' : 'not in'}, answer ${e.finishAt ? 'out' : 'not out'}`,
    );
    throw new Error(`no answered Gemini request seen (${seen.join('; ') || 'none'})`);
  }
  return {
    dispatchedAt,
    deferAt: defer.startAt,
    geminiStartAt: first.startAt,
    geminiBodyEndAt: first.bodyEndAt,
    geminiFinishAt: last.finishAt,
    geminiCalls: gemini.length,
    geminiRequestBytes: sum(gemini.map((e) => e.contentLength)),
    geminiResponseBytes: sum(gemini.map((e) => e.responseLength)),
    uploadStartAt: upload.startAt,
    uploadEndAt: upload.bodyEndAt,
    uploadBytes: upload.contentLength,
    cdnGets: cdn.length,
    cdnBytes: sum(cdn.map((e) => e.responseLength)),
    message,
  };
}

export function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Emulator time of each answered Gemini exchange since `since`, in arrival order. */
export function geminiModelTimes(exchanges: readonly Exchange[]): number[] {
  return exchanges.map((e) => (e.finishAt ?? Number.NaN) - (e.bodyEndAt ?? Number.NaN));
}
