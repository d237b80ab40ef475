import type { TestProject } from 'vitest/node';
import { chooseRedis, type RedisChoice } from './redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Redis that tests needing one use; null when they are skipped (see chooseRedis). */
    redisUrl: string | null;
  }
}

// Each project runs its own global setup in the one main process: decide, and say so, once per run.
const CHOICE = Symbol.for('banana-bot.test-redis');

/** Vitest global setup: chooses the Redis for the tests that need one and hands its URL to them. */
export default async function setup(project: TestProject): Promise<void> {
  const shared = globalThis as { [CHOICE]?: Promise<RedisChoice> };
  const first = shared[CHOICE] === undefined;
  shared[CHOICE] ??= chooseRedis(process.env);
  const choice = await shared[CHOICE];
  if (choice.kind === 'fail') throw new Error(choice.reason);
  if (choice.kind === 'skip' && first) console.log(choice.notice);
  project.provide('redisUrl', choice.kind === 'use' ? choice.url : null);
}
