import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { guildSettingsStatements } from './guild-settings.js';
import { jobCostStatements } from './job-costs.js';
import { journalStatements } from './journal-tables.js';
import { migrate } from './migrations.js';
import { resultControlStatements } from './result-controls.js';
import { toRecord, type ResultRow as Row } from './result-rows.js';
import { classifyStoreOpenError, refuseReadOnlyFile, StoreOpenError } from './open-errors.js';
import type { ResultRecord, Store } from './store.js';

/** SQLite in DATA_DIR (or ':memory:' for tests), in WAL mode so a crash loses nothing committed. */
export function openSqliteStore(dataDir: string): Store {
  const db = openMigratedDatabase(dataDir === ':memory:' ? ':memory:' : join(dataDir, 'bot.sqlite3'));

  const insert = db.prepare(`INSERT OR REPLACE INTO results VALUES
    (@message_id, @channel_id, @thread_id, @guild_id, @user_id, @prompt, @parent_message_id, @model, @model_parts, @image_count, @created_at)`);
  const byId = db.prepare<[string], Row>('SELECT * FROM results WHERE message_id = ?');
  const latest = db.prepare<[string], Row>(
    'SELECT * FROM results WHERE thread_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1',
  );
  const bump = db.prepare(`INSERT INTO usage (user_id, day, images) VALUES (?, ?, ?)
    ON CONFLICT (user_id, day) DO UPDATE SET images = images + excluded.images RETURNING images`);
  const readUsage = db.prepare<[string, string], { images: number }>(
    'SELECT images FROM usage WHERE user_id = ? AND day = ?',
  );

  const reserve = db.transaction((userId: string, day: string, limit: number): boolean => {
    const used = readUsage.get(userId, day)?.images ?? 0;
    if (limit > 0 && used >= limit) return false;
    bump.get(userId, day, 1);
    return true;
  });
  const lineage = (id: string, maxDepth: number): ResultRecord[] => {
    const chain: ResultRecord[] = [];
    const seen = new Set<string>();
    let next: string | null = id;
    while (next && chain.length < maxDepth && !seen.has(next)) {
      seen.add(next);
      const row = byId.get(next);
      if (!row) break;
      chain.unshift(toRecord(row));
      next = row.parent_message_id;
    }
    return chain;
  };
  const costs = jobCostStatements(db);
  const journal = journalStatements(db);
  const controls = resultControlStatements(db);
  const guilds = guildSettingsStatements(db);

  return {
    healthy: true,
    journalAdd: (entry) => settle(() => journal.journalAdd(entry)),
    journalMark: (jobId, state, attempts, owner) =>
      settle(() => journal.journalMark(jobId, state, attempts, owner)),
    journalUpdate: (jobId, owner, payload) => settle(() => journal.journalUpdate(jobId, owner, payload)),
    journalDone: (jobId, owner) => settle(() => journal.journalDone(jobId, owner)),
    journalRenew: (owner, expiresAt) => settle(() => journal.journalRenew(owner, expiresAt)),
    journalTakeOver: (owner, now) => settle(() => journal.journalTakeOver(owner, now)),
    journalRelease: (owner) => settle(() => journal.journalRelease(owner)),
    topMembers: (query) => settle(() => costs.topMembers(query)),
    guildSettings: (guildId) => settle(() => guilds.guildSettings(guildId)),
    saveGuildSettings: (guildId, settings, at) =>
      settle(() => guilds.saveGuildSettings(guildId, settings, at)),
    reserveSpend: (claims, day, micros) => settle(() => guilds.reserveSpend(claims, day, micros)),
    addSpend: (scopes, day, micros) => settle(() => guilds.addSpend(scopes, day, micros)),
    spent: (scope, day) => settle(() => guilds.spent(scope, day)),
    recordJobCost: (record) => settle(() => costs.recordJobCost(record)),
    costTotals: (query) => settle(() => costs.costTotals(query)),
    saveControls: (record) => settle(() => controls.saveControls(record)),
    getControls: (controlId) => settle(() => controls.getControls(controlId)),
    markControlsDeleted: (controlId, at) => settle(() => controls.markControlsDeleted(controlId, at)),
    saveResult: (r) =>
      settle(() => {
        insert.run({
          message_id: r.messageId,
          channel_id: r.channelId,
          thread_id: r.threadId,
          guild_id: r.guildId,
          user_id: r.userId,
          prompt: r.prompt,
          parent_message_id: r.parentMessageId,
          model: r.model,
          model_parts: JSON.stringify(r.modelParts),
          image_count: r.imageCount,
          created_at: r.createdAt,
        });
      }),
    getResult: (id) =>
      settle(() => {
        const row = byId.get(id);
        return row ? toRecord(row) : undefined;
      }),
    lineage: (id, maxDepth = 8) => settle(() => lineage(id, maxDepth)),
    latestInThread: (threadId) =>
      settle(() => {
        const row = latest.get(threadId);
        return row ? toRecord(row) : undefined;
      }),
    addUsage: (userId, day, images) =>
      settle(() => (bump.get(userId, day, images) as { images: number }).images),
    usage: (userId, day) => settle(() => readUsage.get(userId, day)?.images ?? 0),
    reserveUsage: (userId, day, limit) => settle(() => reserve.immediate(userId, day, limit)),
    close: () => settle(() => void db.close()),
  };
}

/** Runs a synchronous statement as the interface's promise: a thrown error becomes a rejection. */
function settle<T>(run: () => T): Promise<T> {
  try {
    return Promise.resolve(run());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

/**
 * Opens the file (making its folder) and brings its schema up to date. Whatever an operator can
 * fix (a file that is not a database, a folder this user cannot write, a newer schema) becomes a
 * StoreOpenError saying so; anything else is a bug and keeps its stack.
 */
export function openMigratedDatabase(file: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    if (file !== ':memory:') {
      mkdirSync(dirname(file), { recursive: true });
      refuseReadOnlyFile(file);
    }
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    migrate(db);
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof StoreOpenError) throw err;
    throw classifyStoreOpenError(err, file) ?? err;
  }
}
