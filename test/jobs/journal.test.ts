import { pino } from 'pino';
import type { Phrase } from '../../src/text/catalogue.js';
import { describe, expect, test } from 'vitest';
import type { GeminiAdapter, Outcome } from '../../src/core/generation.js';
import type { JournalEntry } from '../../src/core/journal.js';
import type { DeliveryTarget, JobRequest, JobResult, TargetRef } from '../../src/core/job.js';
import { whyNotResumed } from '../../src/discord/resume.js';
import { fitToUploadLimit } from '../../src/images/fit.js';
import {
  JobJournal,
  journaledRequest,
  parseJournaledJob,
  requestFromJournal,
} from '../../src/jobs/journal.js';
import { memoryLimitBackend } from '../../src/jobs/limit-backend.js';
import { JobPipeline } from '../../src/jobs/pipeline.js';
import { FAILED_TWICE, LOST_IN_RESTART, MAYBE_POSTED } from '../../src/jobs/present.js';
import { UserLimits } from '../../src/jobs/user-limits.js';
import { openStore, type Store } from '../../src/store/store.js';
import { png } from '../support/images.js';

const log = pino({ level: 'silent' });
const PNG = await png(8, 8);
const imageOutcome: Outcome = {
  kind: 'images',
  images: [{ mimeType: 'image/png', extension: 'png', data: PNG }],
  text: 'done',
  modelParts: [{ imageIndex: 0 }],
};

const ref: TargetRef = {
  kind: 'message',
  channelId: 'c',
  replyTo: 'm0',
  userId: 'u1',
  prompt: 'a fox',
  uploadLimit: 1 << 20,
};

/** A store whose every journal call is written into `calls` first (and may be made to hang). */
function watchedStore(calls: string[], hang = false): Store {
  const store = openStore(':memory:');
  const never = new Promise<never>(() => undefined);
  const watch =
    <A extends unknown[], R>(name: string, run: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      calls.push(`${name}:${typeof args[1] === 'string' ? args[1] : ''}`);
      return hang ? never : run(...args);
    };
  return Object.assign(store, {
    journalAdd: watch('add', store.journalAdd.bind(store)),
    journalMark: watch('mark', store.journalMark.bind(store)),
    journalDone: watch('done', store.journalDone.bind(store)),
  });
}

/** One bot process on `store`; its Gemini answers at once, or never (`hang`: the job stays running). */
function setup(store: Store, calls: string[], opts: { hang?: boolean; now?: () => number } = {}) {
  const gemini: GeminiAdapter = {
    model: 'gemini-test',
    generate: () => {
      calls.push('gemini');
      return opts.hang ? new Promise<never>(() => undefined) : Promise.resolve(imageOutcome);
    },
  };
  const journal = new JobJournal(store, {
    leaseMs: 10_000,
    log,
    waitMs: 50,
    ...(opts.now ? { now: opts.now } : {}),
  });
  const pipeline = new JobPipeline({
    gemini,
    store,
    limits: new UserLimits({ perMinute: 1000, perDay: 0, backend: memoryLimitBackend(store) }),
    images: {
      load: () => Promise.resolve({ mimeType: 'image/png', data: PNG }),
      release: () => Promise.resolve(),
      fitForUpload: (image, basename, limit) => fitToUploadLimit({ ...image, basename }, limit),
      shrinkDraft: (data, basename) => Promise.resolve({ filename: `${basename}.jpg`, data }),
    },
    log,
    concurrency: 1,
    maxQueue: 10,
    progressIntervalMs: 0,
    journal,
  });
  const results: JobResult[] = [];
  const target: DeliveryTarget = {
    uploadLimit: 1 << 20,
    ref,
    progress: () => Promise.resolve(),
    deliver: (r) => {
      calls.push(`deliver:${r.kind}`);
      results.push(r);
      return Promise.resolve(
        r.kind === 'images' ? { messageId: 'm1', channelId: 'c', threadId: null } : undefined,
      );
    },
  };
  return { pipeline, journal, target, results };
}

const request: JobRequest = {
  kind: 'edit',
  userId: 'u1',
  guildId: 'g',
  channelId: 'c',
  prompt: 'a fox',
  inputs: [
    {
      filename: 'in.png',
      declaredSize: 10,
      url: () => Promise.resolve('https://cdn/in.png'),
      ref: { kind: 'url', url: 'https://cdn/in.png' },
    },
  ],
};
const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('the job journal', () => {
  test('a job is written down before it is queued, marked running before Gemini and delivering before Discord, crossed out after', async () => {
    const calls: string[] = [];
    const { pipeline, target, results } = setup(watchedStore(calls), calls);
    const submission = await pipeline.submit(request, () => target);
    expect(submission.ok).toBe(true);
    expect(calls[0]).toMatch(/^add:/);
    await until(() => calls.some((c) => c.startsWith('done')));
    expect(
      calls.map((c) =>
        c.replace(/:.*/, (m) => (m.startsWith(':running') || m.startsWith(':delivering') ? m : '')),
      ),
    ).toEqual(['add', 'mark:running', 'gemini', 'mark:delivering', 'deliver', 'done']);
    expect(results[0]?.kind).toBe('images');
  });

  test('a journal that never answers holds a job up no longer than its wait, and fails none', async () => {
    const calls: string[] = [];
    const { pipeline, target, results } = setup(watchedStore(calls, true), calls);
    const started = Date.now();
    await pipeline.submit(request, () => target);
    await until(() => results.length > 0);
    expect(results[0]?.kind).toBe('images');
    // Three bounded waits (add, running, delivering) of 50 ms, not a hang.
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('what is written down is enough to run the job again: inputs by where to find them, the target, the reservation', async () => {
    const calls: string[] = [];
    const store = watchedStore(calls);
    const first = setup(store, calls, { hang: true });
    await first.journal.start();
    await first.pipeline.submit(request, () => first.target);
    await until(() => calls.includes('gemini'));
    // The first process is alive: nothing to take over. Once its lease has run out, the job is another's.
    expect(await new JobJournal(store, { leaseMs: 10_000, log }).takeOver()).toEqual([]);
    const later = new JobJournal(store, { leaseMs: 10_000, log, now: () => Date.now() + 60_000 });
    const [entry] = await later.takeOver();
    expect(entry).toMatchObject({ state: 'running', attempts: 1 });
    const job = parseJournaledJob(entry!.payload);
    expect(job.target).toEqual(ref);
    expect(job.reservation.userId).toBe('u1');
    const again = requestFromJournal(job.request, (input) => ({
      ...input,
      url: () => Promise.resolve(`found:${input.filename}`),
    }));
    expect(again.prompt).toBe('a fox');
    expect(await again.inputs[0]!.url()).toBe('found:in.png');
    await first.journal.stop();
  });

  test('a request with an input that cannot be found again is not journaled', () => {
    expect(
      journaledRequest({ ...request, inputs: [{ filename: 'x', url: () => Promise.resolve('u') }] }),
    ).toBeUndefined();
  });

  test('a job taken over keeps its attempts: sent to Gemini again, it is written down as the second', async () => {
    const calls: string[] = [];
    const store = watchedStore(calls);
    const first = setup(store, calls, { hang: true });
    await first.pipeline.submit(request, () => first.target);
    await until(() => calls.includes('gemini'));
    // The first process died (it never took a lease); the second takes its job over and runs it.
    const second = setup(store, calls, { hang: true });
    const [entry] = await second.journal.takeOver();
    const job = parseJournaledJob(entry!.payload);
    second.pipeline.resume({
      id: entry!.jobId,
      request: requestFromJournal(job.request, (input) => ({ ...input, url: () => Promise.resolve('u') })),
      target: second.target,
      reservation: job.reservation,
      attempts: entry!.attempts,
    });
    await until(() => calls.filter((c) => c === 'gemini').length === 2);
    await new Promise((r) => setTimeout(r, 20));
    const [seen] = await new JobJournal(store, {
      leaseMs: 1,
      log,
      now: () => Date.now() + 60_000,
    }).takeOver();
    expect(seen).toMatchObject({ state: 'running', attempts: 2 });
  });

  test('an abandoned job tells its member why and is never sent to Gemini', async () => {
    const calls: string[] = [];
    const { pipeline, target, results } = setup(watchedStore(calls), calls);
    await pipeline.abandon(
      { id: 'j8', request, target, reservation: { userId: 'u1', day: '2026-11-23' }, attempts: 0 },
      LOST_IN_RESTART,
    );
    expect(results).toEqual([{ kind: 'failed', message: LOST_IN_RESTART }]);
    expect(calls).not.toContain('gemini');
  });
});

describe('which journaled jobs are run again', () => {
  const entry = (over: Partial<JournalEntry>): JournalEntry => ({
    jobId: 'j',
    owner: 'gone',
    state: 'queued',
    attempts: 0,
    payload: '{}',
    createdAt: 1_000_000,
    ...over,
  });
  const MAX = 30 * 60_000;
  test.each<[string, Partial<JournalEntry>, number, Phrase | undefined]>([
    ['a queued job, young enough', {}, 1_000_000 + 60_000, undefined],
    ['a job sent to Gemini once', { state: 'running', attempts: 1 }, 1_000_000 + 60_000, undefined],
    [
      'a job sent to Gemini twice already',
      { state: 'running', attempts: 2 },
      1_000_000 + 60_000,
      FAILED_TWICE,
    ],
    ['a job whose result was being posted', { state: 'delivering', attempts: 1 }, 1_000_000, MAYBE_POSTED],
    ['a job older than RESUME_MAX_AGE', {}, 1_000_000 + MAX + 1, LOST_IN_RESTART],
  ])('%s: %j at %d -> %s', (_, over, now, why) => {
    expect(whyNotResumed(entry(over), MAX, now)).toBe(why);
  });
});
