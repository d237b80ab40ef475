import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { openStore, type ResultRecord } from '../../src/store/store.js';

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

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('store', () => {
  test('lineage survives closing and reopening the database, oldest first, signatures intact', () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-'));
    dirs.push(dir);
    const first = openStore(dir);
    first.saveResult(rec('m1', null));
    first.saveResult(rec('m2', 'm1'));
    first.saveResult(rec('m3', 'm2'));
    first.close();

    const again = openStore(dir);
    const chain = again.lineage('m3');
    expect(chain.map((r) => r.messageId)).toEqual(['m1', 'm2', 'm3']);
    expect(chain[2]!.modelParts).toEqual([
      { text: 'Here', thoughtSignature: 'sig-m3' },
      { imageIndex: 0, thoughtSignature: 'img-m3' },
    ]);
    expect(again.latestInThread('t1')?.messageId).toBe('m3');
    again.close();
  });

  test('lineage stops at the depth asked for, keeping the newest turns', () => {
    const store = openStore(':memory:');
    for (let i = 1; i <= 12; i++) store.saveResult(rec(`m${i}`, i > 1 ? `m${i - 1}` : null));
    expect(store.lineage('m12', 4).map((r) => r.messageId)).toEqual(['m9', 'm10', 'm11', 'm12']);
  });

  test('a cycle in the parent links cannot loop forever', () => {
    const store = openStore(':memory:');
    store.saveResult(rec('m1', 'm2'));
    store.saveResult(rec('m2', 'm1'));
    expect(store.lineage('m2').length).toBe(2);
  });

  test('unknown messages have no record and no lineage', () => {
    const store = openStore(':memory:');
    expect(store.getResult('nope')).toBeUndefined();
    expect(store.lineage('nope')).toEqual([]);
    expect(store.latestInThread('nope')).toBeUndefined();
  });

  test('usage adds up per user and per day', () => {
    const store = openStore(':memory:');
    expect(store.addUsage('u1', '2026-11-23', 1)).toBe(1);
    expect(store.addUsage('u1', '2026-11-23', 2)).toBe(3);
    store.addUsage('u2', '2026-11-23', 5);
    store.addUsage('u1', '2026-11-24', 1);
    expect(store.usage('u1', '2026-11-23')).toBe(3);
    expect(store.usage('u2', '2026-11-23')).toBe(5);
    expect(store.usage('u1', '2026-11-24')).toBe(1);
    expect(store.usage('u3', '2026-11-23')).toBe(0);
  });
});
