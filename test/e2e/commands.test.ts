import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { spoolContents } from '../emulators/bot-process.js';
import { startWorld, type World } from '../emulators/world.js';
import { jpeg, noisePng, png } from '../support/images.js';

let world: World;
beforeAll(async () => {
  world = await startWorld({ env: { GEMINI_MAX_ATTEMPTS: '3', GEMINI_TIMEOUT_MS: '1000' } });
});
afterAll(() => world?.stop());
beforeEach(() => world.gemini.reset());

const hasImage = (m: { attachments: unknown[] }) => m.attachments.length > 0;
const finished = (m: { content: string }) =>
  m.content !== '' && !/Generating|Waiting in line|Next in line|Still working/.test(m.content);

describe('slash commands end to end', () => {
  test('npm run register puts every command in the server, found from the token alone', async () => {
    const out = await world.register();
    expect(out).toMatch(
      /Registered 6 commands \(\/imagine, \/edit, \/help, \/usage, \/settings, "Edit with Gemini"\)/,
    );
    expect(
      world.discord
        .commands(world.discord.guildId)
        .map((c) => c.name)
        .sort(),
    ).toEqual(['Edit with Gemini', 'edit', 'help', 'imagine', 'settings', 'usage']);
    expect(world.discord.requests.some((r) => r.method === 'GET' && r.path === '/applications/@me')).toBe(
      true,
    );
  });

  test('/imagine defers within 3 s and delivers the picture with the prompt and aspect ratio sent to Gemini', async () => {
    const started = Date.now();
    const h = await world.discord.dispatchCommand('imagine', {
      prompt: 'a red fox in snow',
      aspect_ratio: '16:9',
    });
    const callback = await h.waitForCallback();
    expect(callback.type).toBe(5);
    expect(callback.at - started).toBeLessThan(3000);

    const message = await h.waitForOriginal(hasImage, 15_000);
    const file = world.discord.fetchAttachment(message.attachments[0]!.url);
    const meta = await sharp(file).metadata();
    expect(meta.format).toBe('png');
    expect([meta.width, meta.height]).toEqual([1376, 768]);
    expect(message.attachments[0]!.filename).toMatch(/\.png$/);
    expect(message.content).toContain('a red fox in snow');
    expect(world.gemini.requests[0]!.texts).toEqual(['a red fox in snow']);
    expect(world.gemini.requests[0]!.generationConfig?.imageConfig?.aspectRatio).toBe('16:9');
  });

  test.each([2, 3])('/edit with %i attachments sends every image to Gemini byte for byte', async (count) => {
    const inputs = [
      await png(40, 30, { r: 255, g: 0, b: 0 }),
      await jpeg(50, 20),
      await png(20, 20, { r: 0, g: 0, b: 255 }),
    ].slice(0, count);
    const names = ['image', 'image2', 'image3'];
    const options: Record<string, unknown> = { prompt: 'put the hat from image 1 on the dog in image 2' };
    inputs.forEach(
      (data, i) => (options[names[i]!] = { filename: `in${i}.${i === 1 ? 'jpg' : 'png'}`, data }),
    );
    const h = await world.discord.dispatchCommand('edit', options as never, {
      user: world.discord.users.bob,
    });
    await h.waitForOriginal(hasImage, 15_000);
    const req = world.gemini.requests[0]!;
    expect(req.texts).toEqual(['put the hat from image 1 on the dog in image 2']);
    expect(req.images).toHaveLength(count);
    req.images.forEach((img, i) => expect(img.data.equals(inputs[i]!)).toBe(true));
    expect(req.images.map((i) => i.mimeType)).toEqual(
      ['image/png', 'image/jpeg', 'image/png'].slice(0, count),
    );
    // The inputs waited on disk while the job ran, and are gone once it is done.
    expect(spoolContents(world.bot.dataDir)).toEqual({ folders: [expect.any(String)], files: [] });
  });

  test('/edit with a photo of several MB streams it to Gemini byte for byte, from disk', async () => {
    const photo = await noisePng(1200, 900);
    expect(photo.length).toBeGreaterThan(3 * 1024 * 1024);
    const h = await world.discord.dispatchCommand(
      'edit',
      { prompt: 'make it autumn', image: { filename: 'photo.png', data: photo } },
      { user: world.discord.users.bob },
    );
    await h.waitForOriginal(hasImage, 15_000);
    const req = world.gemini.requests[0]!;
    expect(req.images).toHaveLength(1);
    expect(req.images[0]!.data.equals(photo)).toBe(true);
    expect(spoolContents(world.bot.dataDir).files).toEqual([]);
  });

  test.each([
    [
      { kind: 'blockedOutput', finishReason: 'IMAGE_SAFETY' },
      /withheld it because it could break its safety rules/,
    ],
    [{ kind: 'blockedOutput', finishReason: 'PROHIBITED_CONTENT' }, /usage policy prohibits/],
    [{ kind: 'blockedOutput', finishReason: 'RECITATION' }, /copy existing material/],
    [{ kind: 'blockedOutput', finishReason: 'IMAGE_RECITATION' }, /protected work/],
    [{ kind: 'blockedOutput', finishReason: 'SPII' }, /personal information/],
    [{ kind: 'blockedOutput', finishReason: 'NO_IMAGE' }, /could not produce an image/],
    [{ kind: 'blockedOutput', finishReason: 'BLOCKLIST' }, /blocked terms/],
    [{ kind: 'blockedPrompt', blockReason: 'SAFETY' }, /blocked the request itself/],
    [{ kind: 'blockedPrompt', blockReason: 'JAILBREAK' }, /get around its rules/],
    [{ kind: 'blockedPrompt', blockReason: 'PROHIBITED_CONTENT' }, /usage policy prohibits/],
    [{ kind: 'noCandidates' }, /Gemini/],
    [{ kind: 'text', text: 'Which breed of dog?' }, /answered in words[\s\S]*Which breed of dog\?/],
  ])('Gemini answer %j is explained to the user', async (behaviour, expected) => {
    world.gemini.enqueue(behaviour as never);
    const h = await world.discord.dispatchCommand(
      'imagine',
      { prompt: 'something' },
      { user: world.discord.users.carol },
    );
    const message = await h.waitForOriginal(finished, 15_000);
    expect(message.content).toMatch(expected);
    expect(message.attachments).toHaveLength(0);
  });

  test('a 429 with RetryInfo is waited out and the picture still arrives', async () => {
    world.gemini.enqueue({ kind: 'error', status: 429, retryDelay: '0.3s' });
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'retry me' });
    const message = await h.waitForOriginal(hasImage, 15_000);
    expect(message.attachments).toHaveLength(1);
    expect(world.gemini.requests).toHaveLength(2);
    expect(world.gemini.requests[1]!.at - world.gemini.requests[0]!.at).toBeGreaterThanOrEqual(300);
  });

  test('persistent 503s are reported to the user within a bounded time', async () => {
    world.gemini.setDefault({ kind: 'error', status: 503 });
    const started = Date.now();
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'overloaded' });
    const message = await h.waitForOriginal(finished, 20_000);
    expect(message.content).toMatch(/overloaded or unavailable/);
    expect(world.gemini.requests).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('a Gemini that hangs is cut off and the user told it took too long', async () => {
    world.gemini.setDefault({ kind: 'hang' });
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'hang' });
    const message = await h.waitForOriginal(finished, 20_000);
    expect(message.content).toMatch(/took too long/);
    expect(world.gemini.requests.length).toBeGreaterThanOrEqual(2);
  });

  test('several images in one answer are all delivered', async () => {
    world.gemini.enqueue({ kind: 'image', count: 3 });
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'three variations' });
    const message = await h.waitForOriginal(hasImage, 15_000);
    expect(message.attachments).toHaveLength(3);
  });

  test('a picture over the upload limit is re-encoded to fit and the message says so', async () => {
    // A world of its own: making and sending an 11 MiB answer can outlast this file's 1 s attempt
    // deadline on a busy machine, and the deadline is not what this test is about.
    const big = await startWorld({ env: { GEMINI_TIMEOUT_MS: '30000' } });
    try {
      big.gemini.setDefault({ kind: 'image', bytes: 11 * 1024 * 1024, thoughts: false });
      const h = await big.discord.dispatchCommand('imagine', { prompt: 'huge detail' });
      const message = await h.waitForOriginal(hasImage, 45_000);
      const attachment = message.attachments[0]!;
      expect(attachment.size).toBeLessThanOrEqual(10 * 1024 * 1024);
      expect(message.content).toMatch(/over Discord’s 10 MB upload limit/);
      const meta = await sharp(big.discord.fetchAttachment(attachment.url)).metadata();
      expect(attachment.filename.endsWith(`.${meta.format === 'jpeg' ? 'jpg' : meta.format}`)).toBe(true);
      expect(big.gemini.requests).toHaveLength(1);
    } finally {
      await big.stop();
    }
  }, 90_000);

  test('JPEG bytes that Gemini labels PNG are delivered as a .jpg', async () => {
    world.gemini.enqueue({ kind: 'image', format: 'jpeg', declaredMimeType: 'image/png' });
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'mislabelled' });
    const message = await h.waitForOriginal(hasImage, 15_000);
    expect(message.attachments[0]!.filename).toMatch(/\.jpg$/);
    expect((await sharp(world.discord.fetchAttachment(message.attachments[0]!.url)).metadata()).format).toBe(
      'jpeg',
    );
  });

  test('a prompt full of mentions and markdown pings nobody and cannot break the message', async () => {
    const h = await world.discord.dispatchCommand('imagine', {
      prompt: '@everyone <@&123456789012345678> **loud** `x`',
    });
    const message = await h.waitForOriginal(hasImage, 15_000);
    expect(message.mentionEveryone).toBe(false);
    expect(message.mentions).toEqual([]);
    expect(message.content).not.toContain('@everyone');
    expect(message.content).toContain('\\*\\*loud\\*\\*');
  });

  test('an empty prompt is refused privately without calling Gemini', async () => {
    const h = await world.discord.dispatchCommand('imagine', { prompt: '   ' });
    const callback = await h.waitForCallback();
    expect(callback.type).toBe(4);
    expect(JSON.stringify(callback.body)).toMatch(/prompt is empty/);
    expect((callback.body as { data: { flags: number } }).data.flags & 64).toBe(64);
    expect(world.gemini.requests).toHaveLength(0);
  });

  test('/edit with an attachment Discord calls a PDF is refused at once, naming the file safely', async () => {
    const h = await world.discord.dispatchCommand(
      'edit',
      {
        prompt: 'make it pop',
        image: {
          filename: '`@everyone` report.pdf',
          data: Buffer.from('%PDF-1.7'),
          contentType: 'application/pdf',
        },
      },
      { user: world.discord.users.carol },
    );
    const callback = await h.waitForCallback();
    expect(callback.type).toBe(4);
    const body = callback.body as { data: { content: string; flags: number } };
    // Discord renames uploads (the emulator as it does); the name is quoted as it arrives.
    expect(body.data.content).toMatch(
      /^⚠️ “__everyone__report\.pdf” is not an image \(Discord says application\/pdf\)\.$/,
    );
    expect(body.data.flags & 64).toBe(64);
    expect(world.gemini.requests).toHaveLength(0);
  });

  test('every body the bot sent matched Discord’s OpenAPI description and pinged nobody', () => {
    expect(world.discord.violations).toEqual([]);
    const sent = world.discord.requests.filter(
      (r) => ['POST', 'PATCH'].includes(r.method) && /messages|callback|webhooks/.test(r.path) && r.body,
    );
    expect(sent.length).toBeGreaterThan(10);
    for (const r of sent) {
      const body = r.body as {
        allowed_mentions?: { parse: string[] };
        data?: { allowed_mentions?: { parse: string[] } };
      };
      const am = body.allowed_mentions ?? body.data?.allowed_mentions;
      if (r.path.endsWith('/callback') && (body as { type: number }).type === 5) continue;
      expect(am?.parse, `${r.method} ${r.path}`).toEqual([]);
    }
  });
});
