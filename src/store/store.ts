import type { ControlLog } from '../core/controls.js';
import type {
  CostLog,
  DailyUsage,
  GuildSettingsLog,
  ResultLog,
  ResultRecord,
  SpendLedger,
  UsageReport,
} from '../core/results.js';
import { openSqliteStore } from './sqlite.js';

export type { ResultRecord };

/**
 * Everything the bot keeps between restarts. Every method answers a promise, so an implementation
 * over the network (a database server) fits behind the same interface as the embedded one.
 */
export interface Store
  extends ResultLog, DailyUsage, CostLog, ControlLog, GuildSettingsLog, SpendLedger, UsageReport {
  getResult(messageId: string): Promise<ResultRecord | undefined>;
  /** The chain of results that led to messageId, oldest first, at most maxDepth long. */
  lineage(messageId: string, maxDepth?: number): Promise<ResultRecord[]>;
  latestInThread(threadId: string): Promise<ResultRecord | undefined>;
  close(): Promise<void>;
}

/**
 * The bot's store. Today always the embedded SQLite database in DATA_DIR (or ':memory:' for tests);
 * this is where another implementation behind the same interface would be chosen.
 */
export function openStore(dataDir: string): Store {
  return openSqliteStore(dataDir);
}
