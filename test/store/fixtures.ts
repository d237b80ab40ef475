import type { JobCostRecord } from '../../src/core/results.js';

/** Noon UTC on 2026-11-23: the day the store tests' records are made on. */
export const NOV_23 = Date.UTC(2026, 10, 23, 12);
/** One job's cost record, as the pipeline writes it, with any fields changed. */
export const cost = (jobId: string, over: Partial<JobCostRecord> = {}): JobCostRecord => ({
  jobId,
  userId: 'u1',
  guildId: 'g1',
  channelId: 'c1',
  model: 'gemini-3.1-flash-image',
  imageSize: '1K',
  kind: 'imagine',
  outcome: 'images',
  imagesGenerated: 1,
  imagesDelivered: 1,
  promptTokens: 10,
  outputTokens: 1120,
  thinkingTokens: 100,
  searches: 0,
  imageCostUsd: 0.067,
  searchCostUsd: 0,
  costUsd: 0.067,
  priceEstimated: false,
  createdAt: NOV_23,
  ...over,
});
