import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { LogEvent } from '../../src/log-events.js';
import type { InteractionHandle } from '../../src/playground/discord/types.js';
import { FIXED_IDS } from '../../src/playground/discord/world.js';
import { startWorld, type World } from '../emulators/world.js';

let world: World;
let port: number;
let wordsDir: string;

/** A port nothing listens on right now, for METRICS_PORT. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

beforeAll(async () => {
  port = await freePort();
  wordsDir = mkdtempSync(join(tmpdir(), 'blocked-words-'));
  writeFileSync(join(wordsDir, 'blocked.txt'), '# the operator’s list\nkraken\n');
  world = await startWorld({
    discord: { extraChannels: ['mod-log', 'art'] },
    env: {
      GEMINI_MODELS: 'fast=gemini-3.1-flash-image,pro=gemini-3-pro-image',
      USER_DAILY_LIMIT: '40',
      METRICS_PORT: String(port),
      BLOCKED_WORDS: join(wordsDir, 'blocked.txt'),
    },
  });
});
afterAll(async () => {
  await world?.stop();
  rmSync(wordsDir, { recursive: true, force: true });
});
beforeEach(() => world.gemini.reset());

const finished = () => world.bot.logs().filter((l) => l.event === LogEvent.jobFinished).length;
const bodyText = async (h: InteractionHandle) => JSON.stringify((await h.waitForCallback()).body);

/** The owner (who has Manage Server) runs a /settings subcommand; resolves to the private answer. */
async function settings(sub: string, options: Record<string, string | number> = {}): Promise<string> {
  const h = await world.discord.dispatchCommand(`settings ${sub}`, options, { user: world.discord.owner });
  const callback = await h.waitForCallback();
  expect((callback.body as { data: { flags: number } }).data.flags).toBe(64);
  return (callback.body as { data: { content: string } }).data.content;
}

async function imagine(prompt: string, options: Record<string, string> = {}) {
  const before = finished();
  const h = await world.discord.dispatchCommand('imagine', { prompt, ...options });
  const message = await h.waitForOriginal((m) => m.attachments.length > 0, 20_000);
  await world.bot.waitForLog(() => finished() > before);
  return message;
}

/** The bot's job_costs rows, read from its own database file. */
function costRows(): { user_id: string; images_delivered: number; cost_usd: number }[] {
  const db = new Database(join(world.bot.dataDir, 'bot.sqlite3'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT user_id, images_delivered, cost_usd FROM job_costs').all() as never;
  } finally {
    db.close();
  }
}

const usd = (n: number) =>
  `$${(Math.round(n * 1e6) / 1e6)
    .toFixed(6)
    .replace(/0+$/, '')
    .replace(/\.(\d?)$/, (_, d: string) => `.${d.padEnd(2, '0')}`)}`;

describe('operators: settings, budgets, usage, moderation, metrics', () => {
  test('/settings is registered for Manage Server only, and a member without it cannot use it', async () => {
    const registered = world.discord.commands(world.discord.guildId).find((c) => c.name === 'settings');
    expect(registered?.default_member_permissions).toBe('32');
    await expect(world.discord.dispatchCommand('settings show', {})).rejects.toThrow(
      /lacks the permissions 32/,
    );
  });

  test('/settings defaults changes what the next /imagine asks Gemini for', async () => {
    expect(await settings('defaults', { model: 'pro', size: '2K' })).toMatch(
      /Saved[\s\S]*model pro, size 2K/,
    );
    await imagine('a lighthouse at dusk');
    const request = world.gemini.requests[0]!;
    expect(request.model).toBe('gemini-3-pro-image');
    expect(request.generationConfig?.imageConfig?.imageSize).toBe('2K');
    // An invalid value is refused with the allowed range, and nothing changes.
    const h = await world.discord.dispatchCommand(
      'settings daily-limit',
      { pictures: 41 },
      { user: world.discord.owner },
    );
    expect(await bodyText(h)).toMatch(/from 1 to 40/);
    await settings('reset', { setting: 'defaults' });
  });

  test('the moderation log gets one line per job: who, where, the prompt, the outcome and a link', async () => {
    const modLog = world.discord.channelNamed('mod-log');
    await settings('moderation-log', { channel: modLog });
    const picture = await imagine('a fox in the snow');
    const line = await world.discord.waitForMessage((m) => m.channelId === modLog, 10_000);
    const alice = world.discord.users.alice.id;
    expect(line.content).toContain(`<@${alice}> in <#${world.discord.channelId}>`);
    expect(line.content).toContain('“a fox in the snow”');
    expect(line.content).toContain('delivered');
    expect(line.content).toContain(`/channels/${world.discord.guildId}/${picture.channelId}/${picture.id}`);
  });

  test('blocked words (the server’s and the operator’s file) are refused before Gemini is asked', async () => {
    await settings('block', { words: 'dragon, sea serpent' });
    for (const prompt of ['a DR4GON over a castle', 'a huge Sea  Serpent', 'a kraken attacking a ship']) {
      const h = await world.discord.dispatchCommand('imagine', { prompt });
      expect(await bodyText(h)).toContain('I can’t make a picture from that prompt here.');
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(world.gemini.requests).toHaveLength(0);
    const modLog = world.discord.channelNamed('mod-log');
    await world.discord.waitForMessage((m) => m.channelId === modLog && m.content.includes('kraken'), 5000);
  });

  test('a size kept for one role: a member with the role gets it, one without is told which role', async () => {
    const role = FIXED_IDS.memberRole;
    expect(await settings('restrict', { what: 'size:2K', role })).toMatch(/Saved/);
    // The owner has no role in the emulated server; Alice has "Members".
    const refused = await world.discord.dispatchCommand(
      'imagine',
      { prompt: 'a castle', size: '2K' },
      { user: world.discord.owner },
    );
    const callback = await refused.waitForCallback();
    expect((callback.body as { data: { flags: number } }).data.flags).toBe(64);
    expect(await bodyText(refused)).toContain(`Only members with <@&${role}> can use 2K in this server.`);
    // Other sizes stay open to everyone.
    const open = await world.discord.dispatchCommand(
      'imagine',
      { prompt: 'a castle' },
      { user: world.discord.owner },
    );
    await open.waitForOriginal((m) => m.attachments.length > 0, 20_000);
    expect(world.gemini.requests).toHaveLength(1);
    expect(world.gemini.requests[0]!.generationConfig?.imageConfig?.imageSize ?? '1K').toBe('1K');

    world.gemini.reset();
    await imagine('a castle', { size: '2K' });
    expect(world.gemini.requests).toHaveLength(1);
    expect(world.gemini.requests[0]!.generationConfig?.imageConfig?.imageSize).toBe('2K');
    await settings('restrict', { what: 'size:2K' });
  });

  test('channels: elsewhere a job is refused naming the allowed channel, or in hide mode answered privately', async () => {
    const art = world.discord.channelNamed('art');
    await settings('channel', { channel: art, action: 'allow' });
    const refused = await world.discord.dispatchCommand('imagine', { prompt: 'a meadow' });
    expect(await bodyText(refused)).toContain(`I don’t make pictures in this channel. Try <#${art}>.`);
    expect(world.gemini.requests).toHaveLength(0);

    // In the allowed channel the picture is public, as usual.
    const there = await world.discord.dispatchCommand('imagine', { prompt: 'a meadow' }, { channelId: art });
    expect(((await there.waitForCallback()).body as { data?: { flags?: number } }).data?.flags ?? 0).toBe(0);
    await there.waitForOriginal((m) => m.attachments.length > 0, 20_000);

    await settings('other-channels', { mode: 'hide' });
    const before = finished();
    const hidden = await world.discord.dispatchCommand('imagine', { prompt: 'a quiet meadow' });
    // Deferred privately: only the member sees the reply, which becomes the picture.
    const deferral = await hidden.waitForCallback();
    expect(deferral.body).toMatchObject({ type: 5, data: { flags: 64 } });
    const picture = await hidden.waitForOriginal((m) => m.attachments.length > 0, 20_000);
    expect(picture.flags & 64).toBe(64);
    expect(picture.channelId).toBe(world.discord.channelId);
    await world.bot.waitForLog(() => finished() > before);

    await settings('reset', { setting: 'channels' });
  });

  test('a server budget that runs out refuses the next job with the reset time', async () => {
    const spent = costRows().reduce((sum, r) => sum + r.cost_usd, 0);
    // Room for one 1K flash picture ($0.067) and not two.
    const budget = Math.ceil((spent + 0.1) * 100) / 100;
    await settings('budget', { usd: budget });
    await imagine('a small boat');
    const h = await world.discord.dispatchCommand('imagine', { prompt: 'another small boat' });
    const now = new Date();
    const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) / 1000;
    expect(await bodyText(h)).toContain(`This server’s picture budget for today is spent`);
    expect(await bodyText(h)).toContain(`<t:${midnight}:R>`);
    // The log line travels through the bot process's stdout, behind the answer: waited for, then counted.
    await world.bot.waitForLog((l) => l.event === LogEvent.budgetSpent, 5000);
    expect(world.bot.logs().filter((l) => l.event === LogEvent.budgetSpent)).toHaveLength(1);
    await settings('reset', { setting: 'budget' });
  });

  test('/usage figures equal what the store recorded, for the member and for a manager', async () => {
    const rows = costRows();
    const alice = world.discord.users.alice.id;
    const mine = rows.filter((r) => r.user_id === alice);
    const pictures = mine.reduce((n, r) => n + r.images_delivered, 0);
    const spent = mine.reduce((n, r) => n + r.cost_usd, 0);
    const h = await world.discord.dispatchCommand('usage', {});
    const own = (await h.waitForOriginal((m) => m.content.length > 0)).content;
    expect(own).toContain(`Today: ${pictures} pictures, about ${usd(spent)}`);
    expect(own).toContain(`Pictures left today: ${40 - pictures} of 40`);
    expect(own).not.toContain('Top members');

    const m = await world.discord.dispatchCommand('usage', {}, { user: world.discord.owner });
    const manager = (await m.waitForOriginal((x) => x.content.length > 0)).content;
    const total = rows.reduce((n, r) => n + r.cost_usd, 0);
    const all = rows.reduce((n, r) => n + r.images_delivered, 0);
    expect(all).toBeGreaterThan(pictures);
    expect(manager).toContain(`**This server**\nToday: ${all} pictures, about ${usd(total)}`);
    expect(manager).toContain(`1. <@${alice}>: ${pictures} pictures, about ${usd(spent)}`);
  });

  test('/metrics and /healthz answer during a run', async () => {
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', gateway: 'connected', store: 'ok' });
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const jobs = world.bot.logs().filter((l) => l.event === LogEvent.jobFinished).length;
    expect(metrics).toContain(`banana_jobs_total{kind="imagine",outcome="images"} ${jobs}`);
    expect(metrics).toContain('banana_jobs_refused_total{reason="blocked"} 3');
    expect(metrics).toContain('banana_jobs_refused_total{reason="budget"} 1');
    expect(metrics).toContain('banana_discord_gateway_connected 1');
    expect(metrics).toMatch(/banana_gemini_request_duration_seconds_count\{model="gemini-3-pro-image"\} 1/);
    expect(metrics).toMatch(/banana_deliveries_total\{path="reply"\} \d+/);
    expect(metrics).toMatch(/banana_estimated_cost_usd_total\{model="gemini-3.1-flash-image"\} 0\.\d+/);
    // Every body the bot sent here (settings answers, the moderation log) matched Discord's description.
    expect(world.discord.violations).toEqual([]);
  });
});
