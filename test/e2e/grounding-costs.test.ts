import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { LogEvent } from '../../src/log-events.js';
import { estimateTextTokens } from '../../src/playground/gemini/model-catalogue.js';
import { startWorld, type World } from '../emulators/world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld({
    env: { GEMINI_MODELS: 'fast=gemini-3.1-flash-image,pro=gemini-3-pro-image' },
  });
});
afterAll(() => world?.stop());
beforeEach(() => world.gemini.reset());

const finishedJobs = () => world.bot.logs().filter((l) => l.event === LogEvent.jobFinished).length;

/** Runs /imagine, waits for the picture and for the bot to have finished (and recorded) the job. */
async function imagine(options: Record<string, string | boolean>) {
  const before = finishedJobs();
  const h = await world.discord.dispatchCommand('imagine', options);
  const message = await h.waitForOriginal((m) => m.attachments.length > 0, 20_000);
  await world.bot.waitForLog(() => finishedJobs() > before);
  return message;
}

/** The bot's job_costs rows, read from its own database file without writing to it. */
function costRows(): Record<string, unknown>[] {
  const db = new Database(join(world.bot.dataDir, 'bot.sqlite3'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT * FROM job_costs ORDER BY created_at').all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

interface Button {
  type: number;
  style: number;
  label: string;
  url: string;
}

describe('grounding shown and costs recorded, end to end', () => {
  test('/imagine on Pro at 4K leaves a job_costs row and a job.cost event with what Gemini reported', async () => {
    const jobsBefore = costRows().length;
    await imagine({ prompt: 'a lighthouse in a storm', model: 'pro', size: '4K' });
    const request = world.gemini.requests[0]!;
    const promptTokens = request.texts.reduce((sum, t) => sum + estimateTextTokens(t), 0);

    const rows = costRows();
    expect(rows).toHaveLength(jobsBefore + 1);
    const row = rows.at(-1)!;
    expect(row).toMatchObject({
      model: 'gemini-3-pro-image',
      image_size: '4K',
      kind: 'imagine',
      outcome: 'images',
      images_generated: 1,
      images_delivered: 1,
      prompt_tokens: Math.max(1, promptTokens),
      thinking_tokens: 240,
      searches: 0,
      image_cost_usd: 0.24,
      search_cost_usd: 0,
      cost_usd: 0.24,
      price_estimated: 0,
    });
    // 2000 tokens for a 4K Pro image, plus whatever text came with it.
    expect(row.output_tokens).toBeGreaterThanOrEqual(2000);

    const event = world.bot
      .logs()
      .filter((l) => l.event === LogEvent.jobCost)
      .at(-1)!;
    expect(event).toMatchObject({
      jobId: row.job_id,
      model: 'gemini-3-pro-image',
      imageSize: '4K',
      promptTokens: row.prompt_tokens,
      outputTokens: row.output_tokens,
      thinkingTokens: 240,
      costUsd: 0.24,
    });
  });

  test('search:true shows the query and the source as link buttons, and counts the search', async () => {
    const message = await imagine({ prompt: 'the Eiffel Tower today', search: true });
    const rows = message.components as { components: (Button & { custom_id?: string })[] }[];
    const buttons = rows.flatMap((row) => row.components);
    const query = world.gemini.requests[0]!.texts.join(' ').slice(0, 80);
    // The links come first; the picture's own buttons take the last two rows.
    expect(rows.slice(-2).every((row) => row.components.every((b) => b.custom_id?.startsWith('v1:')))).toBe(
      true,
    );
    expect(buttons.filter((b) => b.style === 5)).toEqual([
      {
        type: 2,
        style: 5,
        label: `🔎 ${query}`,
        url: `https://www.google.com/search?q=${encodeURIComponent(query)}`,
      },
      { type: 2, style: 5, label: 'example.com', url: 'https://example.com/grounding-source' },
    ]);
    expect(message.content).toContain('Google Search');
    expect(costRows().at(-1)).toMatchObject({
      model: 'gemini-3.1-flash-image',
      searches: 1,
      search_cost_usd: 0.014,
      cost_usd: 0.081,
    });
  });
});
