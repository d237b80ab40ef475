import { expect, test } from 'vitest';
import { describeEachStore } from './contract.js';

const entry = (jobId: string, owner: string, createdAt = 1000) => ({
  jobId,
  owner,
  payload: JSON.stringify({ job: jobId }),
  createdAt,
});

describeEachStore('job journal', ({ place, fresh }) => {
  test('an entry starts queued, moves on with its attempts, survives a reopen, and goes when done', async () => {
    const here = await place();
    const store = await here.open();
    await store.journalAdd(entry('j1', 'a'));
    await store.journalAdd(entry('j2', 'a', 2000));
    await store.journalMark('j1', 'running', 1);
    // A retried write names the same count: the attempt is not counted twice.
    await store.journalMark('j1', 'running', 1);
    await store.journalDone('j2');
    await store.close();

    const again = await here.open();
    // No lease for owner a: its entries are anyone's.
    expect(await again.journalTakeOver('b', 5000)).toEqual([
      { ...entry('j1', 'b'), state: 'running', attempts: 1 },
    ]);
  });

  test('a live lease keeps its entries; once it has run out, they are taken over, once', async () => {
    const store = await fresh();
    await store.journalRenew('a', 10_000);
    await store.journalAdd(entry('j1', 'a'));
    await store.journalAdd(entry('j2', 'a', 1500));
    await store.journalRenew('b', 10_000);
    expect(await store.journalTakeOver('b', 9_000)).toEqual([]);

    await store.journalRenew('c', 20_000);
    await store.journalRenew('b', 20_000);
    const [byB, byC] = await Promise.all([
      store.journalTakeOver('b', 10_001),
      store.journalTakeOver('c', 10_001),
    ]);
    const taken = [...byB, ...byC].map((e) => e.jobId).sort();
    expect(taken).toEqual(['j1', 'j2']);
    // Nobody got an entry the other got, and each has it as its own.
    expect(byB.length === 0 || byC.length === 0).toBe(true);
    const winner = byB.length > 0 ? 'b' : 'c';
    expect([...byB, ...byC].every((e) => e.owner === winner)).toBe(true);
  });

  test('taking over again answers the entries already held, so a lost answer loses no job', async () => {
    const store = await fresh();
    await store.journalAdd(entry('j1', 'gone'));
    await store.journalRenew('b', 10_000);
    expect((await store.journalTakeOver('b', 5000)).map((e) => e.jobId)).toEqual(['j1']);
    expect((await store.journalTakeOver('b', 5000)).map((e) => e.jobId)).toEqual(['j1']);
  });

  test('a released lease leaves nothing behind, and a second add of one id changes nothing', async () => {
    const store = await fresh();
    await store.journalRenew('a', 10_000);
    await store.journalAdd(entry('j1', 'a'));
    await store.journalAdd({ ...entry('j1', 'other'), payload: 'changed' });
    await store.journalDone('j1');
    await store.journalRelease('a');
    expect(await store.journalTakeOver('b', 5000)).toEqual([]);
  });
});

describeEachStore('job journal, written by its owner only', ({ fresh }) => {
  test('a mark, an update or a crossing-out by a process that lost the entry changes nothing, and says so', async () => {
    const store = await fresh();
    await store.journalAdd(entry('j1', 'a'));
    await store.journalRenew('b', 10_000);
    // a's lease is gone (it never had one here): b takes j1 over.
    expect((await store.journalTakeOver('b', 5000)).map((e) => e.jobId)).toEqual(['j1']);

    expect(await store.journalMark('j1', 'delivering', 1, 'a')).toBe(false);
    expect(await store.journalUpdate('j1', 'a', 'from a')).toBe(false);
    await store.journalDone('j1', 'a');
    expect(await store.journalTakeOver('b', 5000)).toEqual([
      { ...entry('j1', 'b'), state: 'queued', attempts: 0 },
    ]);

    expect(await store.journalMark('j1', 'delivering', 1, 'b')).toBe(true);
    // Sent again (a lost answer), the same mark gives the same answer.
    expect(await store.journalMark('j1', 'delivering', 1, 'b')).toBe(true);
    expect(await store.journalUpdate('j1', 'b', 'from b')).toBe(true);
    expect(await store.journalTakeOver('b', 5000)).toEqual([
      { ...entry('j1', 'b'), payload: 'from b', state: 'delivering', attempts: 1 },
    ]);
    await store.journalDone('j1', 'b');
    expect(await store.journalTakeOver('b', 5000)).toEqual([]);
    // An entry that is not there is no one's.
    expect(await store.journalMark('j1', 'running', 1, 'b')).toBe(false);
  });
});
