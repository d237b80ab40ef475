import type { StoredPart } from '../gemini/types.js';
import { openSqliteStore } from './sqlite.js';

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

export interface Store {
  saveResult(record: ResultRecord): void;
  getResult(messageId: string): ResultRecord | undefined;
  /** The chain of results that led to messageId, oldest first, at most maxDepth long. */
  lineage(messageId: string, maxDepth?: number): ResultRecord[];
  latestInThread(threadId: string): ResultRecord | undefined;
  /** Adds to and returns a user's image count for a day key ('2026-11-23'). */
  addUsage(userId: string, day: string, images: number): number;
  usage(userId: string, day: string): number;
  close(): void;
}

/**
 * The bot's store. Today always the embedded SQLite database in DATA_DIR (or ':memory:' for tests);
 * this is where another implementation behind the same interface would be chosen.
 */
export function openStore(dataDir: string | ':memory:'): Store {
  return openSqliteStore(dataDir);
}
