import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { LogEvent } from '../../src/log-events.js';
import { startBotProcess, UNSET, type BotProcess } from '../emulators/bot-process.js';
import { FIXED_IDS, shardOf, type MessageRecord } from '../../src/playground/discord/index.js';
import { startWorld, type World } from '../emulators/world.js';
import { ownDatabase, type OwnDatabase } from '../support/postgres.js';

// A real PostgreSQL, or none and this file skipped: see test/support/postgres.ts.
const postgresUrl = inject('postgresUrl');

// The emulated guild's shard of two, and the other one.
const HOME = shardOf(FIXED_IDS.guild, 2);
const AWAY = 1 - HOME;

let db: OwnDatabase;
let world: World;
const others: BotProcess[] = [];

/** Another bot process on the same emulated Discord (and the same database unless told otherwise). */
async function anotherBot(env: Record<string, string>): Promise<BotProcess> {
  const bot = startBotProcess({ ...world.env, ...env });
  others.push(bot);
  await bot.waitForLog((l) => l.event === LogEvent.botOnline, 20_000);
  return bot;
}

const queued = (bot: BotProcess) => bot.logs().filter((l) => l.event === LogEvent.jobQueued).length;
const withImage = (channelId: string) => (m: MessageRecord) =>
  m.channelId === channelId && m.author.bot && m.attachments.length > 0;

describe.skipIf(postgresUrl === null)('several processes on one PostgreSQL and one Discord', () => {
  beforeAll(async () => {
    db = await ownDatabase(postgresUrl!);
    world = await startWorld({ env: { DATABASE_URL: db.url, SHARD_COUNT: '2', SHARD_IDS: String(HOME) } });
  });
  afterAll(async () => {
    for (const bot of others) await bot.stop('SIGKILL');
    await world?.stop();
    await db?.drop();
  });

  test('two processes with different SHARD_IDS: each identifies its own shard, the guild’s shard answers', async () => {
    const away = await anotherBot({ SHARD_IDS: String(AWAY) });
    expect(world.discord.gatewaySessions.shards).toEqual(
      expect.arrayContaining([
        [HOME, 2],
        [AWAY, 2],
      ]),
    );
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'a sharded cat' });
    await h.waitForOriginal((m) => m.attachments.length > 0, 15_000);
    expect(queued(world.bot)).toBe(1);
    expect(queued(away)).toBe(0);
    await away.stop('SIGTERM');
  });

  test('a picture made by one process is refined by another, with its history from the shared store', async () => {
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'a lighthouse made by A' });
    const picture = await h.waitForOriginal((m) => m.attachments.length > 0, 15_000);
    await world.bot.waitForLog((l) => l.event === LogEvent.jobFinished && l.result === 'images');
    // Process A goes; B takes its shard, with a data folder of its own: only the database is shared.
    await world.bot.stop('SIGTERM');
    const b = await anotherBot({ SHARD_IDS: String(HOME) });
    await world.discord.ready();
    world.gemini.reset();

    await world.discord.dispatchMessage({ content: 'make it stormy', replyTo: picture.id, mentionBot: true });
    await world.discord.waitForMessage(withImage(picture.id), 20_000);
    expect(queued(b)).toBe(1);
    const [req] = world.gemini.requests;
    expect(req!.history[0]).toMatchObject({ role: 'user', parts: [{ text: 'a lighthouse made by A' }] });
    await b.stop('SIGTERM');
  });

  test('a reply to a bot picture the store does not know is refined from the message itself', async () => {
    // A process on an empty store of its own (its SQLite), as after a reset or from an older deployment.
    const h = await anotherBot({ SHARD_IDS: String(HOME) }).then(async (bot) => {
      const made = await world.discord.dispatchCommand('imagine', { prompt: 'an owl at night' });
      const message = await made.waitForOriginal((m) => m.attachments.length > 0, 15_000);
      await bot.stop('SIGTERM');
      return message;
    });
    const fresh = await anotherBot({ SHARD_IDS: String(HOME), DATABASE_URL: UNSET });
    await world.discord.ready();
    world.gemini.reset();

    await world.discord.dispatchMessage({ content: 'give it a hat', replyTo: h.id, mentionBot: true });
    await world.discord.waitForMessage(withImage(h.id), 20_000);
    expect(queued(fresh)).toBe(1);
    const [req] = world.gemini.requests;
    expect(req!.texts).toEqual(['give it a hat']);
    // The prompt read back from the picture's words, and the picture itself as the model's turn.
    expect(req!.history[0]).toMatchObject({ role: 'user', parts: [{ text: 'an owl at night' }] });
    expect(req!.history[1]!.parts!.some((p) => p.inlineData)).toBe(true);
  });
});
