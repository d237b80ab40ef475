import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, inject } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres.js';
import { openStore, type Store } from '../../src/store/store.js';
import { ownSchema } from '../support/postgres.js';

/** Where one test's data lives: open it, close it, open it again and find the same rows. */
export interface StorePlace {
  open(): Promise<Store>;
}

export interface StoreFixtures {
  /** A new, empty place of this kind. */
  place(): Promise<StorePlace>;
  /** An open store on a new, empty place (closed after the test). */
  fresh(): Promise<Store>;
}

const silent = pino({ level: 'silent' });

/**
 * The store's contract, run once per implementation: SQLite in a temporary folder, and PostgreSQL
 * in a schema of the test's own (skipped with a notice when no PostgreSQL answers, required in CI;
 * see test/support/postgres.ts).
 */
export function describeEachStore(title: string, body: (fixtures: StoreFixtures) => void): void {
  const postgresUrl = inject('postgresUrl');
  for (const kind of ['SQLite', 'PostgreSQL'] as const) {
    describe.skipIf(kind === 'PostgreSQL' && postgresUrl === null)(`${title} (${kind})`, () => {
      const cleanups: (() => Promise<void> | void)[] = [];
      afterEach(async () => {
        for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
      });
      const track = (store: Store) => {
        let closed = false;
        const close = store.close.bind(store);
        cleanups.push(() => (closed ? undefined : close()));
        return Object.assign(store, {
          close: async () => {
            closed = true;
            await close();
          },
        });
      };
      const place = async (): Promise<StorePlace> => {
        if (kind === 'SQLite') {
          const dir = mkdtempSync(join(tmpdir(), 'store-'));
          cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
          return { open: () => Promise.resolve(track(openStore(dir))) };
        }
        const schema = await ownSchema(postgresUrl!);
        cleanups.push(() => schema.drop());
        return {
          open: async () =>
            track(
              await openPostgresStore(postgresUrl!, { log: silent, schema: schema.name, writeRetryMs: 2000 }),
            ),
        };
      };
      body({ place, fresh: async () => (await place()).open() });
    });
  }
}
