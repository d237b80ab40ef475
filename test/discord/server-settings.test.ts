import { pino } from 'pino';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { GuildSettingsLog } from '../../src/core/results.js';
import {
  SETTINGS_FRESH_MS,
  SETTINGS_READ_DEADLINE_MS,
  ServerSettings,
} from '../../src/discord/server-settings.js';
import { flashAndProBounds } from '../support/settings-bounds.js';

/** A settings table in memory that counts its reads, shared like a database by every "process". */
function table() {
  const rows = new Map<string, string>();
  let reads = 0;
  /** What the database does with a read: answers, hangs (frozen) or fails (gone). */
  let mode: 'answer' | 'hang' | 'fail' = 'answer';
  let writes = 0;
  const log: GuildSettingsLog = {
    guildSettings: (id) => {
      reads++;
      if (mode === 'hang') return new Promise(() => undefined);
      if (mode === 'fail') return Promise.reject(new Error('connection terminated'));
      return Promise.resolve(rows.get(id));
    },
    saveGuildSettings: (id, row) => {
      writes++;
      rows.set(id, row);
      return Promise.resolve();
    },
  };
  return {
    log,
    reads: () => reads,
    writes: () => writes,
    database: (next: typeof mode) => (mode = next),
  };
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

describe('a burst of commands in one server', () => {
  test('a hundred reads at once wait for one database read', async () => {
    const { log, reads } = table();
    const settings = new ServerSettings(log, bounds, silent);
    await settings.update('g1', (s) => ({ ...s, dailyPictureLimit: 6 }));
    const before = reads();
    const all = await Promise.all(
      Array.from({ length: 100 }, (_, i) => settings.forGuild(i % 2 === 0 ? 'g1' : 'g2')),
    );
    // One for each server (g1's copy from the update is fresh: no read at all).
    expect(reads() - before).toBe(1);
    expect(all.filter((s) => s.dailyPictureLimit === 6)).toHaveLength(50);
  });

  test('a change made here while a read is on its way wins over what that read brings back', async () => {
    let answer: (row: string | undefined) => void = () => undefined;
    const rows = new Map<string, string>();
    let slow = false;
    const log: GuildSettingsLog = {
      guildSettings: (id) =>
        slow ? new Promise((resolve) => (answer = resolve)) : Promise.resolve(rows.get(id)),
      saveGuildSettings: (id, row) => {
        rows.set(id, row);
        return Promise.resolve();
      },
    };
    const settings = new ServerSettings(log, bounds, silent);
    slow = true;
    const reading = settings.forGuild('g1');
    slow = false;
    await settings.update('g1', (s) => ({ ...s, dailyPictureLimit: 2 }));
    answer(undefined);
    await reading;
    expect((await settings.forGuild('g1')).dailyPictureLimit).toBe(2);
  });
});

describe('a server’s settings while the database does not answer', () => {
  afterEach(() => vi.useRealTimers());

  test('a read that hangs gives up within the deadline, with the last settings this process read', async () => {
    vi.useFakeTimers();
    const { log, database } = table();
    const settings = new ServerSettings(log, bounds, silent);
    await settings.update('g1', (s) => ({ ...s, blockedWords: ['dragon'], dailyPictureLimit: 4 }));
    vi.advanceTimersByTime(SETTINGS_FRESH_MS);
    database('hang');
    const read = settings.forGuild('g1');
    await vi.advanceTimersByTimeAsync(SETTINGS_READ_DEADLINE_MS);
    // The server's rules still hold: its blocked words are not dropped for the defaults.
    expect(await read).toMatchObject({ blockedWords: ['dragon'], dailyPictureLimit: 4 });
  });

  test('a server never read before gets the defaults, in time', async () => {
    vi.useFakeTimers();
    const { log, database } = table();
    database('hang');
    const settings = new ServerSettings(log, bounds, silent);
    const read = settings.forGuild('g2');
    await vi.advanceTimersByTimeAsync(SETTINGS_READ_DEADLINE_MS);
    expect((await read).blockedWords).toEqual([]);
  });

  test('a fallback is kept as briefly as a read: once the database answers, the stored row is read again', async () => {
    let now = 1_000_000;
    const { log, database, reads } = table();
    const settings = new ServerSettings(log, bounds, silent, () => now);
    database('fail');
    await settings.forGuild('g1');
    await settings.forGuild('g1');
    expect(reads()).toBe(1);
    database('answer');
    now += SETTINGS_FRESH_MS;
    await settings.forGuild('g1');
    expect(reads()).toBe(2);
  });

  test('a change is refused rather than made to a fallback: it would overwrite every other setting', async () => {
    const { log, database, writes } = table();
    const settings = new ServerSettings(log, bounds, silent);
    await settings.update('g1', (s) => ({ ...s, blockedWords: ['dragon'] }));
    database('fail');
    await expect(settings.update('g1', (s) => ({ ...s, dailyPictureLimit: 3 }))).rejects.toThrow(
      'connection terminated',
    );
    expect(writes()).toBe(1);
    database('answer');
    expect(await settings.update('g1', (s) => ({ ...s, dailyPictureLimit: 3 }))).toMatchObject({
      blockedWords: ['dragon'],
      dailyPictureLimit: 3,
    });
  });
});
