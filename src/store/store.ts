import type { ControlLog } from '../core/controls.js';
import type { JobJournalStore } from '../core/journal.js';
import type {
  CostLog,
  DailyUsage,
  GuildSettingsLog,
  ResultLog,
  ResultRecord,
  SpendLedger,
  UsageReport,
} from '../core/results.js';
import type { Logger } from '../logger.js';
import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';

export type { ResultRecord };

/**
 * Everything the bot keeps between restarts. Every method answers a promise, so an implementation
 * over the network (PostgreSQL) fits behind the same interface as the embedded one (SQLite).
 */
export interface Store
  extends
    ResultLog,
    DailyUsage,
    CostLog,
    ControlLog,
    GuildSettingsLog,
    SpendLedger,
    UsageReport,
    JobJournalStore {
  getResult(messageId: string): Promise<ResultRecord | undefined>;
  /** The chain of results that led to messageId, oldest first, at most maxDepth long. */
  lineage(messageId: string, maxDepth?: number): Promise<ResultRecord[]>;
  latestInThread(threadId: string): Promise<ResultRecord | undefined>;
  /** False while the database does not answer (a network store); writes are being retried meanwhile. */
  readonly healthy: boolean;
  close(): Promise<void>;
}

/** The embedded SQLite store in a folder (or ':memory:' for tests). */
export function openStore(dataDir: string): Store {
  return openSqliteStore(dataDir);
}

export interface StoreSettings {
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
}

/**
 * The bot's store: PostgreSQL when DATABASE_URL is set (every process on it shares everything),
 * else SQLite in DATA_DIR.
 */
export async function openConfiguredStore(settings: StoreSettings, log: Logger): Promise<Store> {
  return settings.databaseUrl
    ? openPostgresStore(settings.databaseUrl, { log })
    : openSqliteStore(settings.dataDir);
}
