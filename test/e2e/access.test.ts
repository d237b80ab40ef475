import { afterEach, describe, expect, test } from 'vitest';
import { LogEvent } from '../../src/log-events.js';
import { DEFAULT_BOT_PERMISSIONS, Permission } from '../../src/playground/discord/index.js';
import { startWorld, type World } from '../emulators/world.js';
import { png } from '../support/images.js';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

const callbackText = async (h: { waitForCallback(): Promise<{ body: unknown }> }) =>
  JSON.stringify((await h.waitForCallback()).body);

describe('operator access control and permissions', () => {
  test('a server outside ALLOWED_GUILDS gets a polite refusal and no job', async () => {
    world = await startWorld({ env: { ALLOWED_GUILDS: '123456789012345678' } });
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'a cat' });
    expect(await callbackText(h)).toMatch(/not enabled for this server/);
    expect(world.gemini.requests).toHaveLength(0);
  });

  test('commands in direct messages are refused unless ALLOW_DMS is on', async () => {
    // Only globally registered commands exist in DMs.
    world = await startWorld({ env: { DISCORD_GUILD_ID: '' } });
    expect(world.discord.commands().map((c) => c.name)).toContain('imagine');
    const refused = await world.discord.dispatchCommand('imagine', { prompt: 'a cat' }, { guildId: null });
    expect(await callbackText(refused)).toMatch(/only work in servers/);
    await world.bot.stop('SIGTERM');
    await world.startBot({ ALLOW_DMS: 'true' });
    const allowed = await world.discord.dispatchCommand('imagine', { prompt: 'a dog' }, { guildId: null });
    const message = await allowed.waitForOriginal((m) => m.attachments.length > 0, 15_000);
    expect(message.attachments).toHaveLength(1);
  });

  test('without Attach Files in the channel the user is told what permission is missing', async () => {
    world = await startWorld({
      discord: { botPermissions: DEFAULT_BOT_PERMISSIONS & ~Permission.AttachFiles },
    });
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'a cat' });
    expect(await callbackText(h)).toMatch(/Attach Files/);
    expect(world.gemini.requests).toHaveLength(0);
  });

  test('without thread permissions a refine is answered in the channel instead', async () => {
    world = await startWorld({
      discord: { botPermissions: DEFAULT_BOT_PERMISSIONS & ~Permission.CreatePublicThreads },
    });
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'a house' });
    const picture = await h.waitForOriginal((m) => m.attachments.length > 0, 15_000);
    await world.bot.waitForLog((l) => l.event === LogEvent.jobFinished);
    const t = Date.now();
    await world.discord.dispatchMessage({ content: 'paint it yellow', replyTo: picture.id });
    const refined = await world.discord.waitForMessage(
      (m) => m.author.bot && m.attachments.length > 0 && (m.editedAt ?? m.createdAt) >= t,
      15_000,
    );
    expect(refined.channelId).toBe(world.discord.channelId);
    expect(world.discord.threads).toHaveLength(0);
    expect(world.discord.violations).toEqual([]);
  });

  test('a refine with more images than the model takes is refused with the limit', async () => {
    // Gemini 3 takes 14 images, more than one Discord message carries: a model the bot does not
    // know gets the cautious limit of 3, which a reply with three attachments exceeds.
    const model = 'gemini-nano-banana-2.1';
    world = await startWorld({ gemini: { models: [model] }, env: { GEMINI_MODEL: model } });
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'a room' });
    const picture = await h.waitForOriginal((m) => m.attachments.length > 0, 15_000);
    await world.bot.waitForLog((l) => l.event === LogEvent.jobFinished);
    const img = await png(8, 8);
    const t = Date.now();
    await world.discord.dispatchMessage({
      content: 'combine these',
      replyTo: picture.id,
      attachments: [1, 2, 3].map((i) => ({ filename: `x${i}.png`, data: img })),
    });
    const reply = await world.discord.waitForMessage((m) => m.author.bot && m.createdAt >= t, 10_000);
    expect(reply.content).toMatch(/at most 2 extra images/);
    expect(world.gemini.requests).toHaveLength(1);
  });
});
