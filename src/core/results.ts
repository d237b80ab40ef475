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
  saveResult(record: ResultRecord): void;
}

/** Per-user daily picture counts kept by the store (the in-process limit backend uses it). */
export interface DailyUsage {
  /** Adds to and returns a user's image count for a day key ('2026-11-23'). */
  addUsage(userId: string, day: string, images: number): number;
  usage(userId: string, day: string): number;
}
