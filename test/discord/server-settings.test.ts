import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import type { GuildSettingsLog } from '../../src/core/results.js';
import { SETTINGS_FRESH_MS, ServerSettings } from '../../src/discord/server-settings.js';
import { flashAndProBounds } from '../support/settings-bounds.js';

/** A settings table in memory that counts its reads, shared like a database by every "process". */
function table() {
  const rows = new Map<string, string>();
  let reads = 0;
  const log: GuildSettingsLog = {
    guildSettings: (id) => {
      reads++;
      return Promise.resolve(rows.get(id));
    },
    saveGuildSettings: (id, row) => {
      rows.set(id, row);
      return Promise.resolve();
    },
  };
  return { log, reads: () => reads };
}

const silent = pino({ level: 'silent' });
const bounds = flashAndProBounds({ userDailyLimit: 20, dailyBudgetUsd: 10 });

describe('a server’s settings, read once per interaction rather than twice', () => {
  test('reads within a couple of seconds share one store read; later ones read again', async () => {
    const { log, reads } = table();
    let now = 1_000_000;
    const settings = new ServerSettings(log, bounds, silent, () => now);
    await settings.forGuild('g1');
    await settings.forGuild('g1');
    expect(reads()).toBe(1);
    now += SETTINGS_FRESH_MS;
    await settings.forGuild('g1');
    expect(reads()).toBe(2);
    await settings.forGuild('g2');
    expect(reads()).toBe(3);
  });

  test('a change made here applies at once; one made by another process within the freshness window', async () => {
    const { log } = table();
    let now = 1_000_000;
    const here = new ServerSettings(log, bounds, silent, () => now);
    const there = new ServerSettings(log, bounds, silent, () => now);
    expect((await here.forGuild('g1')).dailyPictureLimit).toBeUndefined();
    await here.update('g1', (s) => ({ ...s, dailyPictureLimit: 5 }));
    expect((await here.forGuild('g1')).dailyPictureLimit).toBe(5);

    expect((await there.forGuild('g1')).dailyPictureLimit).toBe(5);
    await here.update('g1', (s) => ({ ...s, dailyPictureLimit: 7 }));
    // The other process read a moment ago: it still has 5, until its copy is too old.
    expect((await there.forGuild('g1')).dailyPictureLimit).toBe(5);
    now += SETTINGS_FRESH_MS;
    expect((await there.forGuild('g1')).dailyPictureLimit).toBe(7);
  });

  test('an update starts from the stored row, not from a copy another process has since changed', async () => {
    const { log } = table();
    const now = () => 1_000_000;
    const a = new ServerSettings(log, bounds, silent, now);
    const b = new ServerSettings(log, bounds, silent, now);
    await a.forGuild('g1');
    await b.update('g1', (s) => ({ ...s, blockedWords: ['dragon'] }));
    const next = await a.update('g1', (s) => ({ ...s, dailyPictureLimit: 3 }));
    expect(next).toMatchObject({ blockedWords: ['dragon'], dailyPictureLimit: 3 });
  });
});
