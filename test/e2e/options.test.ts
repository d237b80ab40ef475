import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startWorld, type World } from '../emulators/world.js';
import { png } from '../support/images.js';

let world: World;
beforeAll(async () => {
  world = await startWorld({
    env: { GEMINI_MODELS: 'fast=gemini-3.1-flash-image,pro=gemini-3-pro-image' },
  });
});
afterAll(() => world?.stop());
beforeEach(() => world.gemini.reset());

const hasImage = (m: { attachments: unknown[] }) => m.attachments.length > 0;

describe('the generation options members pick', () => {
  test('size:4K reaches imageConfig.imageSize, and the delivered file fits the upload limit', async () => {
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'a city at night', size: '4K' });
    const message = await h.waitForOriginal(hasImage, 30_000);
    const request = world.gemini.requests[0]!;
    expect(request.model).toBe('gemini-3.1-flash-image');
    expect(request.generationConfig?.imageConfig?.imageSize).toBe('4K');
    expect(message.attachments[0]!.size).toBeLessThanOrEqual(10 * 1024 * 1024);
  });

  test('model:pro with quality:fast goes to Pro without a thinking level (Pro always thinks)', async () => {
    const h = await world.discord.dispatchCommand('imagine', {
      prompt: 'a castle',
      model: 'pro',
      quality: 'fast',
      aspect_ratio: '21:9',
    });
    await h.waitForOriginal(hasImage, 15_000);
    const request = world.gemini.requests[0]!;
    expect(request.model).toBe('gemini-3-pro-image');
    expect(request.generationConfig?.imageConfig?.aspectRatio).toBe('21:9');
    // Previews ask for thoughts (includeThoughts), but no level goes to a model that takes none.
    expect(request.generationConfig?.thinkingConfig?.thinkingLevel).toBeUndefined();
  });

  test('quality:best asks 3.1 Flash to think hard, and search:true adds Google Search', async () => {
    const h = await world.discord.dispatchCommand('imagine', {
      prompt: 'the weather in Paris today as an infographic',
      quality: 'best',
      search: true,
    });
    await h.waitForOriginal(hasImage, 15_000);
    const request = world.gemini.requests[0]!;
    expect(JSON.stringify(request.generationConfig?.thinkingConfig)).toMatch(/high/i);
    expect(request.tools).toEqual([{ googleSearch: {} }]);
  });

  test('a ratio the chosen model cannot make is refused privately before anything is queued', async () => {
    const h = await world.discord.dispatchCommand('imagine', {
      prompt: 'a tall tower',
      model: 'pro',
      aspect_ratio: '1:8',
    });
    const callback = await h.waitForCallback();
    expect((callback.body as { data: { flags: number } }).data.flags).toBe(64);
    expect(JSON.stringify(callback.body)).toMatch(
      /gemini-3-pro-image does not make 1:8 pictures; it takes 1:1, /,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(world.gemini.requests).toHaveLength(0);
  });

  test('/edit with 6 images on a Gemini 3 model sends all six', async () => {
    const options: Record<string, unknown> = { prompt: 'make a collage of these six' };
    for (let i = 1; i <= 6; i++) {
      options[i === 1 ? 'image' : `image${i}`] = {
        filename: `in${i}.png`,
        data: await png(16 + i, 16, { r: 40 * i, g: 0, b: 0 }),
      };
    }
    const h = await world.discord.dispatchCommand('edit', options as never);
    await h.waitForOriginal(hasImage, 20_000);
    expect(world.gemini.requests[0]!.images).toHaveLength(6);
  });
});
