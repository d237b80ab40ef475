import { expect, test } from 'vitest';
import type { ResultRecord } from '../../src/store/store.js';
import { describeEachStore } from './contract.js';

const rec = (
  messageId: string,
  parentMessageId: string | null,
  over: Partial<ResultRecord> = {},
): ResultRecord => ({
  messageId,
  channelId: 'c1',
  threadId: parentMessageId ? 't1' : null,
  guildId: 'g1',
  userId: 'u1',
  prompt: `prompt of ${messageId}`,
  parentMessageId,
  model: 'gemini-3-pro-image',
  modelParts: [
    { text: 'Here', thoughtSignature: `sig-${messageId}` },
    { imageIndex: 0, thoughtSignature: `img-${messageId}` },
  ],
  imageCount: 1,
  createdAt: Number(messageId.replace(/\D/g, '')),
  ...over,
});

describeEachStore('store', ({ place, fresh }) => {
  test('lineage survives closing and reopening the database, oldest first, signatures intact', async () => {
    const here = await place();
    const first = await here.open();
    await first.saveResult(rec('m1', null));
    await first.saveResult(rec('m2', 'm1'));
    await first.saveResult(rec('m3', 'm2'));
    await first.close();

    const again = await here.open();
    const chain = await again.lineage('m3');
    expect(chain.map((r) => r.messageId)).toEqual(['m1', 'm2', 'm3']);
    expect(chain[2]!.modelParts).toEqual([
      { text: 'Here', thoughtSignature: 'sig-m3' },
      { imageIndex: 0, thoughtSignature: 'img-m3' },
    ]);
    expect((await again.latestInThread('t1'))?.messageId).toBe('m3');
    await again.close();
  });

  test('lineage stops at the depth asked for, keeping the newest turns', async () => {
    const store = await fresh();
    for (let i = 1; i <= 12; i++) await store.saveResult(rec(`m${i}`, i > 1 ? `m${i - 1}` : null));
    expect((await store.lineage('m12', 4)).map((r) => r.messageId)).toEqual(['m9', 'm10', 'm11', 'm12']);
  });

  test('a cycle in the parent links cannot loop forever', async () => {
    const store = await fresh();
    await store.saveResult(rec('m1', 'm2'));
    await store.saveResult(rec('m2', 'm1'));
    expect((await store.lineage('m2')).length).toBe(2);
  });

  test('unknown messages have no record and no lineage', async () => {
    const store = await fresh();
    expect(await store.getResult('nope')).toBeUndefined();
    expect(await store.lineage('nope')).toEqual([]);
    expect(await store.latestInThread('nope')).toBeUndefined();
  });

  test('usage adds up per user and per day', async () => {
    const store = await fresh();
    expect(await store.addUsage('u1', '2026-11-23', 1)).toBe(1);
    expect(await store.addUsage('u1', '2026-11-23', 2)).toBe(3);
    await store.addUsage('u2', '2026-11-23', 5);
    await store.addUsage('u1', '2026-11-24', 1);
    expect(await store.usage('u1', '2026-11-23')).toBe(3);
    expect(await store.usage('u2', '2026-11-23')).toBe(5);
    expect(await store.usage('u1', '2026-11-24')).toBe(1);
    expect(await store.usage('u3', '2026-11-23')).toBe(0);
  });

  test('reserving the last picture of the day succeeds once, however the calls race', async () => {
    const store = await fresh();
    await store.addUsage('u1', '2026-11-23', 4);
    const answers = await Promise.all([1, 2, 3].map(() => store.reserveUsage('u1', '2026-11-23', 5)));
    expect(answers.filter(Boolean)).toHaveLength(1);
    expect(await store.usage('u1', '2026-11-23')).toBe(5);
    // 0 is no limit.
    expect(await store.reserveUsage('u1', '2026-11-23', 0)).toBe(true);
    expect(await store.usage('u1', '2026-11-23')).toBe(6);
  });
});
