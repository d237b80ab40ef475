import type { Logger } from '../logger.js';
import type { SpendClaim } from '../core/results.js';
import { LogEvent } from '../log-events.js';
import { phrase, type Phrase } from '../text/catalogue.js';
import type { LimitBackend } from './limit-backend.js';
import { dayKey, nextUtcMidnight, relative } from './user-limits.js';

/** What a job holds against the budgets from admission until it ends. */
export interface SpendHold {
  readonly scopes: readonly string[];
  readonly day: string;
  readonly micros: number;
}

export type BudgetAdmission =
  { readonly ok: true; readonly hold: SpendHold } | { readonly ok: false; readonly message: Phrase };

export interface SpendBudgetsOptions {
  readonly backend: LimitBackend;
  /** DAILY_BUDGET_USD: the whole bot's; 0: none. */
  readonly botDailyUsd: number;
  readonly log: Logger;
  readonly now?: () => number;
}

export const BOT_SCOPE = 'bot';
export const guildScope = (guildId: string) => `guild:${guildId}`;

/** Dollars as whole micro-dollars: every price in the catalogue is one exactly. */
export const toMicros = (usd: number) => Math.round(usd * 1e6);
export const fromMicros = (micros: number) => micros / 1e6;

/**
 * Daily spending budgets: the bot's (DAILY_BUDGET_USD) and each server's own. A job reserves its
 * catalogue price when it is admitted (its real cost is known only once Gemini answers) against
 * both at once, and settles at what it is estimated to have cost when it ends; a job that never
 * reached Gemini gives its reservation back. Days are UTC, as for the picture limit. Spend is
 * counted even without a budget, so /usage can show what is left of one set later in the day.
 */
export class SpendBudgets {
  private readonly now: () => number;
  /** Budgets already reported spent today, so the operator is told once per budget per day. */
  private readonly reported = new Set<string>();

  constructor(private readonly opts: SpendBudgetsOptions) {
    this.now = opts.now ?? Date.now;
  }

  get botDailyUsd(): number {
    return this.opts.botDailyUsd;
  }

  /** Reserves `estimateUsd` against the bot's budget and the server's (if it has one), or says why not. */
  async reserve(
    guildId: string | null,
    guildDailyUsd: number | undefined,
    estimateUsd: number,
  ): Promise<BudgetAdmission> {
    const now = this.now();
    const day = dayKey(now);
    const claims: SpendClaim[] = [{ scope: BOT_SCOPE, limitMicros: toMicros(this.opts.botDailyUsd) }];
    if (guildId) claims.push({ scope: guildScope(guildId), limitMicros: toMicros(guildDailyUsd ?? 0) });
    const micros = toMicros(estimateUsd);
    const reserved = await this.opts.backend.reserveSpend(claims, day, micros);
    if (!reserved.ok) {
      const limit = claims.find((c) => c.scope === reserved.full)!.limitMicros;
      this.reportSpent(reserved.full, day, limit);
      const when = relative(nextUtcMidnight(now));
      return {
        ok: false,
        message:
          reserved.full === BOT_SCOPE
            ? phrase('budget.botSpent', { when })
            : phrase('budget.guildSpent', { when }),
      };
    }
    return { ok: true, hold: { scopes: claims.map((c) => c.scope), day, micros } };
  }

  /** A job ended having cost `costUsd` in place of what it reserved. */
  async settle(hold: SpendHold, costUsd: number): Promise<void> {
    const change = toMicros(costUsd) - hold.micros;
    if (change !== 0) await this.opts.backend.addSpend(hold.scopes, hold.day, change);
  }

  /** Micro-dollars spent (and held) today against one budget. */
  spentToday(scope: string): Promise<number> {
    return this.opts.backend.spent(scope, dayKey(this.now()));
  }

  private reportSpent(scope: string, day: string, limitMicros: number): void {
    const key = `${day}:${scope}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    // Yesterday's reports are of no more use.
    for (const old of this.reported) if (!old.startsWith(day)) this.reported.delete(old);
    this.opts.log.warn(
      { event: LogEvent.budgetSpent, scope, day, limitUsd: fromMicros(limitMicros) },
      'a daily budget is spent: new jobs are refused until midnight UTC',
    );
  }
}
