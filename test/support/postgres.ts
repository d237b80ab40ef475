import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { chooseService, type ServiceChoice } from './service-choice.js';

/** Where a developer's PostgreSQL usually answers; looked for when DATABASE_URL is unset. */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const PROBE_TIMEOUT_MS = 1500;

export const POSTGRES_SKIP_NOTICE = `PostgreSQL tests skipped: set DATABASE_URL=${DEFAULT_DATABASE_URL} (or start PostgreSQL) to run them`;

/** Which PostgreSQL the tests that need one use (DATABASE_URL, else the local one; see chooseService). */
export function choosePostgres(env: NodeJS.ProcessEnv): Promise<ServiceChoice> {
  return chooseService(
    {
      name: 'PostgreSQL',
      urlVariable: 'DATABASE_URL',
      probeVariable: 'POSTGRES_PROBE_URL',
      defaultUrl: DEFAULT_DATABASE_URL,
      skipNotice: POSTGRES_SKIP_NOTICE,
      ping: pingPostgres,
    },
    env,
  );
}

/** null when a PostgreSQL answers at the URL, else why not. */
export async function pingPostgres(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A schema of the test's own, so that files running side by side on one database never meet. */
export interface OwnSchema {
  readonly name: string;
  drop(): Promise<void>;
}

export async function ownSchema(url: string): Promise<OwnSchema> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  await withClient(url, (c) => c.query(`CREATE SCHEMA ${name}`));
  return {
    name,
    drop: () =>
      withClient(url, (c) => c.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`)).then(() => undefined),
  };
}

/**
 * A database of the test's own, for bot processes (they take a DATABASE_URL and nothing else):
 * its URL, and a drop that first ends whatever connections a killed process left.
 */
export interface OwnDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

export async function ownDatabase(url: string): Promise<OwnDatabase> {
  const name = `bot_test_${randomBytes(6).toString('hex')}`;
  await withClient(url, (c) => c.query(`CREATE DATABASE ${name}`));
  const own = new URL(url);
  own.pathname = `/${name}`;
  return {
    url: own.toString(),
    drop: () =>
      withClient(url, async (c) => {
        await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
        await c.query(`DROP DATABASE IF EXISTS ${name}`);
      }).then(() => undefined),
  };
}

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
