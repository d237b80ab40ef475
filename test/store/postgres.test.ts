import pino from 'pino';
import pg from 'pg';
import { afterEach, describe, expect, inject, test } from 'vitest';
import { LogEvent } from '../../src/log-events.js';
import { SQLITE_MIGRATIONS } from '../../src/store/migrations.js';
import { StoreOpenError } from '../../src/store/open-errors.js';
import { openPostgresStore } from '../../src/store/postgres.js';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres-migrations.js';
import type { Store } from '../../src/store/store.js';
import { ownSchema, type OwnSchema } from '../support/postgres.js';
import { tcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

// A real PostgreSQL, or none and the PostgreSQL parts skipped: see test/support/postgres.ts.
const postgresUrl = inject('postgresUrl');

const record = (messageId: string) => ({
  messageId,
  channelId: 'c1',
  threadId: null,
  guildId: 'g1',
  userId: 'u1',
  prompt: 'a cat',
  parentMessageId: null,
  model: 'gemini-3-pro-image',
  modelParts: [],
  imageCount: 1,
  createdAt: 1,
});

test('PostgreSQL has the same migration steps as SQLite, by number and purpose', () => {
  const steps = (list: readonly { version: number; purpose: string }[]) =>
    list.map(({ version, purpose }) => ({ version, purpose }));
  expect(steps(POSTGRES_MIGRATIONS)).toEqual(steps(SQLITE_MIGRATIONS));
});

describe.skipIf(postgresUrl === null)('the PostgreSQL store', () => {
  const url = postgresUrl ?? '';
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  });
  const schema = async (): Promise<OwnSchema> => {
    const s = await ownSchema(url);
    cleanups.push(() => s.drop());
    return s;
  };
  const open = async (over: { url?: string; schema: string; log?: pino.Logger; writeRetryMs?: number }) => {
    const store: Store = await openPostgresStore(over.url ?? url, {
      log: over.log ?? pino({ level: 'silent' }),
      schema: over.schema,
      writeRetryMs: over.writeRetryMs ?? 2000,
    });
    cleanups.push(() => store.close());
    return store;
  };
  const tables = async (name: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
        [name],
      );
      const versions = await client.query<{ version: number }>(
        `SELECT version FROM ${name}.schema_migrations ORDER BY version`,
      );
      return { tables: rows.map((r) => r.table_name), versions: versions.rows.map((r) => r.version) };
    } finally {
      await client.end();
    }
  };

  test('an empty schema is migrated to the latest step, and processes starting together migrate it once', async () => {
    const s = await schema();
    await Promise.all([open({ schema: s.name }), open({ schema: s.name }), open({ schema: s.name })]);
    expect(await tables(s.name)).toEqual({
      tables: [
        'guild_settings',
        'job_costs',
        'job_journal',
        'journal_leases',
        'result_controls',
        'results',
        'schema_migrations',
        'spend',
        'usage',
      ],
      versions: POSTGRES_MIGRATIONS.map((m) => m.version),
    });
  });

  test('a database written by a newer bot is refused with a StoreOpenError saying what to do', async () => {
    const s = await schema();
    const first = await open({ schema: s.name });
    await first.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`INSERT INTO ${s.name}.schema_migrations VALUES (99, 'from the future', 0)`);
    await client.end();
    const err = await open({ schema: s.name }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreOpenError);
    expect((err as StoreOpenError).problem).toBe('newer-schema');
    expect((err as Error).message).toMatch(/schema 99.*DATABASE_URL/);
  });

  test('a database that does not answer at start-up is an operator error naming where, without the password', async () => {
    const err = await openPostgresStore('postgres://bot:s3cret@127.0.0.1:1/bot', {
      log: pino({ level: 'silent' }),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreOpenError);
    expect((err as StoreOpenError).problem).toBe('unreachable');
    expect((err as Error).message).toMatch(/127\.0\.0\.1:1\/bot \(DATABASE_URL\)/);
    expect((err as Error).message).not.toContain('s3cret');
  });

  describe('while the database is away', () => {
    let proxy: TcpProxy;
    const lines: { event?: string }[] = [];
    const log = pino(
      { level: 'info' },
      { write: (l: string) => void lines.push(JSON.parse(l) as { event?: string }) },
    );
    const viaProxy = async (writeRetryMs: number) => {
      const target = new URL(url);
      proxy = await tcpProxy(target.hostname, Number(target.port || 5432));
      cleanups.push(() => proxy.close());
      const through = new URL(url);
      through.hostname = '127.0.0.1';
      through.port = String(proxy.port);
      const s = await schema();
      return open({ url: through.toString(), schema: s.name, log, writeRetryMs });
    };

    test('a write waits and lands once it is back; the store says it is down, then up, once each', async () => {
      lines.length = 0;
      const store = await viaProxy(10_000);
      proxy.cut();
      const saved = store.saveResult(record('m1'));
      await expect.poll(() => store.healthy).toBe(false);
      await new Promise((r) => setTimeout(r, 500));
      proxy.restore();
      await saved;
      expect(store.healthy).toBe(true);
      expect((await store.getResult('m1'))?.prompt).toBe('a cat');
      expect(lines.filter((l) => l.event === LogEvent.storeUnavailable)).toHaveLength(1);
      expect(lines.filter((l) => l.event === LogEvent.storeRecovered)).toHaveLength(1);
    });

    test('a write gives up after its retry time, and a read fails fast, so nothing waits for ever', async () => {
      const store = await viaProxy(600);
      proxy.cut();
      const started = Date.now();
      await expect(store.saveResult(record('m2'))).rejects.toThrow();
      await expect(store.getResult('m2')).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(6000);
    });
  });
});
