import type Database from 'better-sqlite3';
import type { CostQuery, CostTotals, JobCostRecord, MemberTotals, TopMembersQuery } from '../core/results.js';

/** The UTC day or month around `at`, as [start, end) in ms. */
export function periodBounds(period: CostQuery['period'], at: number): [number, number] {
  const d = new Date(at);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  return period === 'day'
    ? [Date.UTC(y, m, d.getUTCDate()), Date.UTC(y, m, d.getUTCDate() + 1)]
    : [Date.UTC(y, m, 1), Date.UTC(y, m + 1, 1)];
}

/** The sums of CostTotals, as one SELECT list; quoted names keep their case on PostgreSQL too. */
export const COST_SUMS = `COUNT(*) AS "jobs",
  COALESCE(SUM(images_generated), 0) AS "imagesGenerated",
  COALESCE(SUM(images_delivered), 0) AS "imagesDelivered",
  COALESCE(SUM(prompt_tokens), 0) AS "promptTokens",
  COALESCE(SUM(output_tokens), 0) AS "outputTokens",
  COALESCE(SUM(thinking_tokens), 0) AS "thinkingTokens",
  COALESCE(SUM(searches), 0) AS "searches",
  COALESCE(SUM(image_cost_usd), 0) AS "imageCostUsd",
  COALESCE(SUM(search_cost_usd), 0) AS "searchCostUsd",
  COALESCE(SUM(cost_usd), 0) AS "costUsd",
  COALESCE(SUM(price_estimated), 0) AS "estimatedJobs"`;

/** Dollars rounded to micro-dollars, as every total is answered. */
export const roundUsd = (usd: number): number => Math.round(usd * 1e6) / 1e6;

/** Totals as the interface answers them: dollars rounded to micro-dollars. */
export function roundedTotals(totals: CostTotals): CostTotals {
  return {
    ...totals,
    imageCostUsd: roundUsd(totals.imageCostUsd),
    searchCostUsd: roundUsd(totals.searchCostUsd),
    costUsd: roundUsd(totals.costUsd),
  };
}

/** Exactly one of userId or guildId, or it is a programming error. */
export function checkCostQuery({ userId, guildId }: CostQuery): void {
  if ((userId === undefined) === (guildId === undefined)) {
    throw new Error('costTotals takes exactly one of userId or guildId');
  }
}

/** The job_costs table (migration step 2), synchronously; the store wraps it as the CostLog interface. */
export function jobCostStatements(db: Database.Database): {
  recordJobCost(record: JobCostRecord): void;
  costTotals(query: CostQuery): CostTotals;
  topMembers(query: TopMembersQuery): MemberTotals[];
} {
  // OR IGNORE: a job is recorded once; a second write for the same id is a bug to ignore, not a crash.
  const insert = db.prepare(`INSERT OR IGNORE INTO job_costs VALUES
    (@jobId, @userId, @guildId, @channelId, @model, @imageSize, @kind, @outcome, @imagesGenerated,
     @imagesDelivered, @promptTokens, @outputTokens, @thinkingTokens, @searches, @imageCostUsd,
     @searchCostUsd, @costUsd, @priceEstimated, @createdAt)`);
  const byUser = db.prepare<[string, number, number], CostTotals>(
    `SELECT ${COST_SUMS} FROM job_costs WHERE user_id = ? AND created_at >= ? AND created_at < ?`,
  );
  const byGuild = db.prepare<[string, number, number], CostTotals>(
    `SELECT ${COST_SUMS} FROM job_costs WHERE guild_id = ? AND created_at >= ? AND created_at < ?`,
  );

  const top = db.prepare<[string, number, number, number], MemberTotals>(
    `SELECT user_id AS userId, COUNT(*) AS jobs, COALESCE(SUM(images_delivered), 0) AS imagesDelivered,
       COALESCE(SUM(cost_usd), 0) AS costUsd
     FROM job_costs WHERE guild_id = ? AND created_at >= ? AND created_at < ?
     GROUP BY user_id ORDER BY costUsd DESC, imagesDelivered DESC, userId LIMIT ?`,
  );

  return {
    topMembers({ guildId, period, at, limit }: TopMembersQuery): MemberTotals[] {
      const [from, to] = periodBounds(period, at);
      return top.all(guildId, from, to, limit).map((m) => ({ ...m, costUsd: roundUsd(m.costUsd) }));
    },
    recordJobCost(record: JobCostRecord) {
      insert.run({ ...record, priceEstimated: record.priceEstimated ? 1 : 0 });
    },
    costTotals(query: CostQuery): CostTotals {
      checkCostQuery(query);
      const { userId, guildId, period, at } = query;
      const [from, to] = periodBounds(period, at);
      const row = userId !== undefined ? byUser.get(userId, from, to) : byGuild.get(guildId!, from, to);
      return roundedTotals(row!);
    },
  };
}
