import { expect, test } from 'vitest';
import type { ControlRecord } from '../../src/core/controls.js';
import { describeEachStore } from './contract.js';
import { cost, NOV_23 } from './fixtures.js';

const DAY = '2026-11-23';

const controls = (controlId: string, over: Partial<ControlRecord> = {}): ControlRecord => ({
  controlId,
  messageId: 'm1',
  channelId: 'c1',
  threadId: null,
  guildId: 'g1',
  userId: 'u1',
  model: 'gemini-3.1-flash-image',
  imageCount: 2,
  request: {
    kind: 'edit',
    prompt: 'a cat, in blue',
    shownPrompt: 'a cat',
    inputs: [
      { kind: 'link', filename: 'cat.png', declaredSize: 1234, url: 'https://cdn.example/cat.png' },
      { kind: 'attachment', filename: 'dog.png', channelId: 'c1', messageId: 'm0', index: 1 },
    ],
    imageSize: '2K',
    search: true,
  },
  createdAt: NOV_23,
  deletedAt: null,
  ...over,
});

describeEachStore('result controls in the store', ({ place, fresh }) => {
  test('saved controls come back whole after a restart; unknown ids are undefined', async () => {
    const here = await place();
    const first = await here.open();
    await first.saveControls(controls('k1'));
    await first.saveControls(controls('k2', { threadId: 't1', guildId: null, imageCount: 1 }));
    await first.close();
    const again = await here.open();
    expect(await again.getControls('k1')).toEqual(controls('k1'));
    expect(await again.getControls('k2')).toEqual(
      controls('k2', { threadId: 't1', guildId: null, imageCount: 1 }),
    );
    expect(await again.getControls('nope')).toBeUndefined();
  });

  test('a second save under the same id is refused', async () => {
    const store = await fresh();
    await store.saveControls(controls('k1'));
    await expect(store.saveControls(controls('k1', { messageId: 'm2' }))).rejects.toThrow();
    expect((await store.getControls('k1'))?.messageId).toBe('m1');
  });

  test('the first deletion’s time stays; deleting unknown controls changes nothing', async () => {
    const store = await fresh();
    await store.saveControls(controls('k1'));
    await store.markControlsDeleted('k1', NOV_23 + 1000);
    await store.markControlsDeleted('k1', NOV_23 + 2000);
    await store.markControlsDeleted('nope', NOV_23);
    expect((await store.getControls('k1'))?.deletedAt).toBe(NOV_23 + 1000);
    expect(await store.getControls('nope')).toBeUndefined();
  });
});

describeEachStore('server settings in the store', ({ place, fresh }) => {
  test('settings are kept per server as saved, the newest save winning, across a restart', async () => {
    const here = await place();
    const first = await here.open();
    expect(await first.guildSettings('g1')).toBeUndefined();
    await first.saveGuildSettings('g1', '{"model":"a"}', NOV_23);
    await first.saveGuildSettings('g2', '{"model":"b"}', NOV_23);
    await first.saveGuildSettings('g1', '{"model":"c","dailyLimit":3}', NOV_23 + 1);
    await first.close();
    const again = await here.open();
    expect(await again.guildSettings('g1')).toBe('{"model":"c","dailyLimit":3}');
    expect(await again.guildSettings('g2')).toBe('{"model":"b"}');
    expect(await again.guildSettings('g3')).toBeUndefined();
  });

  test('a text that is not JSON is kept as it is: checking it is the reader’s job', async () => {
    const store = await fresh();
    await store.saveGuildSettings('g1', 'not json {', NOV_23);
    expect(await store.guildSettings('g1')).toBe('not json {');
  });
});

describeEachStore('the spend ledger in the store', ({ place, fresh }) => {
  test('spend adds up per scope and day, in integer micro-dollars, across a restart', async () => {
    const here = await place();
    const first = await here.open();
    expect(await first.spent('bot', DAY)).toBe(0);
    expect(await first.reserveSpend([{ scope: 'bot', limitMicros: 0 }], DAY, 67_000)).toEqual({ ok: true });
    await first.addSpend(['bot', 'guild:g1'], DAY, 14_000);
    await first.addSpend(['bot'], '2026-11-24', 5);
    await first.close();
    const again = await here.open();
    expect(await again.spent('bot', DAY)).toBe(81_000);
    expect(await again.spent('guild:g1', DAY)).toBe(14_000);
    expect(await again.spent('bot', '2026-11-24')).toBe(5);
    expect(await again.spent('guild:g2', DAY)).toBe(0);
  });

  test('a negative addition gives spend back', async () => {
    const store = await fresh();
    await store.addSpend(['bot', 'guild:g1'], DAY, 134_000);
    await store.addSpend(['bot', 'guild:g1'], DAY, -134_000);
    expect(await store.spent('bot', DAY)).toBe(0);
    expect(await store.spent('guild:g1', DAY)).toBe(0);
  });

  test('sums past 4-byte integers stay exact', async () => {
    const store = await fresh();
    await store.addSpend(['bot'], DAY, 3_000_000_000);
    await store.addSpend(['bot'], DAY, 3_000_000_001);
    expect(await store.spent('bot', DAY)).toBe(6_000_000_001);
  });

  test('a reservation up to the limit is taken; one past it is refused, naming the full scope, and changes nothing', async () => {
    const store = await fresh();
    const claims = [
      { scope: 'bot', limitMicros: 1_000_000 },
      { scope: 'guild:g1', limitMicros: 200_000 },
    ];
    expect(await store.reserveSpend(claims, DAY, 134_000)).toEqual({ ok: true });
    expect(await store.reserveSpend(claims, DAY, 66_000)).toEqual({ ok: true });
    expect(await store.reserveSpend(claims, DAY, 1)).toEqual({ ok: false, full: 'guild:g1' });
    expect(await store.spent('bot', DAY)).toBe(200_000);
    expect(await store.spent('guild:g1', DAY)).toBe(200_000);
    // Another server's budget is its own; the bot's still has room.
    expect(
      await store.reserveSpend(
        [
          { scope: 'bot', limitMicros: 1_000_000 },
          { scope: 'guild:g2', limitMicros: 0 },
        ],
        DAY,
        800_000,
      ),
    ).toEqual({ ok: true });
    expect(
      await store.reserveSpend(
        [
          { scope: 'bot', limitMicros: 1_000_000 },
          { scope: 'guild:g3', limitMicros: 0 },
        ],
        DAY,
        1,
      ),
    ).toEqual({ ok: false, full: 'bot' });
    expect(await store.spent('guild:g3', DAY)).toBe(0);
    expect(await store.spent('bot', DAY)).toBe(1_000_000);
  });

  test('when several budgets are full, the first claim named is the one reported', async () => {
    const store = await fresh();
    await store.addSpend(['bot', 'guild:g1'], DAY, 100);
    expect(
      await store.reserveSpend(
        [
          { scope: 'guild:g1', limitMicros: 100 },
          { scope: 'bot', limitMicros: 100 },
        ],
        DAY,
        1,
      ),
    ).toEqual({ ok: false, full: 'guild:g1' });
  });

  test('a new day starts from nothing', async () => {
    const store = await fresh();
    const claims = [{ scope: 'bot', limitMicros: 100 }];
    expect(await store.reserveSpend(claims, DAY, 100)).toEqual({ ok: true });
    expect(await store.reserveSpend(claims, DAY, 1)).toEqual({ ok: false, full: 'bot' });
    expect(await store.reserveSpend(claims, '2026-11-24', 100)).toEqual({ ok: true });
  });

  test('racing reservations for the last of a budget: exactly as many as fit get it', async () => {
    const here = await place();
    // Two stores on one place: two processes on one database (one file, for SQLite).
    const [a, b] = [await here.open(), await here.open()];
    const claims = (guild: string) => [
      { scope: 'bot', limitMicros: 1_000_000 },
      { scope: `guild:${guild}`, limitMicros: 0 },
    ];
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) => (i % 2 ? a : b).reserveSpend(claims(`g${i % 5}`), DAY, 100_000)),
    );
    expect(answers.filter((r) => r.ok)).toHaveLength(10);
    expect(answers.filter((r) => !r.ok)).toEqual(
      Array.from({ length: 14 }, () => ({ ok: false, full: 'bot' })),
    );
    expect(await a.spent('bot', DAY)).toBe(1_000_000);
    let guilds = 0;
    for (let g = 0; g < 5; g++) guilds += await b.spent(`guild:g${g}`, DAY);
    expect(guilds).toBe(1_000_000);
  });
});

describeEachStore('members’ usage in the store', ({ fresh }) => {
  test('a server’s members by spend, dearest first, then by pictures, then by id, at most `limit`', async () => {
    const store = await fresh();
    await store.recordJobCost(cost('j1', { userId: 'u1', costUsd: 0.0671234 }));
    await store.recordJobCost(cost('j2', { userId: 'u1', costUsd: 0.067, imagesDelivered: 2 }));
    await store.recordJobCost(cost('j3', { userId: 'u2', costUsd: 0.2 }));
    await store.recordJobCost(cost('j4', { userId: 'u4', costUsd: 0.05, imagesDelivered: 3 }));
    await store.recordJobCost(cost('j5', { userId: 'u3', costUsd: 0.05, imagesDelivered: 1 }));
    await store.recordJobCost(cost('j6', { userId: 'u5', costUsd: 0.05, imagesDelivered: 1 }));
    await store.recordJobCost(cost('j7', { userId: 'U6', costUsd: 0.05, imagesDelivered: 1 }));
    // Another server, and the same server another month, do not count.
    await store.recordJobCost(cost('j8', { userId: 'u9', guildId: 'g2', costUsd: 9 }));
    await store.recordJobCost(cost('j9', { userId: 'u9', createdAt: Date.UTC(2026, 9, 30), costUsd: 9 }));
    const month = await store.topMembers({ guildId: 'g1', period: 'month', at: NOV_23, limit: 10 });
    expect(month).toEqual([
      { userId: 'u2', jobs: 1, imagesDelivered: 1, costUsd: 0.2 },
      { userId: 'u1', jobs: 2, imagesDelivered: 3, costUsd: 0.134123 },
      { userId: 'u4', jobs: 1, imagesDelivered: 3, costUsd: 0.05 },
      { userId: 'U6', jobs: 1, imagesDelivered: 1, costUsd: 0.05 },
      { userId: 'u3', jobs: 1, imagesDelivered: 1, costUsd: 0.05 },
      { userId: 'u5', jobs: 1, imagesDelivered: 1, costUsd: 0.05 },
    ]);
    expect(await store.topMembers({ guildId: 'g1', period: 'day', at: NOV_23, limit: 2 })).toEqual(
      month.slice(0, 2),
    );
    expect(await store.topMembers({ guildId: 'g3', period: 'day', at: NOV_23, limit: 5 })).toEqual([]);
  });
});
