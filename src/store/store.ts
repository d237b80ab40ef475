import type { CostLog, DailyUsage, ResultLog, ResultRecord } from '../core/results.js';
import { openSqliteStore } from './sqlite.js';

export type { ResultRecord };

/** Everything the bot keeps between restarts. */
export interface Store extends ResultLog, DailyUsage, CostLog {
  getResult(messageId: string): ResultRecord | undefined;
  /** The chain of results that led to messageId, oldest first, at most maxDepth long. */
  lineage(messageId: string, maxDepth?: number): ResultRecord[];
  latestInThread(threadId: string): ResultRecord | undefined;
  close(): void;
}

/**
 * The bot's store. Today always the embedded SQLite database in DATA_DIR (or ':memory:' for tests);
 * this is where another implementation behind the same interface would be chosen.
 */
export function openStore(dataDir: string): Store {
  return openSqliteStore(dataDir);
}
