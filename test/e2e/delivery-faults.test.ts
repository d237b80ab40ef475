import { afterEach, describe, expect, test } from 'vitest';
import {
  DEFAULT_BOT_PERMISSIONS,
  Permission,
  type MessageRecord,
} from '../../src/playground/discord/index.js';
import { startWorld, type World } from '../emulators/world.js';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

const hasImage = (m: { attachments: unknown[] }) => m.attachments.length > 0;
const finished = (w: World) => w.bot.logs().filter((l) => l.event === 'job.finished');

/** Runs /imagine and waits until the picture is up and the job has ended (stored for refining). */
async function imagine(w: World, prompt: string): Promise<MessageRecord> {
  const before = finished(w).length;
  const h = await w.discord.dispatchCommand('imagine', { prompt });
  const picture = await h.waitForOriginal(hasImage, 15_000);
  await w.bot.waitForLog(() => finished(w).length > before);
  return picture;
}

/** Replies to a picture and waits for the refine's placeholder in the thread it opens. */
async function startRefine(w: World, picture: MessageRecord, content: string): Promise<MessageRecord> {
  await w.discord.dispatchMessage({ content, replyTo: picture.id });
  return w.discord.waitForMessage(
    (m) => m.author.bot && m.channelId === picture.id && /Generating/.test(m.content),
    10_000,
  );
}

describe('delivery when Discord fails: every accepted job ends in a picture or a message', () => {
  test('an upload Discord answers 500 to is told in words, and the logs stay small and token-free', async () => {
    world = await startWorld();
    world.discord.injectFault({ match: (r) => r.files.length > 0 });
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'a red kite' });
    const reply = await h.waitForOriginal((m) => /could not post it/.test(m.content), 20_000);
    expect(reply.content).toMatch(/Discord did not accept the upload/);
    expect(reply.content).toContain('a red kite');
    const end = await world.bot.waitForLog((l) => l.event === 'job.finished');
    expect(end).toMatchObject({ told: true });
    expect(world.bot.logs().some((l) => l.event === 'job.lost')).toBe(false);

    const lines = world.bot.output().split('\n');
    const longest = Math.max(...lines.map((l) => l.length));
    expect(longest).toBeLessThan(8 * 1024);
    const tokens = [...world.discord.requests.map((r) => r.path)]
      .map((p) => /^\/(?:webhooks\/\d+|interactions\/\d+)\/([^/]+)/.exec(p)?.[1])
      .filter((t): t is string => !!t);
    expect(tokens).toContain(h.token);
    for (const token of new Set(tokens)) expect(world.bot.output()).not.toContain(token);
  });

  test('a refine whose progress message was deleted gets its picture as a new message in the thread', async () => {
    world = await startWorld();
    const picture = await imagine(world, 'a quiet harbour');
    world.gemini.setDefault({ kind: 'image', latencyMs: 1500 });
    const placeholder = await startRefine(world, picture, 'add fog');
    world.discord.deleteMessage(placeholder.id);
    const refined = await world.discord.waitForMessage(
      (m) => m.author.bot && m.channelId === picture.id && hasImage(m),
      15_000,
    );
    expect(refined.id).not.toBe(placeholder.id);
    expect(world.discord.violations).toEqual([]);
  });

  test('a thread locked while its refine runs: the picture goes to the channel, mentioning the member', async () => {
    world = await startWorld();
    const picture = await imagine(world, 'a lighthouse');
    world.gemini.setDefault({ kind: 'image', latencyMs: 1500 });
    await startRefine(world, picture, 'at night');
    world.discord.updateThread(picture.id, { archived: true, locked: true });
    const refined = await world.discord.waitForMessage(
      (m) => m.author.bot && m.channelId === world!.discord.channelId && hasImage(m) && m.id !== picture.id,
      15_000,
    );
    const member = world.discord.users.alice.id;
    expect(refined.content).toContain(`<@${member}>`);
    expect(refined.mentions).toEqual([member]);
  });

  test('Attach Files lost while a refine runs: the member is told in the thread why the picture is missing', async () => {
    world = await startWorld();
    const picture = await imagine(world, 'a garden');
    world.gemini.setDefault({ kind: 'image', latencyMs: 1500 });
    const placeholder = await startRefine(world, picture, 'in autumn');
    world.discord.setBotPermissions(DEFAULT_BOT_PERMISSIONS & ~Permission.AttachFiles);
    const told = await world.discord.waitForMessage(
      (m) => m.id === placeholder.id && /could not post it/.test(m.content),
      15_000,
    );
    expect(told.content).toMatch(/Attach Files/);
    expect(told.attachments).toEqual([]);
  });

  test('a queue that outlives the interaction tokens in a channel the bot cannot post in: every member gets a DM', async () => {
    world = await startWorld({
      discord: {
        tokenLifetimeMs: 1500,
        botPermissions: DEFAULT_BOT_PERMISSIONS & ~Permission.SendMessages,
      },
      env: { GEMINI_CONCURRENCY: '1' },
    });
    world.gemini.setDefault({ kind: 'image', latencyMs: 1600 });
    const { alice, bob, carol } = world.discord.users;
    for (const [user, prompt] of [
      [alice, 'first'],
      [bob, 'second'],
      [carol, 'third'],
    ] as const) {
      await world.discord.dispatchCommand('imagine', { prompt }, { user });
    }
    for (const user of [alice, bob, carol]) {
      const dm = world.discord.dmChannelId(user);
      const message = await world.discord.waitForMessage((m) => m.channelId === dm && hasImage(m), 20_000);
      expect(message.content).toMatch(new RegExp(`could not post this in <#${world.discord.channelId}>`));
    }
    expect(world.bot.logs().some((l) => l.event === 'job.lost')).toBe(false);
  });

  test('a follow-up that hits a dead token goes on in the channel: twelve pictures are twelve files, not twenty-two', async () => {
    world = await startWorld();
    world.gemini.setDefault({ kind: 'image', count: 12, width: 16, height: 16 });
    world.discord.injectFault({
      match: (r) => r.method === 'POST' && r.route === '/webhooks/{webhook_id}/{webhook_token}',
      status: 401,
      code: 50027,
      message: 'Invalid Webhook Token',
    });
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'a dozen eggs' });
    const rest = await world.discord.waitForMessage(
      (m) => m.author.bot && m.interactionId === null && hasImage(m),
      15_000,
    );
    await world.bot.waitForLog((l) => l.event === 'job.finished');
    expect(rest.attachments).toHaveLength(2);
    const posted = world.discord.messages.filter((m) => m.author.bot).flatMap((m) => m.attachments);
    expect(posted).toHaveLength(12);
    expect(h.state().originalMessageId).not.toBe(rest.id);
  });

  test('a picture can be refined the moment it is visible, while its later pictures are still being sent', async () => {
    world = await startWorld();
    world.gemini.setDefault({ kind: 'image', count: 11, width: 16, height: 16 });
    // The second message is slow to go out; the member replies to the first meanwhile.
    const slow = world.discord.injectFault({
      match: (r) => r.method === 'POST' && r.route === '/webhooks/{webhook_id}/{webhook_token}',
      delayMs: 4000,
    });
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'many boats' });
    const first = await h.waitForOriginal(hasImage, 15_000);
    world.gemini.setDefault({ kind: 'image', width: 16, height: 16 });
    // A member needs a moment to see the picture and reply (and the bot, Discord's answer to its edit).
    await new Promise((r) => setTimeout(r, 300));
    await world.discord.dispatchMessage({ content: 'make them red', replyTo: first.id });
    const refined = await world.discord.waitForMessage(
      (m) => m.author.bot && m.channelId === first.id && hasImage(m),
      3500,
    );
    expect(refined.attachments).toHaveLength(1);
    slow();
  });

  test('a result that can reach its member by no way at all is logged as a lost job', async () => {
    world = await startWorld({ discord: { tokenLifetimeMs: 1000 } });
    world.gemini.setDefault({ kind: 'image', latencyMs: 1500 });
    // Discord refuses every message the bot posts with its own token: channel and DM alike.
    world.discord.injectFault({
      match: (r) => r.method === 'POST' && r.route === '/channels/{channel_id}/messages',
      status: 403,
      code: 50013,
      message: 'Missing Permissions',
    });
    await world.discord.dispatchCommand('imagine', { prompt: 'unseen' });
    const lost = await world.bot.waitForLog((l) => l.event === 'job.lost', 20_000);
    expect(lost).toMatchObject({ member: world.discord.users.alice.id });
    const end = await world.bot.waitForLog((l) => l.event === 'job.finished');
    expect(end).toMatchObject({ told: false });
  });
});
