import { pino } from 'pino';
import { phrase } from '../../src/text/catalogue.js';
import { describe, expect, test } from 'vitest';
import type { GeminiAdapter, Outcome } from '../../src/core/generation.js';
import type { DeliveryTarget, JobRequest, JobResult } from '../../src/core/job.js';
import type { JobCostRecord } from '../../src/core/results.js';
import { fitToUploadLimit } from '../../src/images/fit.js';
import { memoryLimitBackend } from '../../src/jobs/limit-backend.js';
import { JobPipeline } from '../../src/jobs/pipeline.js';
import { UserLimits } from '../../src/jobs/user-limits.js';
import { openStore } from '../../src/store/store.js';
import { png } from '../support/images.js';

const PNG = await png(8, 8);
const usage = { promptTokens: 40, outputTokens: 1160, totalTokens: 1400, thoughtsTokens: 200 };

/** Runs one job whose Gemini answers `outcome` and whose delivery does `deliver`; returns what was recorded. */
async function runJob(
  outcome: Outcome,
  request: Partial<JobRequest> = {},
  deliver: (r: JobResult) => Promise<void> = async () => {},
  over: { recordFails?: boolean } = {},
) {
  const store = openStore(':memory:');
  const recorded: JobCostRecord[] = [];
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const gemini: GeminiAdapter = { model: 'gemini-3.1-flash-image', generate: async () => outcome };
  const results: JobResult[] = [];
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const target: DeliveryTarget = {
    uploadLimit: 10 * 1024 * 1024,
    progress: async () => {},
    deliver: async (r) => {
      results.push(r);
      await deliver(r);
      return r.kind === 'images' ? { messageId: 'm1', channelId: 'c1', threadId: null } : undefined;
    },
  };
  const pipeline = new JobPipeline({
    gemini,
    store: {
      saveResult: (r) => store.saveResult(r),
      recordJobCost: (r) => {
        if (over.recordFails) return Promise.reject(new Error('disk full'));
        recorded.push(r);
        return store.recordJobCost(r);
      },
      costTotals: (q) => store.costTotals(q),
      saveControls: (r) => store.saveControls(r),
    },
    limits: new UserLimits({ perMinute: 1000, perDay: 0, backend: memoryLimitBackend(store) }),
    images: {
      load: async () => ({ mimeType: 'image/png', data: PNG }),
      release: async () => {},
      fitForUpload: (image, basename, limit) => fitToUploadLimit({ ...image, basename }, limit),
      shrinkDraft: async (data, basename) => ({ filename: `${basename}.jpg`, data }),
    },
    log,
    concurrency: 1,
    maxQueue: 10,
    progressIntervalMs: 0,
    newJobId: () => 'job-1',
  });
  await pipeline.submit(
    {
      kind: 'imagine',
      userId: 'u1',
      guildId: 'g1',
      channelId: 'c1',
      prompt: 'a fox',
      inputs: [],
      ...request,
    },
    () => target,
  );
  const poll = setInterval(() => {
    if (lines.some((l) => l.event === 'job.finished')) finished();
  }, 5);
  await done;
  clearInterval(poll);
  return { recorded, results, lines, store };
}

const images = (n: number, extra: Partial<Extract<Outcome, { kind: 'images' }>> = {}): Outcome => ({
  kind: 'images',
  images: Array.from({ length: n }, () => ({ mimeType: 'image/png', extension: 'png', data: PNG })),
  text: '',
  modelParts: [{ imageIndex: 0 }],
  usage,
  model: 'gemini-3-pro-image',
  ...extra,
});

describe('the pipeline records what every job that reached Gemini cost', () => {
  test('a delivered job: its model, size, tokens, searches and the catalogue’s price', async () => {
    const outcome = images(1, { grounding: { queries: ['fox facts', 'fox habitat'], sources: [] } });
    const { recorded, lines, store } = await runJob(outcome, {
      imageSize: '4K',
      model: 'gemini-3-pro-image',
    });
    expect(recorded).toEqual([
      {
        jobId: 'job-1',
        userId: 'u1',
        guildId: 'g1',
        channelId: 'c1',
        model: 'gemini-3-pro-image',
        imageSize: '4K',
        kind: 'imagine',
        outcome: 'images',
        imagesGenerated: 1,
        imagesDelivered: 1,
        promptTokens: 40,
        outputTokens: 1160,
        thinkingTokens: 200,
        searches: 2,
        imageCostUsd: 0.24,
        searchCostUsd: 0.028,
        costUsd: 0.268,
        priceEstimated: false,
        createdAt: expect.any(Number) as number,
      },
    ]);
    expect(lines.find((l) => l.event === 'job.cost')).toMatchObject({
      jobId: 'job-1',
      model: 'gemini-3-pro-image',
      imageSize: '4K',
      promptTokens: 40,
      costUsd: 0.268,
    });
    expect(await store.costTotals({ userId: 'u1', period: 'day', at: Date.now() })).toMatchObject({
      jobs: 1,
      costUsd: 0.268,
    });
  });

  test('a refused job: the tokens Gemini counted, no images, no image price', async () => {
    const { recorded, results } = await runJob({
      kind: 'refused',
      source: 'prompt',
      reason: 'SAFETY',
      explanation: phrase('refusal.prompt.SAFETY'),
      usage: { promptTokens: 300, outputTokens: 0, totalTokens: 300 },
    });
    expect(results[0]!.kind).toBe('refused');
    expect(recorded[0]).toMatchObject({
      outcome: 'refused',
      model: 'gemini-3.1-flash-image',
      imageSize: '1K',
      imagesGenerated: 0,
      imagesDelivered: 0,
      promptTokens: 300,
      outputTokens: 0,
      costUsd: 0,
      priceEstimated: false,
    });
  });

  test('a failed delivery: the images Gemini made are still priced, none counted as delivered', async () => {
    const { recorded } = await runJob(images(2), {}, async () => {
      throw new Error('Discord is down');
    });
    expect(recorded[0]).toMatchObject({
      outcome: 'images',
      imagesGenerated: 2,
      imagesDelivered: 0,
      imageCostUsd: 0.268,
    });
  });

  test('a model the catalogue does not know is priced at the stand-in price and marked an estimate', async () => {
    const { recorded } = await runJob(images(1, { model: 'gemini-9-image' }));
    expect(recorded[0]).toMatchObject({ model: 'gemini-9-image', imageCostUsd: 0.134, priceEstimated: true });
  });

  test('a failed write is logged and the member still gets the picture', async () => {
    const { recorded, results, lines } = await runJob(images(1), {}, undefined, { recordFails: true });
    expect(recorded).toEqual([]);
    expect(results[0]!.kind).toBe('images');
    expect(lines.some((l) => l.msg === 'could not record the job’s cost' && l.level === 50)).toBe(true);
    expect(lines.find((l) => l.event === 'job.finished')).toMatchObject({ result: 'images', told: true });
  });

  test('a job that never reached Gemini (an input it could not load) is not recorded', async () => {
    const { recorded } = await runJob(images(1), {
      inputs: [
        {
          filename: 'x.png',
          url: () => Promise.reject(new Error('gone')),
        },
      ],
    });
    expect(recorded).toEqual([]);
  });
});
