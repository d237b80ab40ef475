import type Database from 'better-sqlite3';
import { JOURNAL_TABLES } from './journal-tables.js';
import { StoreOpenError } from './open-errors.js';

/**
 * One numbered change to the SQLite schema (postgres-migrations.ts has the same steps, by number
 * and purpose, for PostgreSQL). Steps run in order at start-up, each in its own
 * transaction, and PRAGMA user_version records the last one applied. A schema change is a new
 * step at the end of the list, never an edit of a step that has shipped: deployed databases have
 * already run the old text and will not run it again.
 */
export interface MigrationStep {
  readonly version: number;
  /** Why the step exists, for whoever reads the list. */
  readonly purpose: string;
  up(db: Database.Database): void;
}

export const SQLITE_MIGRATIONS: readonly MigrationStep[] = [
  {
    version: 1,
    purpose: 'results with their lineage, daily usage',
    // IF NOT EXISTS here only: databases made before numbered migrations already have these
    // tables with user_version 0, and must keep their rows. Later steps state what they expect.
    up(db) {
      db.exec(`
        CREATE TABLE IF NOT EXISTS results (
          message_id TEXT PRIMARY KEY,
          channel_id TEXT NOT NULL,
          thread_id TEXT,
          guild_id TEXT,
          user_id TEXT NOT NULL,
          prompt TEXT NOT NULL,
          parent_message_id TEXT,
          model TEXT NOT NULL,
          model_parts TEXT NOT NULL,
          image_count INTEGER NOT NULL,
          created_at INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS results_by_thread ON results (thread_id, created_at);
        CREATE TABLE IF NOT EXISTS usage (
          user_id TEXT NOT NULL,
          day TEXT NOT NULL,
          images INTEGER NOT NULL,
          PRIMARY KEY (user_id, day)
        );
      `);
    },
  },
  {
    version: 2,
    purpose: 'job_costs: tokens, searches and estimated cost of every job that reached Gemini',
    up(db) {
      // Money as REAL dollars: estimates rounded to micro-dollars, summed for reports, never billed.
      db.exec(`
        CREATE TABLE job_costs (
          job_id TEXT PRIMARY KEY,
          user_id TEXT NOT NULL,
          guild_id TEXT,
          channel_id TEXT NOT NULL,
          model TEXT NOT NULL,
          image_size TEXT NOT NULL,
          kind TEXT NOT NULL,
          outcome TEXT NOT NULL,
          images_generated INTEGER NOT NULL,
          images_delivered INTEGER NOT NULL,
          prompt_tokens INTEGER NOT NULL,
          output_tokens INTEGER NOT NULL,
          thinking_tokens INTEGER NOT NULL,
          searches INTEGER NOT NULL,
          image_cost_usd REAL NOT NULL,
          search_cost_usd REAL NOT NULL,
          cost_usd REAL NOT NULL,
          price_estimated INTEGER NOT NULL,
          created_at INTEGER NOT NULL
        );
        CREATE INDEX job_costs_by_user ON job_costs (user_id, created_at);
        CREATE INDEX job_costs_by_guild ON job_costs (guild_id, created_at);
      `);
    },
  },
  {
    version: 3,
    purpose: 'result_controls: the request behind each delivered picture, for its buttons',
    up(db) {
      // The request is JSON in TEXT: read back whole by its id, never queried inside.
      db.exec(`
        CREATE TABLE result_controls (
          control_id TEXT PRIMARY KEY,
          message_id TEXT NOT NULL,
          channel_id TEXT NOT NULL,
          thread_id TEXT,
          guild_id TEXT,
          user_id TEXT NOT NULL,
          model TEXT NOT NULL,
          image_count INTEGER NOT NULL,
          request TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          deleted_at INTEGER
        );
        CREATE INDEX result_controls_by_message ON result_controls (message_id);
      `);
    },
  },
  {
    version: 4,
    purpose: 'guild_settings: each server’s /settings; spend: estimated USD per budget per UTC day',
    up(db) {
      // Settings as one checked JSON text: a field added later needs no new step, and a row a
      // newer bot wrote is read field by field (unknown fields ignored, bad ones defaulted).
      // Spend in integer micro-dollars, so reservations and settlements add up exactly.
      db.exec(`
        CREATE TABLE guild_settings (
          guild_id TEXT PRIMARY KEY,
          settings TEXT NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE TABLE spend (
          scope TEXT NOT NULL,
          day TEXT NOT NULL,
          micros INTEGER NOT NULL,
          PRIMARY KEY (scope, day)
        );
      `);
    },
  },
  {
    version: 5,
    purpose:
      'job_journal and journal_leases: admitted jobs survive a crash and are finished by another process',
    up(db) {
      db.exec(JOURNAL_TABLES);
    },
  },
];

export const LATEST_SCHEMA_VERSION = SQLITE_MIGRATIONS.length;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export interface MigrateOptions {
  /** Stop after this version (tests of a new step start from the one before it). */
  readonly to?: number;
  readonly steps?: readonly MigrationStep[];
}

/**
 * Brings the database up to `to` (the latest by default) and returns the versions it went
 * between. Refuses a database newer than the steps it knows: running an older bot on it could
 * write rows the newer schema does not expect.
 */
export function migrate(
  db: Database.Database,
  { steps = SQLITE_MIGRATIONS, to = steps.length }: MigrateOptions = {},
): { from: number; to: number } {
  steps.forEach((step, i) => {
    if (step.version !== i + 1) throw new Error(`migration step ${i + 1} is numbered ${step.version}`);
  });
  if (to < 0 || to > steps.length) throw new Error(`no migration step ${to}; the latest is ${steps.length}`);
  const from = schemaVersion(db);
  if (from > steps.length) throw StoreOpenError.newerSchema(db.name, from, steps.length);
  for (const step of steps.slice(from, to)) {
    // IMMEDIATE takes the write lock before reading the version, so two processes starting on
    // one DATA_DIR at once run each step once: the second waits, then sees it done.
    db.transaction(() => {
      if (schemaVersion(db) >= step.version) return;
      step.up(db);
      db.pragma(`user_version = ${step.version}`);
    }).immediate();
  }
  return { from, to: Math.max(from, to) };
}
