import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import type { GeminiAdapter, GenerateOptions, GenerateRequest, Outcome } from '../../src/core/generation.js';
import type { ImageInput } from '../../src/core/images.js';
import { fitToUploadLimit } from '../../src/images/fit.js';
import { JobPipeline } from '../../src/jobs/pipeline.js';
import { NOT_STARTED_RESTART, QUEUE_FULL, RESTARTING } from '../../src/jobs/present.js';
import type { DeliveryTarget, Job, JobResult, JobStatus } from '../../src/core/job.js';
import { memoryLimitBackend } from '../../src/jobs/limit-backend.js';
import { UserLimits } from '../../src/jobs/user-limits.js';
import { UserError } from '../../src/errors.js';
import { ENGLISH, phrase } from '../../src/text/catalogue.js';
import { inputMessages } from '../../src/images/messages.js';
import { openStore } from '../../src/store/store.js';
import type { Phrase } from '../../src/text/catalogue.js';

const SVG_X = inputMessages.svg('x.svg');
const SVG_B = inputMessages.svg('b.svg');
import { png } from '../support/images.js';

const log = pino({ level: 'silent' });
const PNG = await png(8, 8);

/** A Gemini stand-in whose answers the test releases one by one. */
function controllableGemini() {
  const calls: {
    req: GenerateRequest;
    release: (o: Outcome) => void;
    signal?: AbortSignal;
    opts?: GenerateOptions;
  }[] = [];
  const adapter: GeminiAdapter = {
    model: 'gemini-test',
    generate: (req, opts) =>
      new Promise<Outcome>((resolve, reject) => {
        calls.push({ req, release: resolve, opts, ...(opts?.signal ? { signal: opts.signal } : {}) });
        opts?.signal?.addEventListener('abort', () => reject(opts.signal!.reason as Error));
      }),
  };
  return { adapter, calls };
}

const imageOutcome: Outcome = {
  kind: 'images',
  images: [{ mimeType: 'image/png', extension: 'png', data: PNG }],
  text: 'done',
  modelParts: [{ text: 'done' }, { imageIndex: 0 }],
};

function fakeTarget(name: string, events: string[]) {
  const results: JobResult[] = [];
  const statuses: JobStatus[] = [];
  const target: DeliveryTarget = {
    uploadLimit: 10 * 1024 * 1024,
    progress: async (s) => void statuses.push(s),
    deliver: async (r) => {
      results.push(r);
      events.push(`${name}:${r.kind}`);
      return r.kind === 'images' ? { messageId: `msg-${name}`, channelId: 'c', threadId: null } : undefined;
    },
  };
  return { target, results, statuses };
}

function setup(
  over: {
    concurrency?: number;
    maxQueue?: number;
    loadImage?: (url: string, filename: string) => Promise<ImageInput>;
    limits?: UserLimits;
  } = {},
) {
  const store = openStore(':memory:');
  const gemini = controllableGemini();
  const events: string[] = [];
  const loaded: ImageInput[] = [];
  const released: ImageInput[] = [];
  const pipeline = new JobPipeline({
    gemini: gemini.adapter,
    store,
    limits: over.limits ?? new UserLimits({ perMinute: 1000, perDay: 0, backend: memoryLimitBackend(store) }),
    images: {
      load: async (url, filename) => {
        const image = await (over.loadImage ?? (async () => ({ mimeType: 'image/png', data: PNG })))(
          url,
          filename,
        );
        loaded.push(image);
        return image;
      },
      release: async (images) => {
        if (images.length > 0) events.push(`released:${images.length}`);
        released.push(...images);
      },
      fitForUpload: (image, basename, limit) => fitToUploadLimit({ ...image, basename }, limit),
      shrinkDraft: async (data, basename) => ({ filename: `${basename}.jpg`, data: data.subarray(0, 4) }),
    },
    log,
    concurrency: over.concurrency ?? 1,
    maxQueue: over.maxQueue ?? 100,
    progressIntervalMs: 0,
  });
  let n = 0;
  const job = (userId: string, extra: Partial<Job> = {}) => {
    const name = `${userId}${++n}`;
    const t = fakeTarget(name, events);
    const j: Job = {
      id: name,
      kind: 'imagine',
      userId,
      guildId: 'g',
      channelId: 'c',
      prompt: `prompt ${name}`,
      inputs: [],
      target: t.target,
      log,
      ...extra,
    };
    return { job: j, ...t };
  };
  // Long enough for a fake Gemini answer to be fitted (a real decode on libuv's pool) and delivered.
  const settle = () => new Promise((r) => setTimeout(r, 60));
  /** Submits a test job through the one door, its answers going to the job's fake target. */
  const submit = ({ id: _id, target, log: _log, ...request }: Job) => pipeline.submit(request, () => target);
  return { pipeline, gemini, store, events, job, settle, submit, loaded, released };
}

describe('JobPipeline', () => {
  test('a job goes through Gemini, is delivered, and its lineage is stored for refining', async () => {
    const { submit, gemini, store, job, settle } = setup();
    const j = job('alice');
    await submit(j.job);
    await settle();
    expect(gemini.calls[0]!.req.prompt).toBe('prompt alice1');
    gemini.calls[0]!.release(imageOutcome);
    await settle();
    expect(j.results[0]).toMatchObject({ kind: 'images', text: 'done' });
    expect(await store.getResult('msg-alice1')).toMatchObject({
      prompt: 'prompt alice1',
      userId: 'alice',
      imageCount: 1,
    });
  });

  test('a picture is stored for refining as soon as its first message is visible, before the later groups are sent', async () => {
    const { submit, gemini, store, job, settle } = setup();
    const j = job('alice');
    let sendRest!: () => void;
    const later = new Promise<void>((r) => (sendRest = r));
    let storedWhenVisible: unknown;
    const target: DeliveryTarget = {
      ...j.target,
      deliver: async (_result, onVisible) => {
        const first = { messageId: 'first-group', channelId: 'c', threadId: null };
        onVisible?.(first);
        storedWhenVisible = await store.getResult('first-group');
        await later;
        return first;
      },
    };
    await submit({ ...j.job, target });
    await settle();
    gemini.calls[0]!.release(imageOutcome);
    await settle();
    // The later groups are still being sent, and a reply to the first one already finds it.
    expect(storedWhenVisible).toMatchObject({ prompt: 'prompt alice1' });
    expect(await store.getResult('first-group')).toMatchObject({ imageCount: 1 });
    sendRest();
    await settle();
    expect(await store.getResult('first-group')).toMatchObject({ prompt: 'prompt alice1' });
  });

  test('a picture already visible counts as delivered even when a later group then fails', async () => {
    const storeLimits = openStore(':memory:');
    const limits = new UserLimits({ perMinute: 1000, perDay: 5, backend: memoryLimitBackend(storeLimits) });
    const { submit, gemini, job, settle } = setup({ limits });
    const j = job('alice');
    const target: DeliveryTarget = {
      ...j.target,
      deliver: async (_result, onVisible) => {
        onVisible?.({ messageId: 'first-group', channelId: 'c', threadId: null });
        throw new Error('the second group could not be sent');
      },
    };
    await submit({ ...j.job, target });
    await settle();
    gemini.calls[0]!.release(imageOutcome);
    await settle();
    expect(await storeLimits.usage('alice', new Date().toISOString().slice(0, 10))).toBe(1);
  });

  test('Gemini’s drafts show in the progress as small copies, and the result is the final picture only', async () => {
    const { submit, gemini, job, settle } = setup();
    const j = job('alice');
    await submit(j.job);
    await settle();
    const { onDraft, onAttempt } = gemini.calls[0]!.opts!;
    onAttempt!(1);
    onDraft!({ mimeType: 'image/png', data: Buffer.from('first draft'), number: 1, attempt: 1 });
    await settle();
    onDraft!({ mimeType: 'image/png', data: Buffer.from('second draft'), number: 2, attempt: 1 });
    await settle();
    gemini.calls[0]!.release(imageOutcome);
    await settle();
    const drafts = j.statuses.flatMap((s) => (s.state === 'generating' && s.draft ? [s.draft] : []));
    expect(drafts).toEqual([
      { filename: expect.stringMatching(/^draft-\w+-1\.jpg$/), data: Buffer.from('firs'), number: 1 },
      { filename: expect.stringMatching(/^draft-\w+-2\.jpg$/), data: Buffer.from('seco'), number: 2 },
    ]);
    expect(j.results).toHaveLength(1);
    expect(j.results[0]).toMatchObject({ kind: 'images', images: [{ data: PNG }] });
  });

  test('users are served in turn: a single job waits only for the one running, not behind a user with many', async () => {
    const { submit, gemini, events, job, settle } = setup({ concurrency: 1 });
    for (let i = 0; i < 5; i++) await submit(job('heavy').job);
    const light = job('light');
    await submit(light.job);
    await settle();
    expect(light.statuses.at(-1)).toEqual({ state: 'queued', position: 1 });
    for (let i = 0; i < 3; i++) {
      gemini.calls[i]!.release({ kind: 'text', text: 'x' });
      await settle();
    }
    expect(events.slice(0, 3)).toEqual(['heavy1:text', 'light6:text', 'heavy2:text']);
  });

  test('queue positions move up as jobs ahead finish', async () => {
    const { submit, gemini, job, settle } = setup({ concurrency: 1 });
    await submit(job('a').job);
    const b = job('b');
    const c = job('c');
    await submit(b.job);
    await submit(c.job);
    await settle();
    expect(c.statuses.at(-1)).toEqual({ state: 'queued', position: 2 });
    gemini.calls[0]!.release({ kind: 'text', text: 'x' });
    await settle();
    expect(b.statuses.at(-1)).toEqual({ state: 'generating', attempt: 1 });
    expect(c.statuses.at(-1)).toEqual({ state: 'queued', position: 1 });
  });

  test('a full queue refuses new jobs with a busy message', async () => {
    const { submit, job } = setup({ concurrency: 1, maxQueue: 2 });
    for (let i = 0; i < 3; i++) await submit(job('a').job);
    expect(await submit(job('z').job)).toEqual({ ok: false, message: QUEUE_FULL });
  });

  test('an input problem is told to the user and frees the slot for the next job', async () => {
    const { submit, gemini, job, settle } = setup({
      loadImage: () => Promise.reject(new UserError(SVG_X)),
    });
    const bad = job('a', {
      inputs: [{ filename: 'x.svg', url: async () => 'https://cdn.discordapp.com/x.svg' }],
    });
    const next = job('b');
    await submit(bad.job);
    await submit(next.job);
    await settle();
    expect(bad.results[0]).toEqual({ kind: 'failed', message: SVG_X });
    expect(gemini.calls).toHaveLength(1);
    expect(gemini.calls[0]!.req.prompt).toBe('prompt b2');
  });

  test('input images are let go of once Gemini has answered, before the result is delivered', async () => {
    const { submit, gemini, job, settle, loaded, released, events } = setup();
    const j = job('a', {
      inputs: [
        { filename: 'a.png', url: async () => 'u1' },
        { filename: 'b.png', url: async () => 'u2' },
      ],
    });
    await submit(j.job);
    await settle();
    expect(gemini.calls[0]!.req.images).toHaveLength(2);
    expect(released).toEqual([]);
    gemini.calls[0]!.release(imageOutcome);
    await settle();
    expect(released).toEqual(loaded);
    expect(events).toEqual(['released:2', 'a1:images']);
  });

  test('when a later input is refused, the ones already fetched are let go of too', async () => {
    const { submit, gemini, job, settle, loaded, released } = setup({
      loadImage: async (_url, filename) => {
        if (filename === 'b.svg') throw new UserError(SVG_B);
        return { mimeType: 'image/png', data: PNG };
      },
    });
    const j = job('a', {
      inputs: [
        { filename: 'a.png', url: async () => 'u1' },
        { filename: 'b.svg', url: async () => 'u2' },
      ],
    });
    await submit(j.job);
    await settle();
    expect(gemini.calls).toHaveLength(0);
    expect(j.results[0]).toEqual({ kind: 'failed', message: SVG_B });
    expect(loaded).toHaveLength(1);
    expect(released).toEqual(loaded);
  });

  test('an unexpected error becomes a generic message, never the error text', async () => {
    const { submit, job, settle } = setup({
      loadImage: () => Promise.reject(new Error('EACCES /secret/path')),
    });
    const j = job('a', { inputs: [{ filename: 'a.png', url: async () => 'u' }] });
    await submit(j.job);
    await settle();
    expect(j.results[0]!.kind).toBe('failed');
    expect(JSON.stringify(j.results[0])).not.toContain('EACCES');
  });

  test('shutdown: queued users are told their job did not start, running jobs finish, new jobs are refused', async () => {
    const { pipeline, submit, gemini, job, settle } = setup({ concurrency: 1 });
    const running = job('a');
    const waiting = job('b');
    await submit(running.job);
    await submit(waiting.job);
    await settle();
    const done = pipeline.shutdown(5000);
    await settle();
    expect(await submit(job('c').job)).toEqual({ ok: false, message: RESTARTING });
    expect(waiting.results[0]).toEqual({ kind: 'failed', message: NOT_STARTED_RESTART });
    gemini.calls[0]!.release(imageOutcome);
    await done;
    expect(running.results[0]!.kind).toBe('images');
  });

  test('shutdown: a job still running after the grace period is interrupted and the user told', async () => {
    const { pipeline, submit, job } = setup({ concurrency: 1 });
    const running = job('a');
    await submit(running.job);
    await new Promise((r) => setTimeout(r, 5));
    await pipeline.shutdown(50);
    expect(running.results[0]!.kind).toBe('failed');
    expect(ENGLISH.say((running.results[0] as { message: Phrase }).message)).toMatch(/restart/);
  });
});

describe('JobPipeline admission', () => {
  test('submissions hold their queue place while they prepare, so a burst cannot overfill the queue', async () => {
    const { pipeline, job } = setup({ concurrency: 1, maxQueue: 2 });
    let open!: () => void;
    const preparing = new Promise<void>((r) => (open = r));
    const slow = ({ id: _id, target, log: _log, ...request }: Job) =>
      pipeline.submit(request, async () => {
        await preparing;
        return target;
      });
    const a = slow(job('a').job);
    const b = slow(job('b').job);
    expect(await slow(job('c').job)).toEqual({ ok: false, message: QUEUE_FULL });
    open();
    expect([(await a).ok, (await b).ok]).toEqual([true, true]);
  });

  test('a submission whose preparation fails gives its queue place back, however often it happens', async () => {
    const { pipeline, job, submit } = setup({ concurrency: 1, maxQueue: 1 });
    const failing = ({ id: _id, target: _t, log: _log, ...request }: Job) =>
      pipeline.submit(request, () => {
        throw new UserError(phrase('refine.cannotSee'));
      });
    for (let i = 0; i < 3; i++) await expect(failing(job('a').job)).rejects.toThrow(/can no longer see/);
    expect((await submit(job('b').job)).ok).toBe(true);
  });

  test('a job refused or failed before delivery gives back the picture it reserved for the day', async () => {
    const store = openStore(':memory:');
    const limits = new UserLimits({ perMinute: 1000, perDay: 2, backend: memoryLimitBackend(store) });
    const { pipeline, gemini, job, settle } = setup({ limits });
    const submitOne = ({ id: _id, target, log: _log, ...request }: Job) =>
      pipeline.submit(request, () => target);
    // Three at once with a limit of two: the third is refused at the door, not counted at the end.
    const results = await Promise.all([
      submitOne(job('u').job),
      submitOne(job('u').job),
      submitOne(job('u').job),
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    await settle();
    gemini.calls[0]!.release({ kind: 'text', text: 'I would rather describe it.' });
    await settle();
    // The text answer delivered no picture: its reservation is given back, the other one holds.
    const today = new Date().toISOString().slice(0, 10);
    expect(await store.usage('u', today)).toBe(1);
    expect((await submitOne(job('u').job)).ok).toBe(true);
    expect((await submitOne(job('u').job)).ok).toBe(false);
  });
});

describe('JobPipeline and damaged pictures', () => {
  test('a picture that does not decode is never posted: the member is told, nothing is stored or counted', async () => {
    const store = openStore(':memory:');
    const limits = new UserLimits({ perMinute: 1000, perDay: 5, backend: memoryLimitBackend(store) });
    const { gemini, job, settle, submit, store: results } = setup({ limits });
    const j = job('u');
    await submit(j.job);
    await settle();
    gemini.calls[0]!.release({
      ...imageOutcome,
      images: [{ mimeType: 'image/png', extension: 'png', data: PNG.subarray(0, 40) }],
    });
    await settle();
    expect(j.results[0]).toEqual({ kind: 'failed', message: phrase('failure.damagedOutput') });
    expect(await results.getResult('msg-u1')).toBeUndefined();
    expect(await store.usage('u', new Date().toISOString().slice(0, 10))).toBe(0);
  });

  test('when one of two pictures is damaged, the other is posted with a note and counted alone', async () => {
    const store = openStore(':memory:');
    const limits = new UserLimits({ perMinute: 1000, perDay: 5, backend: memoryLimitBackend(store) });
    const { gemini, job, settle, submit } = setup({ limits });
    const j = job('u');
    await submit(j.job);
    await settle();
    gemini.calls[0]!.release({
      ...imageOutcome,
      images: [
        { mimeType: 'image/png', extension: 'png', data: PNG },
        { mimeType: 'image/png', extension: 'png', data: PNG.subarray(0, 40) },
      ],
    });
    await settle();
    const result = j.results[0]!;
    expect(result.kind).toBe('images');
    if (result.kind === 'images') {
      expect(result.images).toHaveLength(1);
      expect(result.notes).toEqual([phrase('result.damagedLeftOut', { count: 1 })]);
    }
    expect(await store.usage('u', new Date().toISOString().slice(0, 10))).toBe(1);
  });
});
