import pg from 'pg';
import { LogEvent } from '../log-events.js';
import type { Logger } from '../logger.js';

/**
 * SQLSTATE classes and socket errors that say the database is unreachable, restarting or
 * overloaded for now: worth another try. Anything else (a constraint, a syntax error) is a bug and
 * is never retried.
 */
const TRANSIENT_SQLSTATE = /^(08|57P0[123]|53300|40001|40P01)/;
const TRANSIENT_SOCKET = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const TRANSIENT_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error/i;

export function isTransientDatabaseError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (TRANSIENT_SOCKET.has(code) || TRANSIENT_SQLSTATE.test(code)) return true;
  return typeof e?.message === 'string' && TRANSIENT_MESSAGE.test(e.message);
}

/** host:port/database of a URL, never its password. */
export function databaseAddress(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

/** Says once that the database went away and once that it is back, as RedisHealth does for Redis. */
export class DatabaseHealth {
  private downSince: number | undefined;

  constructor(
    private readonly log: Logger,
    private readonly address: string,
  ) {}

  get up(): boolean {
    return this.downSince === undefined;
  }

  failed(err: unknown): void {
    if (this.downSince !== undefined) return;
    this.downSince = Date.now();
    this.log.error(
      { event: LogEvent.storeUnavailable, database: this.address, detail: (err as Error)?.message },
      `the database at ${this.address} stopped answering; jobs go on, and what they store is retried until it is back`,
    );
  }

  answered(): void {
    if (this.downSince === undefined) return;
    const downMs = Date.now() - this.downSince;
    this.downSince = undefined;
    this.log.info(
      { event: LogEvent.storeRecovered, database: this.address, downMs },
      'the database answers again',
    );
  }
}

export interface RetryPolicy {
  /** How long to keep trying, in ms; 0 tries once. */
  readonly budgetMs: number;
  /**
   * Whether the statement may run twice: a statement sent whose answer was lost may have been
   * committed, so only idempotent ones are sent again (any statement is retried when the
   * connection could not even be made).
   */
  readonly idempotent: boolean;
}

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 5000;

/** A pool whose queries are retried by policy, reporting the database's health as they go. */
export class RetryingPool {
  private closed = false;

  constructor(
    readonly pool: pg.Pool,
    readonly health: DatabaseHealth,
  ) {
    // An idle client whose connection dies emits 'error' on the pool; unhandled, that kills the process.
    pool.on('error', (err) => health.failed(err));
    // So does a client that is checked out when its connection dies: its query fails (and is
    // retried), and the event it also emits must not.
    pool.on('connect', (client) => client.on('error', (err) => health.failed(err)));
  }

  async query<R extends pg.QueryResultRow>(
    sql: string,
    params: readonly unknown[],
    policy: RetryPolicy,
  ): Promise<pg.QueryResult<R>> {
    const deadline = Date.now() + policy.budgetMs;
    let delay = FIRST_DELAY_MS;
    for (;;) {
      let client: pg.PoolClient | undefined;
      let sent = false;
      try {
        client = await this.pool.connect();
        sent = true;
        const result = await client.query<R>(sql, params as unknown[]);
        client.release();
        this.health.answered();
        return result;
      } catch (err) {
        const transient = isTransientDatabaseError(err);
        // A broken connection is thrown away, not handed to the next query.
        client?.release(transient ? (err as Error) : undefined);
        if (!transient) throw err;
        this.health.failed(err);
        const wait = delay / 2 + Math.random() * (delay / 2);
        if (this.closed || (sent && !policy.idempotent) || Date.now() + wait > deadline) throw err;
        await new Promise((r) => setTimeout(r, wait));
        delay = Math.min(delay * 2, MAX_DELAY_MS);
      }
    }
  }

  /**
   * Runs `work` in one transaction on one connection, retried by policy like a query. A try that
   * fails before COMMIT is sent was rolled back, so it may always run again; once COMMIT is sent,
   * only an idempotent transaction is (its answer lost, it may have been committed). `work` may
   * answer without committing: `rollback` then undoes what it did.
   */
  async transaction<T>(
    work: (client: pg.PoolClient) => Promise<{ readonly value: T; readonly rollback?: boolean }>,
    policy: RetryPolicy,
  ): Promise<T> {
    const deadline = Date.now() + policy.budgetMs;
    let delay = FIRST_DELAY_MS;
    for (;;) {
      let client: pg.PoolClient | undefined;
      let committing = false;
      try {
        client = await this.pool.connect();
        await client.query('BEGIN');
        const { value, rollback } = await work(client);
        committing = !rollback;
        await client.query(rollback ? 'ROLLBACK' : 'COMMIT');
        client.release();
        this.health.answered();
        return value;
      } catch (err) {
        const transient = isTransientDatabaseError(err);
        if (client && !transient) await client.query('ROLLBACK').catch(() => undefined);
        client?.release(transient ? (err as Error) : undefined);
        if (!transient) throw err;
        this.health.failed(err);
        const wait = delay / 2 + Math.random() * (delay / 2);
        if (this.closed || (committing && !policy.idempotent) || Date.now() + wait > deadline) throw err;
        await new Promise((r) => setTimeout(r, wait));
        delay = Math.min(delay * 2, MAX_DELAY_MS);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pool.end();
  }
}

/** PostgreSQL's type ids for BIGINT and NUMERIC (pg's builtins, as plain numbers). */
const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** BIGINT and NUMERIC (sums) as numbers: every one the store keeps fits a double. */
function typeParser(oid: number, format?: 'text'): (value: string) => unknown {
  if (oid === INT8_OID || oid === NUMERIC_OID) return Number;
  return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
}

export function createPool(url: string, options: { schema?: string | undefined; max?: number }): pg.Pool {
  return new pg.Pool({
    connectionString: url,
    max: options.max ?? 4,
    connectionTimeoutMillis: 5000,
    // A frozen server must not hold a job's write forever: the query fails and is retried.
    query_timeout: 10_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: 'banana-bot',
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    types: { getTypeParser: typeParser as pg.CustomTypesConfig['getTypeParser'] },
  });
}
