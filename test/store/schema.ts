import Database from 'better-sqlite3';
import { migrate } from '../../src/store/migrations.js';

/**
 * The schema exactly as the bot created it on open before numbered migrations (user_version 0).
 * Frozen here on purpose: it is what deployed databases hold, whatever step 1 becomes.
 */
export const SCHEMA_BEFORE_MIGRATIONS = `
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
`;

/**
 * A database brought up to `version` and no further. To test a new step N: take
 * `databaseAt(N - 1)`, insert rows the way version N - 1 stores them, run
 * `migrate(db, { to: N })`, and check the rows and `schemaOf(db)`.
 */
export function databaseAt(version: number, file = ':memory:'): Database.Database {
  const db = new Database(file);
  migrate(db, { to: version });
  return db;
}

/** Tables and indexes with their SQL, whitespace folded, so two schemas compare as values. */
export function schemaOf(db: Database.Database): { type: string; name: string; sql: string | null }[] {
  return db
    .prepare<[], { type: string; name: string; sql: string | null }>(
      "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all()
    .map((row) => ({ ...row, sql: row.sql?.replace(/\s+/g, ' ').trim() ?? null }));
}

export const userVersion = (db: Database.Database): number =>
  db.pragma('user_version', { simple: true }) as number;
