import type { TestProject } from 'vitest/node';
import { choosePostgres } from './postgres.js';
import { provideService } from './service-choice.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The PostgreSQL that tests needing one use; null when they are skipped (see choosePostgres). */
    postgresUrl: string | null;
  }
}

/** Vitest global setup: chooses the PostgreSQL for the tests that need one and hands its URL to them. */
export default function setup(project: TestProject): Promise<void> {
  return provideService(project, 'postgresUrl', () => choosePostgres(process.env));
}
