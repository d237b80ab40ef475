import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { LogEvent } from '../../src/log-events.js';
import type { InteractionHandle, MessageRecord } from '../../src/playground/discord/index.js';
import { startWorld, type World } from '../emulators/world.js';

let world: World;
beforeAll(async () => {
  // The default configuration: previews are on unless PREVIEWS=false.
  world = await startWorld();
});
afterAll(() => world?.stop());
beforeEach(() => world.gemini.reset());

const DRAFT_FILE = /^draft-\w+-\d\.jpg$/;
const isDraft = (a: { filename: string }) => DRAFT_FILE.test(a.filename);
const delivered = (m: MessageRecord) => m.attachments.length > 0 && !m.attachments.some(isDraft);

/** What each edit of the progress message said and uploaded, in order (files by their alt text). */
function edits(h: InteractionHandle): { content: string; files: string[] }[] {
  return h.state().edits.map((edit) => {
    const body = edit.body as { content?: string; attachments?: { description?: string }[] } | undefined;
    return { content: body?.content ?? '', files: (body?.attachments ?? []).map((a) => a.description ?? '') };
  });
}
const DRAFT_ALT = /rough draft/;

/**
 * Waits until the job that posted `picture` has finished (and so stored it for refining). Any
 * job.finished line would not do: an earlier test's is already in the log.
 */
async function pictureStored(picture: MessageRecord): Promise<void> {
  const jobId = /^imagine-(\w+)\./.exec(picture.attachments[0]?.filename ?? '')?.[1];
  if (!jobId) throw new Error(`not a picture the bot delivered: ${picture.id}`);
  await world.bot.waitForLog((l) => l.event === LogEvent.jobFinished && l.jobId === jobId);
}

describe('live previews end to end', () => {
  test('Gemini’s drafts are edited into the progress message, then the picture replaces them', async () => {
    // Drafts 2.2 s apart, so each one finds the per-job interval free.
    world.gemini.enqueue({ kind: 'image', thoughtImages: 2, stream: { chunkLatencyMs: 2200 } });
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'a lighthouse in fog' });

    let draftUrl = '';
    const drafting = await h.waitForOriginal((m) => {
      const draft = m.attachments.find(isDraft);
      if (draft) draftUrl = draft.url;
      return draft !== undefined;
    }, 15_000);
    expect(drafting.content).toMatch(
      /Generating \*\*a lighthouse in fog\*\*…\n-# ✏️ Draft 1, not the finished picture/,
    );
    const meta = await sharp(world.discord.fetchAttachment(draftUrl)).metadata();
    expect(meta.format).toBe('jpeg');
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBeLessThanOrEqual(512);

    const final = await h.waitForOriginal(delivered, 20_000);
    expect(final.attachments).toHaveLength(1);
    expect(final.attachments[0]!.filename).toMatch(/^imagine-\w+\.png$/);
    expect(final.content).not.toMatch(/Draft/);

    const sent = edits(h);
    const draftEdits = sent.filter((e) => e.files.some((f) => DRAFT_ALT.test(f)));
    expect(draftEdits.map((e) => /Draft (\d)/.exec(e.content)?.[1])).toEqual(['1', '2']);
    for (const e of draftEdits) expect(e.files).toHaveLength(1);
    // The last edit is the result, and it carries the picture alone.
    expect(sent.at(-1)!.files).toEqual(['Picture made with Gemini for the prompt: a lighthouse in fog']);
    expect(world.gemini.requests[0]).toMatchObject({ route: 'streamGenerateContent', sse: true, chunks: 4 });
    expect(world.gemini.requests[0]!.generationConfig?.thinkingConfig?.includeThoughts).toBe(true);
  });

  test('a refine’s progress reply shows the draft too, and becomes the refined picture', async () => {
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'a red kite' });
    const picture = await h.waitForOriginal(delivered, 15_000);
    // The picture is visible before the bot has stored it; a reply sent in between is ordinary chat.
    await pictureStored(picture);
    world.gemini.reset();
    // Chunks 4 s apart, as a Gemini that thinks longer sends them.
    world.gemini.enqueue({ kind: 'image', thoughtImages: 1, stream: { chunkLatencyMs: 4000 } });
    await world.discord.dispatchMessage({ content: 'make it blue', replyTo: picture.id });
    const inThread = (m: MessageRecord) => m.channelId === picture.id && m.author.bot;
    const drafting = await world.discord.waitForMessage(
      (m) => inThread(m) && m.attachments.some(isDraft),
      15_000,
    );
    expect(drafting.content).toMatch(/Draft 1, not the finished picture/);
    const refined = await world.discord.waitForMessage((m) => m.id === drafting.id && delivered(m), 20_000);
    expect(refined.attachments).toHaveLength(1);
    expect(refined.content).not.toMatch(/Draft/);
    expect(world.gemini.requests[0]).toMatchObject({ route: 'streamGenerateContent', chunks: 3 });
  });

  test('a stream broken midway is retried, and the job still delivers the picture', async () => {
    world.gemini.enqueue({ kind: 'image', thoughtImages: 2, stream: { breakAfterChunks: 2 } });
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'a paper crane' });
    const final = await h.waitForOriginal(delivered, 20_000);
    expect(final.attachments).toHaveLength(1);
    expect(world.gemini.requests).toHaveLength(2);
    expect(world.gemini.requests[0]!.aborted).toBe(true);
    expect(world.gemini.requests.map((r) => r.route)).toEqual([
      'streamGenerateContent',
      'streamGenerateContent',
    ]);
  });

  test('with PREVIEWS=false the bot makes plain requests and no progress edit carries a draft', async () => {
    await world.bot.stop('SIGTERM');
    world.gemini.reset();
    await world.startBot({ PREVIEWS: 'false' });
    world.gemini.enqueue({ kind: 'image', thoughtImages: 2 });
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'a quiet harbour' });
    const final = await h.waitForOriginal(delivered, 20_000);
    expect(final.attachments).toHaveLength(1);
    const drafted = edits(h).some((e) => e.files.some((f) => DRAFT_ALT.test(f)) || /Draft/.test(e.content));
    expect(drafted).toBe(false);
    expect(edits(h).at(-1)!.files).toEqual(['Picture made with Gemini for the prompt: a quiet harbour']);
    expect(world.gemini.requests[0]!.route).toBe('generateContent');
    expect(world.gemini.requests[0]!.generationConfig?.thinkingConfig?.includeThoughts).toBeUndefined();
  });
});
