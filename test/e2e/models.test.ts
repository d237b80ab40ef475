import { rmSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startBotProcess, type LogLine } from '../emulators/bot-process.js';
import { startWorld, type World } from '../emulators/world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.stop());
beforeEach(() => world.gemini.reset());

const hasImage = (m: { attachments: unknown[] }) => m.attachments.length > 0;
const finished = (m: { content: string }) =>
  m.content !== '' && !/Generating|Waiting in line|Next in line|Still working/.test(m.content);
const event = (name: string) => (l: LogLine) => l.event === name;

/** Starts the bot again on the same world with other settings, and waits until it is online. */
async function restartWith(env: Record<string, string>) {
  await world.bot.stop('SIGTERM');
  world.gemini.reset();
  return world.startBot(env);
}

describe('Gemini models end to end', () => {
  test('a bot with the default configuration looks gemini-3.1-flash-image up and /imagine reaches it', async () => {
    expect(world.bot.logs().find(event('gemini.model.found'))).toMatchObject({
      model: 'gemini-3.1-flash-image',
    });
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'a lighthouse at dusk' });
    await h.waitForOriginal(hasImage, 15_000);
    expect(world.gemini.requests.map((r) => r.model)).toEqual(['gemini-3.1-flash-image']);
  });

  test('a bot configured with the retired gemini-2.5-flash-image says what to set and exits 1', async () => {
    const bot = startBotProcess({ ...world.env, GEMINI_MODEL: 'gemini-2.5-flash-image' });
    expect(await bot.exited()).toBe(1);
    rmSync(bot.dataDir, { recursive: true, force: true });
    const error = bot.logs().find(event('gemini.model.not-found'));
    expect(error?.level).toBe(50);
    expect(error?.msg).toMatch(
      /^GEMINI_MODEL gemini-2\.5-flash-image was shut down by Google on 2026-10-02 .*: set GEMINI_MODEL=gemini-3\.1-flash-image\. Image models this key can use: gemini-3-pro-image, gemini-3\.1-flash-image, gemini-3\.1-flash-lite-image\.$/,
    );
    expect(bot.logs().find(event('gemini.model.none-usable'))?.level).toBe(60);
    expect(bot.logs().some((l) => l.msg === 'bot is online')).toBe(false);
    expect(world.gemini.modelLookups.map((l) => l.path)).toEqual(
      expect.arrayContaining(['/v1beta/models/gemini-2.5-flash-image', '/v1beta/models']),
    );
  });

  test('a retired model among good ones is dropped with an error, and the bot serves with the rest', async () => {
    const bot = await restartWith({
      GEMINI_MODELS: 'old=gemini-2.5-flash-image,fast=gemini-3.1-flash-image',
    });
    expect(bot.logs().find(event('gemini.model.not-found'))?.msg).toMatch(
      /GEMINI_MODELS entry gemini-2\.5-flash-image was shut down .* replace it in GEMINI_MODELS with gemini-3\.1-flash-image/,
    );
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'a red kite' });
    await h.waitForOriginal(hasImage, 15_000);
    expect(world.gemini.requests.map((r) => r.model)).toEqual(['gemini-3.1-flash-image']);
  });

  test.each(['error', 'not-implemented', 'hang'] as const)(
    'with the Models API answering %s, the bot warns, goes online within seconds and still serves',
    async (mode) => {
      world.gemini.setModelsApi(mode);
      try {
        const started = Date.now();
        const bot = await restartWith({});
        expect(Date.now() - started).toBeLessThan(15_000);
        expect(bot.logs().find(event('gemini.model.lookup-unavailable'))).toMatchObject({
          level: 40,
          model: 'gemini-3.1-flash-image',
        });
      } finally {
        world.gemini.setModelsApi('normal');
      }
      const h = await world.discord.dispatchCommand('imagine', { prompt: 'a paper boat' });
      await h.waitForOriginal(hasImage, 15_000);
    },
  );

  test('a model Google shuts down mid-run: members are told the bot is misconfigured, the operator once which model', async () => {
    world.gemini.retireModel('gemini-3.1-flash-image');
    for (const prompt of ['first after the shutdown', 'second after the shutdown']) {
      const h = await world.discord.dispatchCommand('imagine', { prompt });
      const message = await h.waitForOriginal(finished, 15_000);
      expect(message.content).toMatch(/misconfigured/);
    }
    const told = world.bot.logs().filter(event('gemini.model.not-found'));
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ level: 50, model: 'gemini-3.1-flash-image' });
  });
});
