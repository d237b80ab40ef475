import type { ControlRecord, StoredRequest } from '../core/controls.js';
import type { CostTotals, MemberTotals, SpendReservation } from '../core/results.js';
import type { Logger } from '../logger.js';
import { checkCostQuery, COST_SUMS, periodBounds, roundedTotals, roundUsd } from './job-costs.js';
import { toJournalEntry, type JournalRow } from './journal-tables.js';
import { StoreOpenError } from './open-errors.js';
import { toRecord, type ResultRow } from './result-rows.js';
import {
  createPool,
  databaseAddress,
  DatabaseHealth,
  isTransientDatabaseError,
  RetryingPool,
  type RetryPolicy,
} from './postgres-connection.js';
import { migratePostgres } from './postgres-migrations.js';
import type { Store } from './store.js';

export interface PostgresStoreOptions {
  readonly log: Logger;
  /** A schema of its own (tests run side by side in one database); default: the URL's search_path. */
  readonly schema?: string | undefined;
  /** How long a write keeps being retried while the database is away (ms). */
  readonly writeRetryMs?: number;
}

/** Two minutes: a database restart or a failover fits; a job's writes do not pile up for ever. */
const WRITE_RETRY_MS = 120_000;
/** Reads answer a member who is waiting: one or two quick tries, then the error. */
const READ: RetryPolicy = { budgetMs: 1500, idempotent: true };
/** Admission's atomic reserve: an unknown outcome must not count a picture twice. */
const ONCE: RetryPolicy = { budgetMs: 1500, idempotent: false };

const CONTROL_COLUMNS =
  'control_id, message_id, channel_id, thread_id, guild_id, user_id, model, image_count, request, created_at, deleted_at';

interface ControlRow {
  control_id: string;
  message_id: string;
  channel_id: string;
  thread_id: string | null;
  guild_id: string | null;
  user_id: string;
  model: string;
  image_count: number;
  request: string;
  created_at: number;
  deleted_at: number | null;
}

const toControlRecord = (r: ControlRow): ControlRecord => ({
  controlId: r.control_id,
  messageId: r.message_id,
  channelId: r.channel_id,
  threadId: r.thread_id,
  guildId: r.guild_id,
  userId: r.user_id,
  model: r.model,
  imageCount: r.image_count,
  request: JSON.parse(r.request) as StoredRequest,
  createdAt: r.created_at,
  deletedAt: r.deleted_at,
});

const RESULT_COLUMNS =
  'message_id, channel_id, thread_id, guild_id, user_id, prompt, parent_message_id, model, model_parts, image_count, created_at';

/**
 * The store on PostgreSQL (DATABASE_URL), for several processes on one database. Connects and
 * migrates before it answers; a database that cannot be reached then is a StoreOpenError. Later,
 * while the database is away, writes are retried for up to two minutes (only idempotent ones once
 * sent), reads fail fast, and the outage is logged once.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions): Promise<Store> {
  const address = databaseAddress(url);
  const pool = new RetryingPool(
    createPool(url, { schema: options.schema }),
    new DatabaseHealth(options.log, address),
  );
  try {
    const client = await pool.pool.connect();
    try {
      await migratePostgres(client, address);
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.close().catch(() => undefined);
    if (err instanceof StoreOpenError) throw err;
    if (
      isTransientDatabaseError(err) ||
      (err as { code?: string }).code === '28P01' ||
      (err as { code?: string }).code === '3D000'
    ) {
      throw new StoreOpenError(
        'unreachable',
        `cannot use the database at ${address} (DATABASE_URL): ${(err as Error).message}. Check that it runs and that the URL, user and password are right.`,
        { cause: err },
      );
    }
    throw err;
  }
  const write: RetryPolicy = { budgetMs: options.writeRetryMs ?? WRITE_RETRY_MS, idempotent: true };
  const counting: RetryPolicy = { ...write, idempotent: false };
  const q = <R extends object>(sql: string, params: readonly unknown[], policy: RetryPolicy) =>
    pool.query<R & Record<string, unknown>>(sql, params, policy);

  return {
    get healthy() {
      return pool.health.up;
    },
    async saveResult(r) {
      // The newest save of a message wins and becomes its thread's latest, as SQLite's OR REPLACE.
      await q(
        `INSERT INTO results (${RESULT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (message_id) DO UPDATE SET channel_id = excluded.channel_id, thread_id = excluded.thread_id,
           guild_id = excluded.guild_id, user_id = excluded.user_id, prompt = excluded.prompt,
           parent_message_id = excluded.parent_message_id, model = excluded.model,
           model_parts = excluded.model_parts, image_count = excluded.image_count,
           created_at = excluded.created_at, seq = nextval(pg_get_serial_sequence('results', 'seq'))`,
        [
          r.messageId,
          r.channelId,
          r.threadId,
          r.guildId,
          r.userId,
          r.prompt,
          r.parentMessageId,
          r.model,
          JSON.stringify(r.modelParts),
          r.imageCount,
          r.createdAt,
        ],
        write,
      );
    },
    async getResult(id) {
      const { rows } = await q<ResultRow>(
        `SELECT ${RESULT_COLUMNS} FROM results WHERE message_id = $1`,
        [id],
        READ,
      );
      return rows[0] ? toRecord(rows[0]) : undefined;
    },
    async lineage(id, maxDepth = 8) {
      // One round trip for the whole chain; `seen` stops a cycle in the parent links.
      const { rows } = await q<ResultRow>(
        `WITH RECURSIVE chain AS (
           SELECT ${RESULT_COLUMNS}, 1 AS depth, ARRAY[message_id] AS seen FROM results WHERE message_id = $1
           UNION ALL
           SELECT ${RESULT_COLUMNS.split(', ')
             .map((c) => `p.${c}`)
             .join(', ')}, c.depth + 1, c.seen || p.message_id
           FROM results p JOIN chain c ON p.message_id = c.parent_message_id
           WHERE c.depth < $2 AND NOT p.message_id = ANY (c.seen)
         )
         SELECT ${RESULT_COLUMNS} FROM chain ORDER BY depth DESC`,
        [id, maxDepth],
        READ,
      );
      return rows.map(toRecord);
    },
    async latestInThread(threadId) {
      const { rows } = await q<ResultRow>(
        `SELECT ${RESULT_COLUMNS} FROM results WHERE thread_id = $1 ORDER BY created_at DESC, seq DESC LIMIT 1`,
        [threadId],
        READ,
      );
      return rows[0] ? toRecord(rows[0]) : undefined;
    },
    async addUsage(userId, day, images) {
      const { rows } = await q<{ images: number }>(
        `INSERT INTO usage (user_id, day, images) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, day) DO UPDATE SET images = usage.images + excluded.images RETURNING images`,
        [userId, day, images],
        counting,
      );
      return rows[0]!.images;
    },
    async usage(userId, day) {
      const { rows } = await q<{ images: number }>(
        'SELECT images FROM usage WHERE user_id = $1 AND day = $2',
        [userId, day],
        READ,
      );
      return rows[0]?.images ?? 0;
    },
    async reserveUsage(userId, day, limit) {
      // One statement, so one atomic step: the row lock of ON CONFLICT orders racing reserves.
      const { rows } = await q(
        `INSERT INTO usage (user_id, day, images) VALUES ($1, $2, 1)
         ON CONFLICT (user_id, day) DO UPDATE SET images = usage.images + 1
         WHERE $3::integer = 0 OR usage.images < $3::integer
         RETURNING images`,
        [userId, day, limit],
        ONCE,
      );
      return rows.length === 1;
    },
    async recordJobCost(r) {
      await q(
        `INSERT INTO job_costs VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
         ON CONFLICT (job_id) DO NOTHING`,
        [
          r.jobId,
          r.userId,
          r.guildId,
          r.channelId,
          r.model,
          r.imageSize,
          r.kind,
          r.outcome,
          r.imagesGenerated,
          r.imagesDelivered,
          r.promptTokens,
          r.outputTokens,
          r.thinkingTokens,
          r.searches,
          r.imageCostUsd,
          r.searchCostUsd,
          r.costUsd,
          r.priceEstimated ? 1 : 0,
          r.createdAt,
        ],
        write,
      );
    },
    async costTotals(query) {
      checkCostQuery(query);
      const [from, to] = periodBounds(query.period, query.at);
      const column = query.userId !== undefined ? 'user_id' : 'guild_id';
      const { rows } = await q<CostTotals>(
        `SELECT ${COST_SUMS} FROM job_costs WHERE ${column} = $1 AND created_at >= $2 AND created_at < $3`,
        [query.userId ?? query.guildId, from, to],
        READ,
      );
      return roundedTotals(rows[0]!);
    },
    async topMembers({ guildId, period, at, limit }) {
      const [from, to] = periodBounds(period, at);
      // COLLATE "C": ties ordered by the bytes of the id, as SQLite orders text.
      const { rows } = await q<MemberTotals>(
        `SELECT user_id AS "userId", COUNT(*) AS "jobs",
           COALESCE(SUM(images_delivered), 0) AS "imagesDelivered", COALESCE(SUM(cost_usd), 0) AS "costUsd"
         FROM job_costs WHERE guild_id = $1 AND created_at >= $2 AND created_at < $3
         GROUP BY user_id ORDER BY "costUsd" DESC, "imagesDelivered" DESC, user_id COLLATE "C" LIMIT $4`,
        [guildId, from, to, limit],
        READ,
      );
      return rows.map((m) => ({ ...m, costUsd: roundUsd(m.costUsd) }));
    },
    async saveControls(r) {
      // Plain INSERT: an id names one picture for good, so a second write for it is a bug to
      // surface; hence not sent twice either (a lost answer would make the retry that second write).
      await q(
        `INSERT INTO result_controls (${CONTROL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL)`,
        [
          r.controlId,
          r.messageId,
          r.channelId,
          r.threadId,
          r.guildId,
          r.userId,
          r.model,
          r.imageCount,
          JSON.stringify(r.request),
          r.createdAt,
        ],
        counting,
      );
    },
    async getControls(controlId) {
      const { rows } = await q<ControlRow>(
        `SELECT ${CONTROL_COLUMNS} FROM result_controls WHERE control_id = $1`,
        [controlId],
        READ,
      );
      return rows[0] ? toControlRecord(rows[0]) : undefined;
    },
    async markControlsDeleted(controlId, at) {
      // The first deletion's time stays: sent again, the statement changes nothing.
      await q(
        'UPDATE result_controls SET deleted_at = $1 WHERE control_id = $2 AND deleted_at IS NULL',
        [at, controlId],
        write,
      );
    },
    async guildSettings(guildId) {
      const { rows } = await q<{ settings: string }>(
        'SELECT settings FROM guild_settings WHERE guild_id = $1',
        [guildId],
        READ,
      );
      return rows[0]?.settings;
    },
    async saveGuildSettings(guildId, settings, at) {
      await q(
        `INSERT INTO guild_settings (guild_id, settings, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (guild_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`,
        [guildId, settings, at],
        write,
      );
    },
    async reserveSpend(claims, day, micros) {
      if (claims.length === 0) return { ok: true };
      const scopes = claims.map((c) => c.scope);
      // One transaction holding the row of every budget it checks: two jobs racing for the last
      // cent, in any processes, cannot both get it. Missing rows are made first (at 0), so there
      // is a row to lock; rows are taken in scope order, so two reserves never deadlock.
      return pool.transaction<SpendReservation>(async (client) => {
        await client.query(
          `INSERT INTO spend (scope, day, micros)
           SELECT scope, $2::text, 0::bigint FROM unnest($1::text[]) AS s(scope)
           GROUP BY scope ORDER BY scope COLLATE "C"
           ON CONFLICT (scope, day) DO NOTHING`,
          [scopes, day],
        );
        const { rows } = await client.query<{ scope: string; micros: number }>(
          `SELECT scope, micros FROM spend WHERE day = $2 AND scope = ANY ($1::text[])
           ORDER BY scope COLLATE "C" FOR UPDATE`,
          [scopes, day],
        );
        const spentNow = new Map(rows.map((r) => [r.scope, r.micros]));
        for (const { scope, limitMicros } of claims) {
          if (limitMicros > 0 && (spentNow.get(scope) ?? 0) + micros > limitMicros) {
            return { value: { ok: false, full: scope }, rollback: true };
          }
        }
        // A scope named twice is added to twice, as SQLite's loop does.
        await client.query(
          `UPDATE spend SET micros = spend.micros + c.n * $3::bigint
           FROM (SELECT scope, COUNT(*) AS n FROM unnest($1::text[]) AS s(scope) GROUP BY scope) c
           WHERE spend.scope = c.scope AND spend.day = $2`,
          [scopes, day, micros],
        );
        return { value: { ok: true } };
      }, ONCE);
    },
    async addSpend(scopes, day, micros) {
      if (scopes.length === 0) return;
      // One statement for every scope (so all or none); added, so never sent twice.
      await q(
        `INSERT INTO spend (scope, day, micros)
         SELECT scope, $2::text, COUNT(*) * $3::bigint FROM unnest($1::text[]) AS s(scope)
         GROUP BY scope ORDER BY scope COLLATE "C"
         ON CONFLICT (scope, day) DO UPDATE SET micros = spend.micros + excluded.micros`,
        [scopes, day, micros],
        counting,
      );
    },
    async spent(scope, day) {
      const { rows } = await q<{ micros: number }>(
        'SELECT micros FROM spend WHERE scope = $1 AND day = $2',
        [scope, day],
        READ,
      );
      return rows[0]?.micros ?? 0;
    },
    async journalAdd(e) {
      await q(
        `INSERT INTO job_journal (job_id, owner, state, attempts, payload, created_at)
         VALUES ($1, $2, 'queued', 0, $3, $4) ON CONFLICT (job_id) DO NOTHING`,
        [e.jobId, e.owner, e.payload, e.createdAt],
        write,
      );
    },
    async journalMark(jobId, state, attempts, owner) {
      // Sent again after a lost answer, it finds the row as the first try left it: same answer.
      const { rowCount } = await q(
        `UPDATE job_journal SET state = $2, attempts = GREATEST(attempts, $3)
         WHERE job_id = $1 AND ($4::text IS NULL OR owner = $4)`,
        [jobId, state, attempts, owner ?? null],
        write,
      );
      return (rowCount ?? 0) > 0;
    },
    async journalUpdate(jobId, owner, payload) {
      const { rowCount } = await q(
        'UPDATE job_journal SET payload = $3 WHERE job_id = $1 AND owner = $2',
        [jobId, owner, payload],
        write,
      );
      return (rowCount ?? 0) > 0;
    },
    async journalDone(jobId, owner) {
      await q(
        'DELETE FROM job_journal WHERE job_id = $1 AND ($2::text IS NULL OR owner = $2)',
        [jobId, owner ?? null],
        write,
      );
    },
    async journalRenew(owner, expiresAt) {
      await q(
        `INSERT INTO journal_leases (owner, expires_at) VALUES ($1, $2)
         ON CONFLICT (owner) DO UPDATE SET expires_at = excluded.expires_at`,
        [owner, expiresAt],
        write,
      );
    },
    async journalTakeOver(owner, now) {
      // One statement: the main SELECT sees the table as it was, so `moved` and the owner's own
      // entries never overlap. Two processes at once: the second waits on the first's row locks,
      // then finds those rows owned by a live lease and leaves them.
      const { rows } = await q<JournalRow>(
        `WITH moved AS (
           UPDATE job_journal SET owner = $1
           WHERE owner <> $1 AND owner NOT IN (SELECT owner FROM journal_leases WHERE expires_at >= $2)
           RETURNING *
         ), forgotten AS (DELETE FROM journal_leases WHERE expires_at < $2)
         SELECT * FROM moved UNION ALL SELECT * FROM job_journal WHERE owner = $1
         ORDER BY created_at`,
        [owner, now],
        READ,
      );
      return rows.map(toJournalEntry);
    },
    async journalRelease(owner) {
      await q('DELETE FROM journal_leases WHERE owner = $1', [owner], write);
    },
    close: () => pool.close(),
  };
}
