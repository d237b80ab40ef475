import type { TestProject } from 'vitest/node';
import { chooseRedis } from './redis.js';
import { provideService } from './service-choice.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Redis that tests needing one use; null when they are skipped (see chooseRedis). */
    redisUrl: string | null;
  }
}

/** Vitest global setup: chooses the Redis for the tests that need one and hands its URL to them. */
export default function setup(project: TestProject): Promise<void> {
  return provideService(project, 'redisUrl', () => chooseRedis(process.env));
}
