import type { StoredPart } from './conversation.js';

/** One delivered picture message, enough to refine it later, after a restart too. */
export interface ResultRecord {
  readonly messageId: string;
  readonly channelId: string;
  /** The thread the message is in, when it is in one. */
  readonly threadId: string | null;
  readonly guildId: string | null;
  readonly userId: string;
  readonly prompt: string;
  readonly parentMessageId: string | null;
  readonly model: string;
  readonly modelParts: readonly StoredPart[];
  readonly imageCount: number;
  readonly createdAt: number;
}

/** Where delivered results are remembered (the store implements it). */
export interface ResultLog {
  saveResult(record: ResultRecord): Promise<void>;
}

/** Per-user daily picture counts kept by the store (the in-process limit backend uses it). */
export interface DailyUsage {
  /** Adds to and returns a user's image count for a day key ('2026-11-23'). */
  addUsage(userId: string, day: string, images: number): Promise<number>;
  usage(userId: string, day: string): Promise<number>;
  /**
   * Counts one picture for the day unless the count has reached `limit` (0: no limit), in one
   * atomic step, so two jobs racing for the last picture cannot both get it. True when counted.
   */
  reserveUsage(userId: string, day: string, limit: number): Promise<boolean>;
}

/** How a job that reached Gemini ended, as recorded for cost accounting. */
export type CostedOutcome = 'images' | 'text' | 'refused' | 'failed';

/** What one job that reached Gemini used and is estimated to have cost (see costs.ts). */
export interface JobCostRecord {
  readonly jobId: string;
  readonly userId: string;
  readonly guildId: string | null;
  readonly channelId: string;
  readonly model: string;
  /** The size the job asked for and is priced at ('1K' when it named none). */
  readonly imageSize: string;
  readonly kind: string;
  readonly outcome: CostedOutcome;
  /** Final images Gemini returned (billed whether or not they reached the member). */
  readonly imagesGenerated: number;
  readonly imagesDelivered: number;
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly thinkingTokens: number;
  /** Google Search queries Gemini ran (webSearchQueries and imageSearchQueries). */
  readonly searches: number;
  readonly imageCostUsd: number;
  /** Searches at the price above the monthly free allowance: an upper bound. */
  readonly searchCostUsd: number;
  /** imageCostUsd + searchCostUsd. */
  readonly costUsd: number;
  /** True when the model or size is not in the catalogue and a stand-in price was used. */
  readonly priceEstimated: boolean;
  readonly createdAt: number;
}

/** Sums over the recorded jobs of one member or one server, for one UTC day or month. */
export interface CostTotals {
  readonly jobs: number;
  readonly imagesGenerated: number;
  readonly imagesDelivered: number;
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly thinkingTokens: number;
  readonly searches: number;
  readonly imageCostUsd: number;
  readonly searchCostUsd: number;
  readonly costUsd: number;
  /** Jobs among them priced with a stand-in price. */
  readonly estimatedJobs: number;
}

export interface CostQuery {
  /** Exactly one of userId or guildId. */
  readonly userId?: string;
  readonly guildId?: string;
  readonly period: 'day' | 'month';
  /** Any moment in the UTC day or month wanted (ms since the epoch). */
  readonly at: number;
}

/** Where per-job costs are kept (the store implements it). */
export interface CostLog {
  recordJobCost(record: JobCostRecord): Promise<void>;
  costTotals(query: CostQuery): Promise<CostTotals>;
}

/** The /usage view of the recorded costs. */
export interface UsageReport {
  /** A server's members by estimated spend, dearest first (then by pictures, then by id). */
  topMembers(query: TopMembersQuery): Promise<MemberTotals[]>;
}

/** Each server's /settings, kept as the JSON text core/guild-settings.ts reads and checks. */
export interface GuildSettingsLog {
  /** The stored row, unchecked; undefined when the server never changed a setting. */
  guildSettings(guildId: string): Promise<string | undefined>;
  saveGuildSettings(guildId: string, settings: string, at: number): Promise<void>;
}

/** One budget a reservation is checked against: `bot` or `guild:<id>`, and its limit. */
export interface SpendClaim {
  readonly scope: string;
  /** Micro-dollars for the day; 0: no limit (the spend is still counted). */
  readonly limitMicros: number;
}

export type SpendReservation = { readonly ok: true } | { readonly ok: false; readonly full: string };

/**
 * Estimated spend per budget per UTC day, in micro-dollars: reservations of jobs in flight plus
 * what ended jobs settled at. The in-process limit backend keeps it in the store.
 */
export interface SpendLedger {
  /**
   * Adds `micros` to every claim's scope for the day unless that would take one past its limit,
   * in one atomic step across all of them; else changes nothing and names the full one.
   */
  reserveSpend(claims: readonly SpendClaim[], day: string, micros: number): Promise<SpendReservation>;
  /** Adds (or, negative, gives back) micro-dollars to each scope for the day. */
  addSpend(scopes: readonly string[], day: string, micros: number): Promise<void>;
  spent(scope: string, day: string): Promise<number>;
}

/** One member's share of a server's recorded jobs, for /usage. */
export interface MemberTotals {
  readonly userId: string;
  readonly jobs: number;
  readonly imagesDelivered: number;
  readonly costUsd: number;
}

export interface TopMembersQuery {
  readonly guildId: string;
  readonly period: 'day' | 'month';
  readonly at: number;
  readonly limit: number;
}
