import type { CostTotals, MemberTotals } from '../core/results.js';
import { text } from '../text/catalogue.js';

/** Dollars as the store sums them: at least cents, down to the micro-dollar, no float noise. */
export function formatUsd(usd: number): string {
  const fixed = (Math.round(usd * 1e6) / 1e6).toFixed(6).replace(/0+$/, '');
  const [whole, fraction = ''] = fixed.split('.');
  return `$${whole}.${fraction.padEnd(2, '0')}`;
}

export interface UsageFigures {
  readonly today: CostTotals;
  readonly month: CostTotals;
}

/** Today's and this month's lines of a usage view. */
export function periodLines(figures: UsageFigures): string[] {
  return [
    text('usage.today', {
      pictures: text('usage.pictures', { count: figures.today.imagesDelivered }),
      usd: formatUsd(figures.today.costUsd),
    }),
    text('usage.month', {
      pictures: text('usage.pictures', { count: figures.month.imagesDelivered }),
      usd: formatUsd(figures.month.costUsd),
    }),
  ];
}

export function topLines(top: readonly MemberTotals[]): string[] {
  if (top.length === 0) return [text('usage.nobody')];
  return top.map((m, i) =>
    text('usage.topLine', {
      rank: i + 1,
      user: m.userId,
      pictures: text('usage.pictures', { count: m.imagesDelivered }),
      usd: formatUsd(m.costUsd),
    }),
  );
}
