import { Redis } from 'ioredis';
import { ENGLISH } from '../../src/text/catalogue.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SHARED_STORE_DOWN } from '../../src/jobs/present.js';
import { LogEvent } from '../../src/log-events.js';
import { type BotProcess } from '../emulators/bot-process.js';
import { type DiscordEmulator } from '../../src/playground/discord/index.js';
import { startSecondBot, startWorld, type World } from '../emulators/world.js';
import { ownRedis, redisServerMissing, type OwnRedis } from '../support/redis-server.js';

/**
 * Two bot processes sharing a quota through a redis-server this file starts, stops, restarts and
 * freezes itself (never the shared one on 6379), in one story: Redis not there at start-up, then
 * there; keys expiring while idle; Redis restarted empty; Redis down mid-run; one bot frozen.
 */
const RPM = 120;
const KEY_TTL_MS = 2000;

if (redisServerMissing && process.env.CI === 'true') {
  test('the Redis fault e2e tests have a redis-server to run against', () => {
    throw new Error(`${redisServerMissing}; CI must run these tests`);
  });
}

describe.skipIf(redisServerMissing !== undefined)(
  `bot processes when their Redis fails${redisServerMissing ? ` (skipped: ${redisServerMissing})` : ''}`,
  () => {
    let redis: OwnRedis;
    let world: World;
    let discord2: DiscordEmulator | undefined;
    let bot2: BotProcess | undefined;

    beforeAll(async () => {
      // The port is chosen, but nothing listens on it yet: the bot starts with Redis unreachable.
      redis = await ownRedis({ started: false });
      world = await startWorld({
        env: {
          REDIS_URL: redis.url,
          REDIS_KEY_TTL_MS: String(KEY_TTL_MS),
          GEMINI_RPM: String(RPM),
          GEMINI_CONCURRENCY: '4',
        },
        gemini: { quotaRpm: RPM },
      });
    });
    afterAll(async () => {
      if (bot2) bot2.child.kill('SIGCONT');
      await bot2?.stop('SIGKILL');
      await discord2?.stop();
      await world?.stop();
      await redis?.stop();
    });

    const redisEvents = (bot: BotProcess, event: string) => bot.logs().filter((l) => l.event === event);

    /** Waits until `bot` has logged `count` redis.recovered lines in all (one per client). */
    const recovered = (bot: BotProcess, count: number) =>
      bot.waitForLog(() => redisEvents(bot, LogEvent.redisRecovered).length >= count, 15_000);

    async function imagine(discord: DiscordEmulator, prompt: string) {
      const h = await discord.dispatchCommand('imagine', { prompt }, { user: discord.users.alice });
      return h.waitForOriginal((m) => m.attachments.length > 0, 20_000);
    }

    async function refusedAtOnce(discord: DiscordEmulator, prompt: string) {
      const sent = Date.now();
      const h = await discord.dispatchCommand('imagine', { prompt }, { user: discord.users.bob });
      const callback = await h.waitForCallback(5000);
      const body = callback.body as { type: number; data: { content: string; flags: number } };
      expect(body.data.content).toBe(`⚠️ ${ENGLISH.say(SHARED_STORE_DOWN)}`);
      expect(body.data.flags & 64).toBe(64);
      expect(callback.at - sent).toBeLessThan(3000);
    }

    async function startSecond() {
      ({ discord: discord2, bot: bot2 } = await startSecondBot(world.env));
    }

    test('started with REDIS_URL on a closed port: the operator is told, members get “try again shortly”', async () => {
      const unavailable = redisEvents(world.bot, LogEvent.redisUnavailable);
      expect(unavailable.length).toBeGreaterThanOrEqual(1);
      expect(unavailable[0]).toMatchObject({ level: 50, redis: `127.0.0.1:${redis.port}` });
      expect(unavailable[0]!.msg).toMatch(/^cannot reach Redis at 127\.0\.0\.1:\d+ \(REDIS_URL\), used for /);
      await refusedAtOnce(world.discord, 'no redis yet');
      expect(world.gemini.requests).toHaveLength(0);
    });

    test('once Redis comes up, the same process works without a restart', async () => {
      await redis.start();
      await recovered(world.bot, 2);
      await imagine(world.discord, 'redis is up');
      expect(world.gemini.requests).toHaveLength(1);
      await startSecond();
      await imagine(discord2!, 'second bot');
    });

    test('an idle spell longer than REDIS_KEY_TTL_MS: the next jobs still run', async () => {
      const admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
      try {
        const deadline = Date.now() + KEY_TTL_MS + 10_000;
        while ((await admin.keys('b_*_settings')).length > 0) {
          if (Date.now() > deadline) throw new Error('the quota keys did not expire');
          await new Promise((r) => setTimeout(r, 200));
        }
      } finally {
        admin.disconnect();
      }
      const before = world.gemini.requests.length;
      await imagine(world.discord, 'after idle one');
      await imagine(discord2!, 'after idle two');
      expect(world.gemini.requests.length - before).toBe(2);
    });

    test('Redis restarted empty mid-run: once it is back, both processes’ next jobs call Gemini', async () => {
      const seen1 = redisEvents(world.bot, LogEvent.redisRecovered).length;
      const seen2 = redisEvents(bot2!, LogEvent.redisRecovered).length;
      await redis.stop();
      await new Promise((r) => setTimeout(r, 1000));
      await redis.start();
      await recovered(world.bot, seen1 + 2);
      await recovered(bot2!, seen2 + 2);
      const before = world.gemini.requests.length;
      await imagine(world.discord, 'after restart one');
      await imagine(discord2!, 'after restart two');
      expect(world.gemini.requests.length - before).toBe(2);
    });

    test('Redis down while running: /imagine and refines are told to try again within 3 s; then it works again', async () => {
      const picture = await imagine(world.discord, 'a picture to refine later');
      const seen = redisEvents(world.bot, LogEvent.redisRecovered).length;
      await redis.stop();
      const before = world.gemini.requests.length;
      await refusedAtOnce(world.discord, 'redis is down');
      const sent = Date.now();
      await world.discord.dispatchMessage({ content: 'make it blue', replyTo: picture.id });
      const answer = await world.discord.waitForMessage(
        (m) => m.author.bot && m.createdAt >= sent && m.content.includes(ENGLISH.say(SHARED_STORE_DOWN)),
        5000,
      );
      expect(answer.createdAt - sent).toBeLessThan(3000);
      expect(world.gemini.requests.length).toBe(before);

      await redis.start();
      await recovered(world.bot, seen + 2);
      await imagine(world.discord, 'redis is back');
    });

    test('a process frozen for 20 s (SIGSTOP) keeps serving after SIGCONT, and both stay spaced as one', async () => {
      await recovered(bot2!, 1);
      bot2!.child.kill('SIGSTOP');
      try {
        // The other process is not held up by the frozen one meanwhile.
        await imagine(world.discord, 'while the other is frozen');
        await new Promise((r) => setTimeout(r, 20_000));
      } finally {
        bot2!.child.kill('SIGCONT');
      }
      await imagine(discord2!, 'after the thaw');

      const from = world.gemini.requests.length;
      const jobs = [];
      for (let i = 0; i < 4; i++) {
        jobs.push(world.discord.dispatchCommand('imagine', { prompt: `one-${i}` }));
        jobs.push(discord2!.dispatchCommand('imagine', { prompt: `two-${i}` }));
      }
      const handles = await Promise.all(jobs);
      await Promise.all(handles.map((h) => h.waitForOriginal((m) => m.attachments.length > 0, 30_000)));
      const arrivals = world.gemini.requests
        .slice(from)
        .map((r) => r.at)
        .sort((a, b) => a - b);
      expect(arrivals).toHaveLength(8);
      expect(world.gemini.stats.rejected429).toBe(0);
      // 120 per minute shared: a start every ~505 ms across both. Each process alone would send
      // its four at that pace, in near-simultaneous pairs (median gap ~0, span ~1.5 s).
      const gaps = arrivals
        .slice(1)
        .map((t, i) => t - arrivals[i]!)
        .sort((a, b) => a - b);
      expect(gaps[Math.floor(gaps.length / 2)]).toBeGreaterThanOrEqual(450);
      expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(7 * 450);
    }, 90_000);

    test('nothing but JSON log lines on stdout and stderr, whatever Redis did', () => {
      for (const bot of [world.bot, bot2!]) {
        const raw = bot
          .output()
          .split('\n')
          .filter((l) => l.trim().length > 0);
        const notJson = raw.filter((l) => {
          try {
            JSON.parse(l);
            return false;
          } catch {
            return true;
          }
        });
        expect(notJson).toEqual([]);
      }
    });
  },
);
