import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { LogEvent } from '../../src/log-events.js';
import { startWorld, type World } from '../emulators/world.js';
import type { MessageRecord } from '../../src/playground/discord/index.js';
import { png } from '../support/images.js';

let world: World;
beforeAll(async () => {
  world = await startWorld({ env: { GEMINI_MODEL: 'gemini-3-pro-image' } });
});
afterAll(() => world?.stop());
beforeEach(() => world.gemini.reset());

const withImage = (channelId: string, after: number) => (m: MessageRecord) =>
  m.channelId === channelId &&
  m.attachments.length > 0 &&
  m.author.bot &&
  (m.editedAt ?? m.createdAt) >= after;

const finishedJobs = () => world.bot.logs().filter((l) => l.event === LogEvent.jobFinished).length;

/** Runs /imagine and waits until the bot has also stored the result (a person never replies faster). */
async function imagine(prompt: string) {
  const before = finishedJobs();
  const h = await world.discord.dispatchCommand('imagine', { prompt });
  const message = await h.waitForOriginal((m) => m.attachments.length > 0, 15_000);
  await world.bot.waitForLog(() => finishedJobs() > before);
  return message;
}

/** Sends a message that should refine, waits for the refined picture in the thread and for the bot to store it. */
async function refine(threadId: string, input: Parameters<World['discord']['dispatchMessage']>[0]) {
  const before = finishedJobs();
  const after = Date.now();
  await world.discord.dispatchMessage(input);
  const message = await world.discord.waitForMessage(withImage(threadId, after), 15_000);
  await world.bot.waitForLog(() => finishedJobs() > before);
  return message;
}

describe('refine by reply, in threads', () => {
  test('a reply to the bot’s picture starts a thread on it and posts the refined picture there', async () => {
    const picture = await imagine('a lighthouse at dusk');
    const original = world.discord.fetchAttachment(picture.attachments[0]!.url);
    world.gemini.reset();

    const refined = await refine(picture.id, { content: 'make the lighting warmer', replyTo: picture.id });

    const thread = world.discord.threads.find((t) => t.id === picture.id)!;
    expect(thread.name).toBe('a lighthouse at dusk');
    expect(thread.ownerId).toBe(world.discord.botUserId);
    expect(refined.channelId).toBe(thread.id);

    const req = world.gemini.requests[0]!;
    expect(req.texts).toEqual(['make the lighting warmer']);
    // The conversation so far: the first prompt, then the model turn with the picture and its signature.
    expect(req.history[0]).toMatchObject({ role: 'user', parts: [{ text: 'a lighthouse at dusk' }] });
    const modelTurn = req.history[1]!;
    expect(modelTurn.role).toBe('model');
    const imagePart = modelTurn.parts!.find((p) => p.inlineData)!;
    expect(Buffer.from(imagePart.inlineData!.data!, 'base64').equals(original)).toBe(true);
    expect(imagePart.thoughtSignature).toMatch(/.{8,}/);
    expect(imagePart.thoughtSignature).not.toBe('context_engineering_is_the_way_to_go');
  });

  test('a plain message in the thread refines the latest picture, carrying the whole conversation', async () => {
    const picture = await imagine('a cat on a sofa');
    const second = await refine(picture.id, { content: 'make it a tabby', replyTo: picture.id });
    const secondBytes = world.discord.fetchAttachment(second.attachments[0]!.url);
    world.gemini.reset();

    // Without the MessageContent intent, only messages that mention the bot are readable.
    await refine(picture.id, { content: 'add a hat', channelId: picture.id, mentionBot: true });

    const req = world.gemini.requests[0]!;
    expect(req.texts).toEqual(['add a hat']);
    const prompts = req.history.filter((c) => c.role === 'user').map((c) => c.parts![0]!.text);
    expect(prompts).toEqual(['a cat on a sofa', 'make it a tabby']);
    const lastModel = req.history.at(-1)!;
    const image = lastModel.parts!.find((p) => p.inlineData)!;
    expect(Buffer.from(image.inlineData!.data!, 'base64').equals(secondBytes)).toBe(true);
    // Older pictures are not re-sent: one image in the whole history.
    expect(req.history.flatMap((c) => c.parts ?? []).filter((p) => p.inlineData)).toHaveLength(1);
  });

  test('a reply inside the thread to an earlier picture refines that one, not the latest', async () => {
    const picture = await imagine('a red car');
    const blue = await refine(picture.id, { content: 'make it blue', replyTo: picture.id });
    await refine(picture.id, { content: 'add racing stripes', channelId: picture.id, mentionBot: true });
    world.gemini.reset();

    await refine(picture.id, { content: 'make it green instead', channelId: picture.id, replyTo: blue.id });
    const req = world.gemini.requests[0]!;
    const prompts = req.history.filter((c) => c.role === 'user').map((c) => c.parts![0]!.text);
    expect(prompts).toEqual(['a red car', 'make it blue']);
    const image = req.history.at(-1)!.parts!.find((p) => p.inlineData)!;
    expect(
      Buffer.from(image.inlineData!.data!, 'base64').equals(
        world.discord.fetchAttachment(blue.attachments[0]!.url),
      ),
    ).toBe(true);
  });

  test('a refine can bring an extra image along', async () => {
    const picture = await imagine('a living room');
    const extra = await png(24, 24, { r: 9, g: 9, b: 9 });
    await refine(picture.id, {
      content: 'put this lamp in the corner',
      replyTo: picture.id,
      attachments: [{ filename: 'lamp.png', data: extra }],
    });
    expect(world.gemini.requests.at(-1)!.images.some((i) => i.data.equals(extra))).toBe(true);
  });

  test('a reply without the ping cannot be read without the MessageContent intent, and the user is told how', async () => {
    const picture = await imagine('a boat');
    const t = Date.now();
    await world.discord.dispatchMessage({ content: 'make it bigger', replyTo: picture.id, replyPing: false });
    const hint = await world.discord.waitForMessage(
      (m) => m.author.bot && m.createdAt >= t && /ping me/.test(m.content),
      10_000,
    );
    expect(hint.channelId).toBe(world.discord.channelId);
    expect(world.gemini.requests.filter((r) => r.texts.includes('make it bigger'))).toHaveLength(0);
  });

  test('ordinary chat is left alone', async () => {
    const before = world.discord.requests.length;
    await world.discord.dispatchMessage({ content: 'hello everyone' });
    await new Promise((r) => setTimeout(r, 300));
    expect(world.gemini.requests).toHaveLength(0);
    expect(world.discord.requests.slice(before).filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  test('refining still works after the bot restarts, with the stored signatures', async () => {
    const picture = await imagine('a snowy mountain');
    const signature = world.gemini.requests.length; // nothing to compare yet; the first answer's parts are stored
    expect(signature).toBe(1);
    await world.bot.stop('SIGTERM');
    world.gemini.reset();
    await world.startBot();

    await refine(picture.id, { content: 'add a sunrise', replyTo: picture.id });
    const req = world.gemini.requests[0]!;
    expect(req.history[0]).toMatchObject({ role: 'user', parts: [{ text: 'a snowy mountain' }] });
    const imagePart = req.history[1]!.parts!.find((p) => p.inlineData)!;
    expect(imagePart.thoughtSignature).toMatch(/.{8,}/);
    expect(imagePart.thoughtSignature).not.toBe('context_engineering_is_the_way_to_go');
    expect(world.discord.violations).toEqual([]);
  });
});
