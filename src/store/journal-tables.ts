import type Database from 'better-sqlite3';
import type { JobJournalStore, JournalEntry, JournalState } from '../core/journal.js';

/**
 * Migration step 5 on both databases (portable SQL): the job journal and the processes' leases on
 * it. Times are ms since the epoch (BIGINT: SQLite reads it as INTEGER).
 */
export const JOURNAL_TABLES = `
  CREATE TABLE job_journal (
    job_id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    payload TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE INDEX job_journal_by_owner ON job_journal (owner);
  CREATE TABLE journal_leases (
    owner TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
  );
`;

export interface JournalRow {
  job_id: string;
  owner: string;
  state: string;
  attempts: number;
  payload: string;
  created_at: number;
}

export const toJournalEntry = (r: JournalRow): JournalEntry => ({
  jobId: r.job_id,
  owner: r.owner,
  state: r.state as JournalState,
  attempts: Number(r.attempts),
  payload: r.payload,
  createdAt: Number(r.created_at),
});

/** Owners whose lease still runs at a moment (the parameter): their entries are not taken over. */
export const LIVE_OWNERS = 'SELECT owner FROM journal_leases WHERE expires_at >= ?';

/** The journal on SQLite, synchronously; the store wraps it as the promise interface. */
export function journalStatements(db: Database.Database): {
  [K in keyof JobJournalStore]: (
    ...args: Parameters<JobJournalStore[K]>
  ) => Awaited<ReturnType<JobJournalStore[K]>>;
} {
  const add =
    db.prepare(`INSERT OR IGNORE INTO job_journal (job_id, owner, state, attempts, payload, created_at)
    VALUES (?, ?, 'queued', 0, ?, ?)`);
  // A NULL owner is the unconditional form (JobJournalStore.journalMark).
  const mark = db.prepare(
    'UPDATE job_journal SET state = ?, attempts = MAX(attempts, ?) WHERE job_id = ? AND (? IS NULL OR owner = ?)',
  );
  const update = db.prepare('UPDATE job_journal SET payload = ? WHERE job_id = ? AND owner = ?');
  const done = db.prepare('DELETE FROM job_journal WHERE job_id = ? AND (? IS NULL OR owner = ?)');
  const renew = db.prepare(`INSERT INTO journal_leases (owner, expires_at) VALUES (?, ?)
    ON CONFLICT (owner) DO UPDATE SET expires_at = excluded.expires_at`);
  const reassign = db.prepare(
    `UPDATE job_journal SET owner = ? WHERE owner <> ? AND owner NOT IN (${LIVE_OWNERS})`,
  );
  const mine = db.prepare<[string], JournalRow>(
    'SELECT * FROM job_journal WHERE owner = ? ORDER BY created_at',
  );
  const forget = db.prepare('DELETE FROM journal_leases WHERE expires_at < ?');
  const release = db.prepare('DELETE FROM journal_leases WHERE owner = ?');
  const takeOver = db.transaction((owner: string, now: number) => {
    reassign.run(owner, owner, now);
    forget.run(now);
    return mine.all(owner).map(toJournalEntry);
  });
  return {
    journalAdd: (e) => void add.run(e.jobId, e.owner, e.payload, e.createdAt),
    journalMark: (jobId, state, attempts, owner) =>
      mark.run(state, attempts, jobId, owner ?? null, owner ?? null).changes > 0,
    journalUpdate: (jobId, owner, payload) => update.run(payload, jobId, owner).changes > 0,
    journalDone: (jobId, owner) => void done.run(jobId, owner ?? null, owner ?? null),
    journalRenew: (owner, expiresAt) => void renew.run(owner, expiresAt),
    journalTakeOver: (owner, now) => takeOver.immediate(owner, now),
    journalRelease: (owner) => void release.run(owner),
  };
}
