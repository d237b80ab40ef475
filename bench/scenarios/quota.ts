import { performance } from 'node:perf_hooks';
import { redisKeyPrefix } from '../../src/jobs/limit-backend.js';
import type { BotProcess } from '../../test/emulators/bot-process.js';
import type { DiscordEmulator } from '../../src/playground/discord/index.js';
import { DEFAULT_REDIS_URL, deleteOwnKeys } from '../../test/support/redis.js';
import type { ScenarioReport, Table } from '../report.js';
import { formatMs, formatRatio, median, p99 } from '../stats.js';
import { benchUsers, countBy, waitForFinishedJobs, type FinishedJob } from '../support/bot-logs.js';
import { portOf, type HttpTap } from '../support/http-tap.js';
import { withWorld } from '../support/worlds.js';

const RPM = 600;
const JOBS = 200;
const USERS = 10;
const LATENCY_MS = 300;
/**
 * The shared server. Every key the bots write starts with the prefix of the run's own random API
 * key (see redisKeyPrefix), so the run neither sees nor deletes anyone else's keys there.
 */
const REDIS_URL = process.env.REDIS_URL || DEFAULT_REDIS_URL;
const THEORETICAL_MS = (JOBS / RPM) * 60_000;

const QUOTA_ENV = {
  GEMINI_RPM: String(RPM),
  GEMINI_CONCURRENCY: '4',
  // Retries on, as in production: a 429 costs a retry, not a lost job.
  GEMINI_MAX_ATTEMPTS: '4',
  USER_RPM: '1000',
  MAX_QUEUE: '1000',
};

interface QuotaRun {
  readonly label: string;
  readonly completionMs: number;
  readonly finished: FinishedJob[];
  readonly rejected429: number;
  readonly requests: number;
  readonly arrivals: number[];
  /** performance.now() just before the first dispatch. */
  readonly dispatchStartedAt: number;
  /** Message edits the bots made: progress (JSON) and results (multipart), with their start times. */
  readonly progressEdits: number;
  readonly resultEdits: number;
  readonly editStarts: number[];
  /** From the last Gemini answer to the last job finished. */
  readonly tailMs: number;
}

/** Scenario 3: 200 jobs from 10 users at GEMINI_RPM=600 against an emulator enforcing 600/min. */
export async function quotaScenario(tap: HttpTap): Promise<ScenarioReport> {
  const runs: QuotaRun[] = [];
  const errors: string[] = [];
  try {
    runs.push(await singleProcess(tap));
  } catch (err) {
    errors.push(`one process: ${message(err)}`);
  }
  try {
    runs.push(await twoProcesses(tap));
  } catch (err) {
    errors.push(`two processes: ${message(err)}`);
  }
  return {
    title: '3. Quota use: 200 jobs from 10 users at GEMINI_RPM=600',
    method: `all ${JOBS} /imagine jobs dispatched at once (users in turn); completion = first dispatch -> last job.finished log line; theoretical minimum = ${JOBS} jobs at ${RPM}/min = ${THEORETICAL_MS / 1000} s; the Gemini emulator enforces ${RPM} requests per sliding 60 s window and answers in ${LATENCY_MS} ms; GEMINI_CONCURRENCY=4, retries on; two processes = two emulated Discords (one bot each, ${JOBS / 2} jobs each from ${USERS / 2} users) sharing one Gemini emulator and Redis (${REDIS_URL}).`,
    tables: [table(runs)],
    notes: [
      ...runs.filter((r) => r.tailMs > 2000).map(tailNote),
      `${JOBS} requests can never exceed ${RPM} in a 60 s window, so the emulator cannot answer 429 here unless the bot retries or bursts far past the quota; the figures that tell how well the quota is used are the ratio and the spacing of request starts (at ${RPM}/min a start every ${60_000 / RPM} ms, so at most ${RPM / 60} in any 1 s).`,
      'The Discord emulator broadcasts each interaction to every gateway session of its token, so two bots on one emulated Discord would both take every command; the two-process run therefore gives each bot its own emulated Discord, as two shards would.',
    ],
    ...(errors.length > 0 ? { error: errors.join('; ') } : {}),
  };
}

async function singleProcess(tap: HttpTap): Promise<QuotaRun> {
  return withWorld({ env: QUOTA_ENV, gemini: { quotaRpm: RPM } }, async (world) => {
    world.gemini.setDefault({ kind: 'image', latencyMs: LATENCY_MS });
    await world.gemini.warmUp([{ model: 'gemini-3.1-flash-image' }]);
    const since = performance.now();
    const started = Date.now();
    await dispatchAll([{ discord: world.discord, users: benchUsers(USERS) }], JOBS);
    const finished = await waitForFinishedJobs([world.bot], JOBS, 120_000);
    const urls = { gemini: world.gemini.baseUrl, discords: [world.discord.url] };
    return summarise('One process', started, finished, world.gemini.stats.rejected429, tap, urls, since);
  });
}

async function twoProcesses(tap: HttpTap): Promise<QuotaRun> {
  let apiKey: string | undefined;
  try {
    return await withWorld(
      { env: { ...QUOTA_ENV, REDIS_URL }, gemini: { quotaRpm: RPM } },
      async (world, extras) => {
        apiKey = world.secrets.apiKey;
        world.gemini.setDefault({ kind: 'image', latencyMs: LATENCY_MS });
        await world.gemini.warmUp([{ model: 'gemini-3.1-flash-image' }]);
        const second = await extras.startWithOwnDiscord(world.env);
        const bots: BotProcess[] = [world.bot, second.bot];
        const since = performance.now();
        const started = Date.now();
        await dispatchAll(
          [
            { discord: world.discord, users: benchUsers(USERS / 2) },
            { discord: second.discord, users: benchUsers(USERS / 2, USERS / 2) },
          ],
          JOBS,
        );
        const finished = await waitForFinishedJobs(bots, JOBS, 120_000);
        const label = 'Two processes sharing Redis';
        const urls = { gemini: world.gemini.baseUrl, discords: [world.discord.url, second.discord.url] };
        return summarise(label, started, finished, world.gemini.stats.rejected429, tap, urls, since);
      },
    );
  } finally {
    // After the bots have stopped, so that none writes a key again behind the clean-up.
    if (apiKey) {
      await deleteOwnKeys(REDIS_URL, redisKeyPrefix(apiKey)).catch((err: unknown) => {
        console.warn(`could not delete the benchmark's Redis keys: ${message(err)}`);
      });
    }
  }
}

/** Dispatches `total` commands as fast as possible, spreading them over the Discords and their users in turn. */
async function dispatchAll(
  targets: readonly { discord: DiscordEmulator; users: ReturnType<typeof benchUsers> }[],
  total: number,
): Promise<void> {
  for (let i = 0; i < total; i++) {
    const target = targets[i % targets.length]!;
    const user = target.users[Math.floor(i / targets.length) % target.users.length]!;
    await target.discord.dispatchCommand('imagine', { prompt: `quota job ${i}` }, { user });
  }
}

function summarise(
  label: string,
  started: number,
  finished: FinishedJob[],
  rejected429: number,
  tap: HttpTap,
  urls: { gemini: string; discords: string[] },
  since: number,
): QuotaRun {
  const exchanges = tap.on(portOf(urls.gemini), since);
  const edits = urls.discords
    .flatMap((url) => tap.on(portOf(url), since))
    .filter((e) => e.method === 'PATCH' && e.url.startsWith('/api/'));
  const resultEdits = edits.filter((e) => e.contentType.startsWith('multipart/')).length;
  const completionMs = Math.max(...finished.map((f) => f.time)) - started;
  return {
    label,
    completionMs,
    finished,
    rejected429,
    requests: exchanges.length,
    arrivals: exchanges.map((e) => e.startAt).sort((a, b) => a - b),
    dispatchStartedAt: since,
    progressEdits: edits.length - resultEdits,
    resultEdits,
    editStarts: edits.map((e) => e.startAt).sort((a, b) => a - b),
    tailMs: since + completionMs - Math.max(...exchanges.map((e) => e.finishAt ?? 0)),
  };
}

function table(runs: readonly QuotaRun[]): Table {
  return {
    headers: [
      'Setup',
      'Completion',
      'Theoretical minimum',
      'Ratio',
      '429s seen',
      'Gemini requests',
      'Jobs by result',
      'First dispatch -> first request',
      'Span of request starts (ideal 19.9 s)',
      'Gap between starts: min / p50 / p99',
      'Most starts in any 1 s',
      'Message edits: progress / result (most in any 1 s)',
      'Last Gemini answer -> last job finished',
    ],
    rows: runs.map((r) => [
      r.label,
      formatMs(r.completionMs),
      formatMs(THEORETICAL_MS),
      formatRatio(r.completionMs / THEORETICAL_MS),
      String(r.rejected429),
      String(r.requests),
      Object.entries(countBy(r.finished, (f) => f.result))
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
      formatMs((r.arrivals[0] ?? Number.NaN) - r.dispatchStartedAt),
      formatMs((r.arrivals.at(-1) ?? Number.NaN) - (r.arrivals[0] ?? Number.NaN)),
      gapSummary(r.arrivals),
      String(mostInWindow(r.arrivals, 1000)),
      `${r.progressEdits} / ${r.resultEdits} (${mostInWindow(r.editStarts, 1000)})`,
      formatMs(r.tailMs),
    ]),
  };
}

function tailNote(r: QuotaRun): string {
  const spanS = ((r.editStarts.at(-1) ?? 0) - (r.editStarts[0] ?? 0)) / 1000;
  const rate = r.editStarts.length / Math.max(spanS, 0.001);
  return `${r.label}: ${formatMs(r.tailMs)} of the completion time came after the last Gemini answer. Message edits averaged ${rate.toFixed(0)}/s over ${spanS.toFixed(1)} s, and progress edits outnumbered results ${(r.progressEdits / Math.max(1, r.resultEdits)).toFixed(1)} to 1.`;
}

function gapSummary(sorted: readonly number[]): string {
  const gaps = sorted.slice(1).map((t, i) => t - sorted[i]!);
  return [Math.min(...gaps), median(gaps), p99(gaps)].map(formatMs).join(' / ');
}

function mostInWindow(sorted: readonly number[], windowMs: number): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
