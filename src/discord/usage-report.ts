import type { CostTotals, MemberTotals } from '../core/results.js';
import { phrase, type Voice } from '../text/catalogue.js';

export interface UsageFigures {
  readonly today: CostTotals;
  readonly month: CostTotals;
}

/** Today's and this month's lines of a usage view. */
export function periodLines(voice: Voice, figures: UsageFigures): string[] {
  return [
    voice.t('usage.today', {
      pictures: phrase('usage.pictures', { count: figures.today.imagesDelivered }),
      usd: voice.money(figures.today.costUsd),
    }),
    voice.t('usage.month', {
      pictures: phrase('usage.pictures', { count: figures.month.imagesDelivered }),
      usd: voice.money(figures.month.costUsd),
    }),
  ];
}

export function topLines(voice: Voice, top: readonly MemberTotals[]): string[] {
  if (top.length === 0) return [voice.t('usage.nobody')];
  return top.map((m, i) =>
    voice.t('usage.topLine', {
      rank: i + 1,
      user: m.userId,
      pictures: phrase('usage.pictures', { count: m.imagesDelivered }),
      usd: voice.money(m.costUsd),
    }),
  );
}
