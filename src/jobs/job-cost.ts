import { estimateCost } from '../core/costs.js';
import type { Outcome } from '../core/generation.js';
import type { Job } from '../core/job.js';
import type { JobCostRecord } from '../core/results.js';

/**
 * What a job that reached Gemini used and is estimated to have cost. Images are priced as Gemini
 * made them, delivered or not (Google bills them either way); a refusal or a failure made none but
 * may still have counted prompt tokens; searches are Gemini's grounding queries.
 */
export function jobCostRecord(
  job: Job,
  outcome: Outcome,
  delivered: number,
  defaultModel: string,
  now: number,
): JobCostRecord {
  const usage = outcome.kind === 'failed' ? undefined : outcome.usage;
  const grounding = outcome.kind === 'images' || outcome.kind === 'text' ? outcome.grounding : undefined;
  const model =
    (outcome.kind === 'images' || outcome.kind === 'text' ? outcome.model : undefined) ??
    job.model ??
    defaultModel;
  const imageSize = job.imageSize ?? '1K';
  const imagesGenerated = outcome.kind === 'images' ? outcome.images.length : 0;
  const searches = grounding?.queries.length ?? 0;
  const cost = estimateCost(model, imageSize, imagesGenerated, searches);
  return {
    jobId: job.id,
    userId: job.userId,
    guildId: job.guildId,
    channelId: job.channelId,
    model,
    imageSize,
    kind: job.kind,
    outcome: outcome.kind,
    imagesGenerated,
    imagesDelivered: delivered,
    promptTokens: usage?.promptTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    thinkingTokens: usage?.thoughtsTokens ?? 0,
    searches,
    imageCostUsd: cost.imageCostUsd,
    searchCostUsd: cost.searchCostUsd,
    costUsd: cost.costUsd,
    priceEstimated: cost.estimated,
    createdAt: now,
  };
}
