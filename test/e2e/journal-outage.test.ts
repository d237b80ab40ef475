import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { redisKeyPrefix } from '../../src/jobs/limit-backend.js';
import { LogEvent } from '../../src/log-events.js';
import { FIXED_IDS, shardOf, type MessageRecord } from '../../src/playground/discord/index.js';
import { startBotProcess, type BotProcess, type LogLine } from '../emulators/bot-process.js';
import { startWorld, type World } from '../emulators/world.js';
import { ownDatabase, type OwnDatabase } from '../support/postgres.js';
import { deleteOwnKeys } from '../support/redis.js';
import { tcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

// A real PostgreSQL and Redis (the shape of a deployment at scale), or this file is skipped: see
// test/support/postgres.ts and redis.ts. Without Redis the per-member limits are in the database,
// and no job is admitted while it is away. Each bot process reaches PostgreSQL through a proxy of
// its own, which the test cuts to take the database away from it.
const postgresUrl = inject('postgresUrl');
const redisUrl = inject('redisUrl');
const HOME = shardOf(FIXED_IDS.guild, 2);
const AWAY = 1 - HOME;
const LEASE_MS = '1500';

let db: OwnDatabase;
let world: World;
let proxyA: TcpProxy;
let proxyB: TcpProxy;
/** The second process: on the other shard, so it gets no commands, only the jobs it takes over. */
let b: BotProcess;

async function proxied(url: string): Promise<{ proxy: TcpProxy; url: string }> {
  const target = new URL(url);
  const proxy = await tcpProxy(target.hostname, Number(target.port || 5432));
  const through = new URL(url);
  through.hostname = '127.0.0.1';
  through.port = String(proxy.port);
  return { proxy, url: through.toString() };
}

const pictureOf = (prompt: string) => (m: MessageRecord) =>
  m.author.bot && m.attachments.length > 0 && m.content.includes(prompt);
const count = (bot: BotProcess, pred: (l: LogLine) => boolean) => bot.logs().filter(pred).length;

describe.skipIf(postgresUrl === null || redisUrl === null)('the job journal while PostgreSQL is away', () => {
  beforeAll(async () => {
    db = await ownDatabase(postgresUrl!);
    const a = await proxied(db.url);
    proxyA = a.proxy;
    world = await startWorld({
      env: {
        DATABASE_URL: a.url,
        REDIS_URL: redisUrl!,
        SHARD_COUNT: '2',
        SHARD_IDS: String(HOME),
        JOURNAL_LEASE_MS: LEASE_MS,
        // Shared through Redis: slots a killed process held come free only after Bottleneck drops it,
        // so enough of them that the process taking over need not wait for that.
        GEMINI_CONCURRENCY: '4',
      },
    });
    const viaB = await proxied(db.url);
    proxyB = viaB.proxy;
    b = startBotProcess({ ...world.env, DATABASE_URL: viaB.url, SHARD_IDS: String(AWAY) });
    await b.waitForLog((l) => l.event === LogEvent.botOnline, 20_000);
  });
  afterAll(async () => {
    await b?.stop('SIGKILL');
    const apiKey = world?.env.GEMINI_API_KEY;
    await world?.stop();
    // The Gemini key is this run's own, so its quota id marks this run's keys alone.
    if (apiKey) await deleteOwnKeys(redisUrl!, redisKeyPrefix(apiKey));
    await proxyA?.close();
    await proxyB?.close();
    await db?.drop();
  });

  test('a process cut off from the database past its lease drops its result; the process that took the job over posts it, once', async () => {
    world.gemini.setDefault({ kind: 'image', latencyMs: 6000 });
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'a partitioned fox' });
    await world.gemini.waitForRequests(1, 10_000);
    // B's run of the job answers at once; A's is still at Gemini when the database goes away from A.
    world.gemini.setDefault({ kind: 'image' });
    proxyA.cut();
    await b.waitForLog((l) => l.event === LogEvent.journalTakenOver && l.jobs === 1, 15_000);
    await h.waitForOriginal((m) => m.attachments.length > 0, 20_000);
    // A's own answer comes: its result waits for the journal, which, once back, says the job is B's.
    await world.bot.waitForLog((l) => l.event === LogEvent.journalWaiting, 15_000);
    proxyA.restore();
    await world.bot.waitForLog((l) => l.event === LogEvent.journalJobDropped, 20_000);

    expect(world.discord.messages.filter(pictureOf('a partitioned fox'))).toHaveLength(1);
    expect(world.gemini.requests).toHaveLength(2);
    expect(count(world.bot, (l) => l.event === LogEvent.jobFinished)).toBe(0);
    expect(count(b, (l) => l.event === LogEvent.jobFinished)).toBe(1);
  });

  test('kill -9 while the database is away: once it is back, the other process delivers every journaled job once; a job admitted during the outage is lost', async () => {
    world.gemini.reset();
    await world.bot.waitForLog((l) => l.event === LogEvent.journalLeaseRenewed, 15_000);
    world.gemini.setDefault({ kind: 'image', latencyMs: 20_000 });
    const users = [world.discord.users.alice, world.discord.users.bob, world.discord.users.carol];
    const prompts = ['outage job 0', 'outage job 1', 'outage job 2'];
    const queuedBefore = count(world.bot, (l) => l.event === LogEvent.jobQueued);
    const handles = [];
    for (const [i, prompt] of prompts.entries()) {
      handles.push(await world.discord.dispatchCommand('imagine', { prompt }, { user: users[i]! }));
    }
    await world.bot.waitForLog(
      () => count(world.bot, (l) => l.event === LogEvent.jobQueued) === queuedBefore + 3,
    );
    // All three at Gemini, and journaled.
    await world.gemini.waitForRequests(3, 10_000);

    proxyA.cut();
    proxyB.cut();
    // Admitted while the database is away: its journal write does not land before the process dies.
    const lost = await world.discord.dispatchCommand(
      'imagine',
      { prompt: 'admitted during the outage' },
      { user: users[0]! },
    );
    await world.bot.waitForLog(
      () => count(world.bot, (l) => l.event === LogEvent.jobQueued) === queuedBefore + 4,
    );
    expect(await world.bot.stop('SIGKILL')).toBeNull();

    world.gemini.setDefault({ kind: 'image' });
    proxyA.restore();
    proxyB.restore();
    await b.waitForLog((l) => l.event === LogEvent.journalTakenOver && l.jobs === 3, 20_000);
    await Promise.all(handles.map((h) => h.waitForOriginal((m) => m.attachments.length > 0, 30_000)));
    await b.waitForLog(() => count(b, (l) => l.event === LogEvent.jobFinished) === 4, 20_000);

    for (const prompt of prompts) {
      expect(world.discord.messages.filter(pictureOf(prompt))).toHaveLength(1);
    }
    // Each went to Gemini once more, and only once.
    expect(world.gemini.requests).toHaveLength(6);
    expect(count(b, (l) => l.event === LogEvent.journalJobLost)).toBe(0);
    // The job that never reached the journal is gone with its process: its reply stays at its progress line.
    const replyId = lost.state().originalMessageId;
    const reply = world.discord.messages.find((m) => m.id === replyId);
    expect(reply?.attachments ?? []).toHaveLength(0);
    expect(world.discord.messages.filter(pictureOf('admitted during the outage'))).toHaveLength(0);
  });
});
