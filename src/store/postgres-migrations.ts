import type pg from 'pg';
import { JOURNAL_TABLES } from './journal-tables.js';
import { StoreOpenError } from './open-errors.js';

/**
 * The PostgreSQL schema, step for step the same as SQLITE_MIGRATIONS (same numbers, same purposes,
 * checked by a test); only types differ where SQLite's would lose data here (REAL is 4 bytes on
 * PostgreSQL, INTEGER 4 bytes too: ms timestamps and micro-dollars need BIGINT). The journal's
 * step shares its SQL.
 */
export interface PostgresStep {
  readonly version: number;
  readonly purpose: string;
  readonly sql: string;
}

export const POSTGRES_MIGRATIONS: readonly PostgresStep[] = [
  {
    version: 1,
    purpose: 'results with their lineage, daily usage',
    // seq stands in for SQLite's rowid: the newest of two results made in the same millisecond.
    sql: `
      CREATE TABLE results (
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
        created_at BIGINT NOT NULL,
        seq BIGSERIAL NOT NULL
      );
      CREATE INDEX results_by_thread ON results (thread_id, created_at);
      CREATE TABLE usage (
        user_id TEXT NOT NULL,
        day TEXT NOT NULL,
        images INTEGER NOT NULL,
        PRIMARY KEY (user_id, day)
      );
    `,
  },
  {
    version: 2,
    purpose: 'job_costs: tokens, searches and estimated cost of every job that reached Gemini',
    sql: `
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
        image_cost_usd DOUBLE PRECISION NOT NULL,
        search_cost_usd DOUBLE PRECISION NOT NULL,
        cost_usd DOUBLE PRECISION NOT NULL,
        price_estimated INTEGER NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX job_costs_by_user ON job_costs (user_id, created_at);
      CREATE INDEX job_costs_by_guild ON job_costs (guild_id, created_at);
    `,
  },
  {
    version: 3,
    purpose: 'result_controls: the request behind each delivered picture, for its buttons',
    sql: `
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
        created_at BIGINT NOT NULL,
        deleted_at BIGINT
      );
      CREATE INDEX result_controls_by_message ON result_controls (message_id);
    `,
  },
  {
    version: 4,
    purpose: 'guild_settings: each server’s /settings; spend: estimated USD per budget per UTC day',
    // Micro-dollars as BIGINT: a 4-byte INTEGER ends at about 2,147 dollars a day.
    sql: `
      CREATE TABLE guild_settings (
        guild_id TEXT PRIMARY KEY,
        settings TEXT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE TABLE spend (
        scope TEXT NOT NULL,
        day TEXT NOT NULL,
        micros BIGINT NOT NULL,
        PRIMARY KEY (scope, day)
      );
    `,
  },
  {
    version: 5,
    purpose:
      'job_journal and journal_leases: admitted jobs survive a crash and are finished by another process',
    sql: JOURNAL_TABLES,
  },
];

/** Any fixed number: every bot process on one database takes this lock to migrate, one at a time. */
const MIGRATION_LOCK = 0x62616e61;

/**
 * Brings the database (the schema its search_path names) up to the latest step, each step in its
 * own transaction with schema_migrations recording it. Several processes starting at once take
 * turns on an advisory lock; a database newer than these steps is refused, as on SQLite.
 */
export async function migratePostgres(
  client: pg.ClientBase,
  where: string,
  steps: readonly PostgresStep[] = POSTGRES_MIGRATIONS,
): Promise<{ from: number; to: number }> {
  steps.forEach((step, i) => {
    if (step.version !== i + 1) throw new Error(`migration step ${i + 1} is numbered ${step.version}`);
  });
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, purpose TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
    const version = async () =>
      Number(
        (await client.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations')).rows[0]
          ?.v ?? 0,
      );
    const from = await version();
    if (from > steps.length) {
      throw new StoreOpenError(
        'newer-schema',
        `The database at ${where} was written by a newer version of the bot (schema ${from}; this version knows up to ${steps.length}), and this version will not use it, so as not to damage it. Run the newer version again, or point DATABASE_URL at a copy made before the upgrade.`,
      );
    }
    for (const step of steps.slice(from)) {
      await client.query('BEGIN');
      try {
        await client.query(step.sql);
        await client.query('INSERT INTO schema_migrations VALUES ($1, $2, $3)', [
          step.version,
          step.purpose,
          Date.now(),
        ]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    }
    return { from, to: Math.max(from, steps.length) };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
  }
}
