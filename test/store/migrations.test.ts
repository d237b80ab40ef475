import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import {
  LATEST_SCHEMA_VERSION,
  migrate,
  SQLITE_MIGRATIONS,
  type MigrationStep,
} from '../../src/store/migrations.js';
import { StoreOpenError } from '../../src/store/open-errors.js';
import { openMigratedDatabase } from '../../src/store/sqlite.js';
import { openStore } from '../../src/store/store.js';
import { databaseAt, SCHEMA_BEFORE_MIGRATIONS, schemaOf, userVersion } from './schema.js';

const dirs: string[] = [];
const newDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'store-migrations-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Steps that only record that they ran, to test the runner apart from the real schema. */
const recordingSteps = (count: number, ran: number[] = []): MigrationStep[] =>
  Array.from({ length: count }, (_, i) => ({
    version: i + 1,
    purpose: `step ${i + 1}`,
    up(db) {
      ran.push(i + 1);
      db.exec(`CREATE TABLE t${i + 1} (x)`);
    },
  }));

describe('store migrations', () => {
  test('the steps are numbered 1, 2, 3… in order, so user_version names the last one applied', async () => {
    expect(SQLITE_MIGRATIONS.map((s) => s.version)).toEqual(
      Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1),
    );
  });

  test('an empty database is brought to the latest version with the tables the store uses', async () => {
    const db = openMigratedDatabase(':memory:');
    expect(userVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(schemaOf(db).map((o) => o.name)).toEqual(
      expect.arrayContaining(['results', 'results_by_thread', 'usage', 'job_costs', 'job_costs_by_user']),
    );
    db.close();
  });

  test('step 1 is exactly the schema the bot created before numbered migrations', async () => {
    const before = new Database(':memory:');
    before.exec(SCHEMA_BEFORE_MIGRATIONS);
    const strip = (rows: ReturnType<typeof schemaOf>) =>
      rows.map((r) => ({ ...r, sql: r.sql?.replace(' IF NOT EXISTS', '') ?? null }));
    expect(strip(schemaOf(databaseAt(1)))).toEqual(strip(schemaOf(before)));
  });

  test('a database made before numbered migrations keeps its rows and is brought to the latest version', async () => {
    const dir = newDir();
    const old = new Database(join(dir, 'bot.sqlite3'));
    old.pragma('journal_mode = WAL');
    old.exec(SCHEMA_BEFORE_MIGRATIONS);
    old.exec(`
      INSERT INTO results VALUES ('m1', 'c1', NULL, 'g1', 'u1', 'a cat', NULL, 'gemini-3-pro-image',
        '[{"text":"Here","thoughtSignature":"sig-1"}]', 1, 100);
      INSERT INTO results VALUES ('m2', 'c1', 't1', 'g1', 'u1', 'make it blue', 'm1', 'gemini-3-pro-image',
        '[{"imageIndex":0,"thoughtSignature":"sig-2"}]', 1, 200);
      INSERT INTO usage VALUES ('u1', '2026-11-23', 7);
    `);
    expect(userVersion(old)).toBe(0);
    old.close();

    const store = openStore(dir);
    expect((await store.lineage('m2')).map((r) => [r.messageId, r.prompt, r.modelParts])).toEqual([
      ['m1', 'a cat', [{ text: 'Here', thoughtSignature: 'sig-1' }]],
      ['m2', 'make it blue', [{ imageIndex: 0, thoughtSignature: 'sig-2' }]],
    ]);
    expect((await store.latestInThread('t1'))?.messageId).toBe('m2');
    expect(await store.usage('u1', '2026-11-23')).toBe(7);
    expect(await store.addUsage('u1', '2026-11-23', 1)).toBe(8);
    await store.close();

    const db = new Database(join(dir, 'bot.sqlite3'));
    expect(userVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    db.close();
  });

  test('step 2 adds job_costs to a version-1 database, keeping its results and usage', async () => {
    const dir = newDir();
    const v1 = databaseAt(1, join(dir, 'bot.sqlite3'));
    v1.exec(`
      INSERT INTO results VALUES ('m1', 'c1', NULL, 'g1', 'u1', 'a cat', NULL, 'gemini-3-pro-image',
        '[{"imageIndex":0,"thoughtSignature":"sig-1"}]', 1, 100);
      INSERT INTO usage VALUES ('u1', '2026-11-23', 3);
    `);
    expect(schemaOf(v1).map((o) => o.name)).not.toContain('job_costs');
    expect(migrate(v1, { to: 2 })).toEqual({ from: 1, to: 2 });
    expect(schemaOf(v1).map((o) => o.name)).toEqual(
      expect.arrayContaining(['job_costs', 'job_costs_by_user', 'job_costs_by_guild']),
    );
    v1.close();

    const store = openStore(dir);
    expect((await store.getResult('m1'))?.modelParts).toEqual([{ imageIndex: 0, thoughtSignature: 'sig-1' }]);
    expect(await store.usage('u1', '2026-11-23')).toBe(3);
    expect((await store.costTotals({ userId: 'u1', period: 'month', at: Date.UTC(2026, 10, 23) })).jobs).toBe(
      0,
    );
    await store.close();
  });

  test('reopening a database at the latest version runs no step and keeps its rows', async () => {
    const dir = newDir();
    const first = openStore(dir);
    await first.addUsage('u1', '2026-11-23', 2);
    await first.close();

    const db = new Database(join(dir, 'bot.sqlite3'));
    expect(migrate(db)).toEqual({ from: LATEST_SCHEMA_VERSION, to: LATEST_SCHEMA_VERSION });
    db.close();
    const again = openStore(dir);
    expect(await again.usage('u1', '2026-11-23')).toBe(2);
    await again.close();

    const ran: number[] = [];
    const fake = new Database(':memory:');
    migrate(fake, { steps: recordingSteps(2, ran) });
    migrate(fake, { steps: recordingSteps(2, ran) });
    expect(ran).toEqual([1, 2]);
  });

  test('a database from a newer version of the bot is refused, saying so, and left as it was', async () => {
    const dir = newDir();
    await openStore(dir).close();
    const file = join(dir, 'bot.sqlite3');
    const newer = new Database(file);
    newer.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    newer.close();

    const err = (() => {
      try {
        openStore(dir);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(StoreOpenError);
    expect((err as StoreOpenError).problem).toBe('newer-schema');
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toMatch(/written by a newer version of the bot/);
    expect((err as Error).message).toContain(
      `database schema ${LATEST_SCHEMA_VERSION + 1}; this version knows up to ${LATEST_SCHEMA_VERSION}`,
    );

    const after = new Database(file);
    expect(userVersion(after)).toBe(LATEST_SCHEMA_VERSION + 1);
    after.close();
  });

  test('migrating stops at the version asked for, and goes on from there next time', async () => {
    const ran: number[] = [];
    const db = new Database(':memory:');
    expect(migrate(db, { steps: recordingSteps(3, ran), to: 2 })).toEqual({ from: 0, to: 2 });
    expect(userVersion(db)).toBe(2);
    expect(migrate(db, { steps: recordingSteps(3, ran) })).toEqual({ from: 2, to: 3 });
    expect(ran).toEqual([1, 2, 3]);
    expect(userVersion(db)).toBe(3);
  });

  test('a step that fails is rolled back whole: the database stays at the step before it', async () => {
    const db = new Database(':memory:');
    const steps: MigrationStep[] = [
      ...recordingSteps(1),
      {
        version: 2,
        purpose: 'fails halfway',
        up(d) {
          d.exec('CREATE TABLE half_done (x)');
          throw new Error('step 2 broke');
        },
      },
    ];
    expect(() => migrate(db, { steps })).toThrow('step 2 broke');
    expect(userVersion(db)).toBe(1);
    expect(schemaOf(db).map((o) => o.name)).toEqual(['t1']);
  });

  test('a list of steps with a gap in its numbers is refused before anything runs', async () => {
    const db = new Database(':memory:');
    const [first] = recordingSteps(1);
    expect(() => migrate(db, { steps: [first!, { ...first!, version: 3 }] })).toThrow(/step 2 is numbered 3/);
    expect(userVersion(db)).toBe(0);
  });
});
