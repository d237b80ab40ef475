import { pricePerImage, type ImageSize } from './models.js';

/**
 * Google Search grounding is billed per search query above a monthly free allowance: about
 * 5,000 a month free, then about $14 per 1,000 (Gemini API pricing page, September 2026). A job
 * cannot know whether the allowance is used up, so its search cost is the upper bound.
 */
export const SEARCH_PRICE_USD = 14 / 1000;
export const FREE_SEARCHES_PER_MONTH = 5000;

export interface CostEstimate {
  readonly imageCostUsd: number;
  readonly searchCostUsd: number;
  readonly costUsd: number;
  readonly estimated: boolean;
}

/** Images at the catalogue's price for the model and size, plus searches at the paid price. */
export function estimateCost(model: string, size: ImageSize, images: number, searches: number): CostEstimate {
  const price = pricePerImage(model, size);
  const imageCostUsd = roundUsd(images * price.usd);
  const searchCostUsd = roundUsd(searches * SEARCH_PRICE_USD);
  return {
    imageCostUsd,
    searchCostUsd,
    costUsd: roundUsd(imageCostUsd + searchCostUsd),
    // A job that made no image paid no image price, whatever the catalogue knows.
    estimated: images > 0 && price.estimated,
  };
}

/** Micro-dollars are finer than any price here; rounding keeps sums free of float noise. */
const roundUsd = (usd: number) => Math.round(usd * 1e6) / 1e6;
