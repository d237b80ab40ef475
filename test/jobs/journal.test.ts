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
import { LogEvent } from '../../src/log-events.js';
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

/**
 * A store whose every journal call is written into `calls` first; with a gate, the calls made
 * while it is closed fail as a database that is away does, until it opens.
 */
function watchedStore(calls: string[], gate?: { open: boolean }): Store {
  const store = openStore(':memory:');
  const watch =
    <A extends unknown[], R>(name: string, run: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      calls.push(`${name}:${typeof args[1] === 'string' ? args[1] : ''}`);
      if (gate && !gate.open) {
        // As the PostgreSQL store does: retried while the database is away, then given up.
        await new Promise((r) => setTimeout(r, 100));
        throw new Error('connection refused');
      }
      return run(...args);
    };
  return Object.assign(store, {
    journalAdd: watch('add', store.journalAdd.bind(store)),
    journalMark: watch('mark', store.journalMark.bind(store)),
    journalDone: watch('done', store.journalDone.bind(store)),
  });
}

/** One bot process on `store`; its Gemini answers at once, or never (`hang`: the job stays running). */
function setup(
  store: Store,
  calls: string[],
  opts: { hang?: boolean; now?: () => number; answer?: Promise<Outcome>; log?: typeof log } = {},
) {
  const gemini: GeminiAdapter = {
    model: 'gemini-test',
    generate: () => {
      calls.push('gemini');
      if (opts.answer) return opts.answer;
      return opts.hang ? new Promise<never>(() => undefined) : Promise.resolve(imageOutcome);
    },
  };
  const journal = new JobJournal(store, {
    leaseMs: 10_000,
    log: opts.log ?? log,
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
    log: opts.log ?? log,
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

  test('a journal that does not answer holds a job up no longer than its wait, and its result until it answers; it fails none', async () => {
    const calls: string[] = [];
    const gate = { open: false };
    const store = watchedStore(calls, gate);
    const { pipeline, target, results } = setup(store, calls);
    const started = Date.now();
    await pipeline.submit(request, () => target);
    // Two bounded waits (add, running) of 50 ms, not a hang: Gemini is asked at once.
    await until(() => calls.includes('gemini'));
    expect(Date.now() - started).toBeLessThan(2000);
    // The result is held, not failed, until the journal says the job is still this process's.
    await new Promise((r) => setTimeout(r, 200));
    expect(results).toEqual([]);
    gate.open = true;
    await until(() => results.length > 0);
    expect(results[0]?.kind).toBe('images');
  });

  test('a process whose lease ran out while the database was away drops its result once another took the job over; the job is posted once', async () => {
    const base = openStore(':memory:');
    const gate = { open: true };
    const away = async <R>(run: () => Promise<R>): Promise<R> => {
      if (!gate.open) {
        await new Promise((r) => setTimeout(r, 50));
        throw new Error('connection refused');
      }
      return run();
    };
    // Process A reaches the database through `gate`; process B always does.
    const viaGate: Store = {
      ...base,
      journalAdd: (e) => away(() => base.journalAdd(e)),
      journalMark: (...a) => away(() => base.journalMark(...a)),
      journalUpdate: (...a) => away(() => base.journalUpdate(...a)),
      journalDone: (...a) => away(() => base.journalDone(...a)),
      journalRenew: (...a) => away(() => base.journalRenew(...a)),
    };
    const calls: string[] = [];
    let answer: (o: Outcome) => void = () => undefined;
    const lines: { event?: string }[] = [];
    const aLog = pino(
      { level: 'warn' },
      { write: (l: string) => void lines.push(JSON.parse(l) as { event?: string }) },
    );
    const a = setup(viaGate, calls, { answer: new Promise<Outcome>((r) => (answer = r)), log: aLog });
    await a.journal.start();
    await a.pipeline.submit(request, () => a.target);
    await until(() => calls.includes('gemini'));

    // The database goes away for A; long after A's lease has run out, B takes the job over and posts it.
    gate.open = false;
    const b = setup(base, calls, { now: () => Date.now() + 60_000 });
    const [entry] = await b.journal.takeOver();
    expect(entry?.jobId).toBeDefined();
    const job = parseJournaledJob(entry!.payload);
    b.pipeline.resume({
      id: entry!.jobId,
      request: requestFromJournal(job.request, (input) => ({ ...input, url: () => Promise.resolve('u') })),
      target: b.target,
      reservation: job.reservation,
      attempts: entry!.attempts,
    });
    await until(() => b.results.length > 0);
    expect(b.results[0]?.kind).toBe('images');

    // A's Gemini answers meanwhile: its result waits for the journal, which then says the job is B's.
    answer(imageOutcome);
    await until(() => lines.some((l) => l.event === LogEvent.journalWaiting));
    expect(a.results).toEqual([]);
    gate.open = true;
    await until(() => lines.some((l) => l.event === LogEvent.journalJobDropped));
    expect(a.results).toEqual([]);
    expect(b.results).toHaveLength(1);
    await a.journal.stop();
  });

  test('a process never takes its own finished job over, even while the job is being crossed out', async () => {
    const base = openStore(':memory:');
    let crossOut: () => void = () => undefined;
    const crossingOut = new Promise<void>((r) => (crossOut = r));
    let answerTakeOver: () => void = () => undefined;
    const takeOverAnswered = new Promise<void>((r) => (answerTakeOver = r));
    let doneCalled = false;
    let crossedOut = false;
    // The crossing-out is slow (a busy database), and the takeover's answer comes after it landed,
    // though the takeover read the journal before: as two connections of one pool can do.
    const store: Store = {
      ...base,
      journalDone: async (...args) => {
        doneCalled = true;
        await crossingOut;
        await base.journalDone(...args);
        crossedOut = true;
      },
      journalTakeOver: async (...args) => {
        const entries = await base.journalTakeOver(...args);
        await takeOverAnswered;
        return entries;
      },
    };
    const calls: string[] = [];
    const a = setup(store, calls);
    await a.journal.start();
    await a.pipeline.submit(request, () => a.target);
    await until(() => doneCalled);
    expect(a.results.map((r) => r.kind)).toEqual(['images']);

    const sweep = a.journal.takeOver();
    await new Promise((r) => setTimeout(r, 20));
    crossOut();
    await until(() => crossedOut);
    answerTakeOver();
    // Had it taken the job for a stopped process's, it would tell the member their picture was lost.
    expect(await sweep).toEqual([]);
    expect(await a.journal.takeOver()).toEqual([]);
    await a.journal.stop();
  });

  test('a process whose lease has run out starts no new job until it is renewed', async () => {
    const calls: string[] = [];
    let clock = Date.now();
    const store = watchedStore(calls);
    const { pipeline, journal, target, results } = setup(store, calls, { now: () => clock });
    await journal.start();
    clock += 60_000;
    expect(journal.leaseLive()).toBe(false);
    await pipeline.submit(request, () => target);
    await new Promise((r) => setTimeout(r, 100));
    expect(calls).not.toContain('gemini');
    // A renewal lands (a takeover renews first): the job starts.
    await journal.takeOver();
    await until(() => results.length > 0);
    expect(calls).toContain('gemini');
    await journal.stop();
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
