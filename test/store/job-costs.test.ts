import { expect, test } from 'vitest';
import { periodBounds } from '../../src/store/job-costs.js';
import { describeEachStore } from './contract.js';
import { cost, NOV_23 } from './fixtures.js';

describeEachStore('job costs in the store', ({ place, fresh }) => {
  test('a recorded job survives a restart and adds up in its member’s and its server’s totals', async () => {
    const here = await place();
    const first = await here.open();
    await first.recordJobCost(cost('j1'));
    await first.recordJobCost(
      cost('j2', { searches: 2, searchCostUsd: 0.028, costUsd: 0.095, priceEstimated: true }),
    );
    await first.recordJobCost(
      cost('j3', { userId: 'u2', outcome: 'refused', imagesGenerated: 0, imagesDelivered: 0 }),
    );
    await first.close();

    const store = await here.open();
    expect(await store.costTotals({ userId: 'u1', period: 'day', at: NOV_23 })).toEqual({
      jobs: 2,
      imagesGenerated: 2,
      imagesDelivered: 2,
      promptTokens: 20,
      outputTokens: 2240,
      thinkingTokens: 200,
      searches: 2,
      imageCostUsd: 0.134,
      searchCostUsd: 0.028,
      costUsd: 0.162,
      estimatedJobs: 1,
    });
    expect(await store.costTotals({ guildId: 'g1', period: 'day', at: NOV_23 })).toMatchObject({ jobs: 3 });
    await store.close();
  });

  test('days and months are UTC, and jobs outside them do not count', async () => {
    const store = await fresh();
    await store.recordJobCost(cost('late-22nd', { createdAt: Date.UTC(2026, 10, 22, 23, 59) }));
    await store.recordJobCost(cost('23rd', { createdAt: NOV_23 }));
    await store.recordJobCost(cost('december', { createdAt: Date.UTC(2026, 11, 1, 0, 0) }));
    expect((await store.costTotals({ userId: 'u1', period: 'day', at: NOV_23 })).jobs).toBe(1);
    expect((await store.costTotals({ userId: 'u1', period: 'month', at: NOV_23 })).jobs).toBe(2);
    expect(periodBounds('month', Date.UTC(2026, 11, 31, 23))).toEqual([
      Date.UTC(2026, 11, 1),
      Date.UTC(2027, 0, 1),
    ]);
  });

  test('nothing recorded gives zeros, not nulls; a job id is recorded once', async () => {
    const store = await fresh();
    expect(await store.costTotals({ guildId: 'g9', period: 'month', at: NOV_23 })).toMatchObject({
      jobs: 0,
      costUsd: 0,
      searches: 0,
    });
    await store.recordJobCost(cost('j1'));
    await store.recordJobCost(cost('j1', { costUsd: 99 }));
    expect((await store.costTotals({ userId: 'u1', period: 'day', at: NOV_23 })).costUsd).toBe(0.067);
  });

  test('asking for both a member and a server, or neither, is a programming error', async () => {
    const store = await fresh();
    await expect(store.costTotals({ period: 'day', at: NOV_23 })).rejects.toThrow(/exactly one/);
    await expect(store.costTotals({ userId: 'u', guildId: 'g', period: 'day', at: NOV_23 })).rejects.toThrow(
      /exactly one/,
    );
  });
});
