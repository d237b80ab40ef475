import { defineConfig } from 'vitest/config';

// Finds the Redis for the tests that need one, or says once why they are skipped (test/support/redis.ts).
const REDIS_SETUP = 'test/support/redis-setup.ts';
// The same for PostgreSQL (test/support/postgres.ts).
const POSTGRES_SETUP = 'test/support/postgres-setup.ts';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**'],
          globalSetup: [REDIS_SETUP, POSTGRES_SETUP],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts', REDIS_SETUP, POSTGRES_SETUP],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Each file starts its own emulators and bot processes; two cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
