import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { redisKeyPrefix } from '../../src/jobs/limit-backend.js';
import { type BotProcess } from '../emulators/bot-process.js';
import { type DiscordEmulator } from '../../src/playground/discord/index.js';
import { startSecondBot, startWorld, type World } from '../emulators/world.js';
import { deleteOwnKeys } from '../support/redis.js';

// A real Redis, or none and this file skipped: see test/support/redis.ts.
const redisUrl = inject('redisUrl');
const RPM = 60;

let world: World;
let discord2: DiscordEmulator;
let bot2: BotProcess;

describe.skipIf(redisUrl === null)('two bot processes sharing a quota through Redis', () => {
  const REDIS_URL = redisUrl ?? '';

  beforeAll(async () => {
    world = await startWorld({
      env: { REDIS_URL, GEMINI_RPM: String(RPM), GEMINI_CONCURRENCY: '4' },
      gemini: { quotaRpm: RPM },
    });
    // A second bot process (another shard, say) with the same Gemini key and Redis: one quota.
    ({ discord: discord2, bot: bot2 } = await startSecondBot(world.env));
  });
  afterAll(async () => {
    await bot2?.stop('SIGKILL');
    await discord2?.stop();
    const apiKey = world?.env.GEMINI_API_KEY;
    await world?.stop();
    // The Gemini key is this run's own, so its quota id marks this run's keys alone.
    if (apiKey) await deleteOwnKeys(REDIS_URL, redisKeyPrefix(apiKey));
  });

  test('together they never exceed GEMINI_RPM: Gemini calls are spaced as one and no 429 comes back', async () => {
    const jobs = [];
    for (let i = 0; i < 5; i++) {
      jobs.push(
        world.discord.dispatchCommand('imagine', { prompt: `one-${i}` }, { user: world.discord.users.alice }),
      );
      jobs.push(discord2.dispatchCommand('imagine', { prompt: `two-${i}` }, { user: discord2.users.bob }));
    }
    const handles = await Promise.all(jobs);
    await Promise.all(handles.map((h) => h.waitForOriginal((m) => m.attachments.length > 0, 30_000)));

    const arrivals = world.gemini.requests.map((r) => r.at).sort((a, b) => a - b);
    expect(arrivals).toHaveLength(10);
    expect(world.gemini.stats.rejected429).toBe(0);
    // 60 per minute shared = one start a second across both processes. Unshared, each process would
    // send its five at one a second: arrivals in near-simultaneous pairs (median gap ~0.5 s, span
    // ~4 s). A loaded machine can delay a single arrival by a few hundred ms, so the test looks at
    // the median gap and the whole span, which tell the two apart either way.
    const gaps = arrivals
      .slice(1)
      .map((t, i) => t - arrivals[i]!)
      .sort((a, b) => a - b);
    expect(gaps[Math.floor(gaps.length / 2)]).toBeGreaterThanOrEqual(900);
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(8000);
    // Both processes did work.
    const texts = world.gemini.requests.map((r) => r.texts[0] ?? '');
    expect(texts.filter((t) => t.startsWith('one-'))).toHaveLength(5);
    expect(texts.filter((t) => t.startsWith('two-'))).toHaveLength(5);
  });
});
