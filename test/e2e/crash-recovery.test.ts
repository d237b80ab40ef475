import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { customIds } from '../support/components.js';
import { LogEvent } from '../../src/log-events.js';
import type { InteractionHandle, MessageRecord } from '../../src/playground/discord/index.js';
import { startWorld, type World } from '../emulators/world.js';

// The single-process shape (SQLite in DATA_DIR): the process is killed and started again on the
// same folder. The shared-database shape takes over the same way (test/e2e/scale.test.ts).
let world: World;
const LEASE = { JOURNAL_LEASE_MS: '1500' };
beforeAll(async () => {
  world = await startWorld({ env: { ...LEASE, GEMINI_CONCURRENCY: '2' } });
});
afterAll(() => world?.stop());

const pictureOf = (prompt: string) => (m: MessageRecord) =>
  m.author.bot && m.attachments.length > 0 && m.content.includes(prompt);

describe('kill -9 with jobs queued and running', () => {
  test('a new process delivers every job exactly once, to the original reply', async () => {
    // Slow answers: two jobs are at Gemini and four wait in the queue when the process dies.
    world.gemini.setDefault({ kind: 'image', latencyMs: 20_000 });
    const users = [world.discord.users.alice, world.discord.users.bob, world.discord.users.carol];
    const prompts = Array.from({ length: 6 }, (_, i) => `crash job ${i}`);
    const handles: InteractionHandle[] = [];
    for (const [i, prompt] of prompts.entries()) {
      handles.push(await world.discord.dispatchCommand('imagine', { prompt }, { user: users[i % 3]! }));
    }
    await world.bot.waitForLog(
      () => world.bot.logs().filter((l) => l.event === LogEvent.jobQueued).length === 6,
    );
    await world.gemini.waitForRequests(2, 10_000);
    expect(await world.bot.stop('SIGKILL')).toBeNull();

    world.gemini.setDefault({ kind: 'image' });
    const started = Date.now();
    const bot = await world.startBot(LEASE);
    await bot.waitForLog((l) => l.event === LogEvent.journalTakenOver && l.jobs === 6, 15_000);
    const pictures = await Promise.all(
      handles.map((h) => h.waitForOriginal((m) => m.attachments.length > 0, 30_000)),
    );
    const tookMs = Date.now() - started;
    // A resumed picture has the buttons the first process gave its job, under the same id.
    for (const picture of pictures) {
      expect(customIds(picture).map((id) => id.split(':')[1])).toEqual(
        expect.arrayContaining(['reroll', 'vary-subtle', 'edit', 'delete']),
      );
    }

    // Each picture once, in its own reply: no second message, no duplicate post in the channel.
    for (const prompt of prompts) {
      expect(world.discord.messages.filter(pictureOf(prompt))).toHaveLength(1);
    }
    // The two that had reached Gemini went once more, the four queued ones once: 8 calls in all.
    expect(world.gemini.requests).toHaveLength(8);
    expect(bot.logs().filter((l) => l.event === LogEvent.journalJobLost)).toHaveLength(0);
    expect(tookMs).toBeLessThan(30_000);

    // And they work: the new process stored the request behind them, so Reroll makes the picture again.
    await bot.waitForLog(() => bot.logs().filter((l) => l.event === LogEvent.jobFinished).length === 6);
    world.gemini.reset();
    const reroll = customIds(pictures[0]!).find((id) => id.startsWith('v1:reroll:'))!;
    const pressed = await world.discord.dispatchComponent({
      messageId: pictures[0]!.id,
      customId: reroll,
      user: users[0]!,
    });
    await pressed.waitForOriginal((m) => m.attachments.length > 0, 20_000);
    expect(world.gemini.requests[0]?.texts).toEqual([prompts[0]]);
  });

  test('a job that was delivered is never run again by the next process', async () => {
    world.gemini.reset();
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'delivered before the crash' });
    await h.waitForOriginal((m) => m.attachments.length > 0, 15_000);
    await world.bot.waitForLog((l) => l.event === LogEvent.jobFinished);
    // Crossing out is a write after delivery: give it a moment before the kill.
    await new Promise((r) => setTimeout(r, 300));
    await world.bot.stop('SIGKILL');
    const bot = await world.startBot(LEASE);
    await new Promise((r) => setTimeout(r, 2500));
    expect(bot.logs().filter((l) => l.event === LogEvent.journalTakenOver)).toHaveLength(0);
    expect(world.gemini.requests).toHaveLength(1);
    expect(world.discord.messages.filter(pictureOf('delivered before the crash'))).toHaveLength(1);
  });

  test('a refine cut off by kill -9 is finished in its own progress message, not left at "Generating…"', async () => {
    world.gemini.reset();
    const made = await world.discord.dispatchCommand('imagine', { prompt: 'a paper boat' });
    const picture = await made.waitForOriginal((m) => m.attachments.length > 0, 15_000);
    // Stored once the job has finished: the refine below finds its history.
    await world.bot.waitForLog((l) => l.event === LogEvent.jobFinished);
    world.gemini.setDefault({ kind: 'image', latencyMs: 20_000 });
    await world.discord.dispatchMessage({
      content: 'make it sail at night',
      replyTo: picture.id,
      mentionBot: true,
    });
    // The refine's progress message is posted (and written to the journal) before the job is sent to Gemini.
    await world.gemini.waitForRequests(2, 10_000);
    const inThread = () => world.discord.messages.filter((m) => m.channelId === picture.id && m.author.bot);
    const [placeholder] = inThread();
    expect(placeholder).toBeDefined();
    expect(placeholder!.attachments).toHaveLength(0);
    await world.bot.stop('SIGKILL');

    world.gemini.setDefault({ kind: 'image' });
    const bot = await world.startBot(LEASE);
    await bot.waitForLog((l) => l.event === LogEvent.journalTakenOver && l.jobs === 1, 15_000);
    await world.discord.waitForMessage((m) => m.id === placeholder!.id && m.attachments.length > 0, 20_000);
    // One message in the thread: the old placeholder, now the picture; nothing new was posted.
    expect(inThread().map((m) => m.id)).toEqual([placeholder!.id]);
    expect(inThread()[0]!.content).not.toMatch(/Generating/);
  });
});
