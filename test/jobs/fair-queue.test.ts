import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { FairQueue } from '../../src/jobs/fair-queue.js';

describe('FairQueue', () => {
  test('serves users round-robin, each user in their own order', () => {
    const q = new FairQueue<string>();
    for (let i = 1; i <= 3; i++) q.push('alice', `a${i}`);
    q.push('bob', 'b1');
    q.push('carol', 'c1');
    q.push('bob', 'b2');
    const served = [];
    while (q.size) served.push(q.shift());
    expect(served).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
  });

  test('a user with one job waits at most one slot behind a user with fifty', () => {
    const q = new FairQueue<string>();
    for (let i = 0; i < 50; i++) q.push('heavy', `h${i}`);
    q.push('light', 'l0');
    expect(q.projectedOrder().indexOf('l0')).toBe(1);
    q.shift();
    expect(q.shift()).toBe('l0');
  });

  test('a user who arrives after a heavy user was served goes next, not behind another of their jobs', () => {
    const q = new FairQueue<string>();
    for (let i = 0; i < 50; i++) q.push('heavy', `h${i}`);
    expect(q.shift()).toBe('h0');
    q.push('light', 'l0');
    expect(q.projectedOrder()[0]).toBe('l0');
    expect(q.shift()).toBe('l0');
    expect(q.shift()).toBe('h1');
  });

  test('users who keep arriving are interleaved with the heavy user, one turn each per round', () => {
    const q = new FairQueue<string>();
    for (let i = 0; i < 5; i++) q.push('heavy', `h${i}`);
    expect(q.shift()).toBe('h0');
    q.push('a', 'a0');
    expect(q.shift()).toBe('a0');
    q.push('b', 'b0');
    q.push('a', 'a1');
    // b is new in this round; a already had its turn in it, so it waits for the next one.
    expect([q.shift(), q.shift(), q.shift()]).toEqual(['b0', 'h1', 'a1']);
  });

  test('projected order matches the order items are actually served', () => {
    const q = new FairQueue<string>();
    ['a', 'b', 'a', 'c', 'a', 'b'].forEach((u, i) => q.push(u, `${u}${i}`));
    const projected = q.projectedOrder();
    const served = [];
    while (q.size) served.push(q.shift());
    expect(served).toEqual(projected);
  });

  test('projected order matches the served order after any mix of arrivals and starts', () => {
    const op = fc.oneof(fc.constantFrom('a', 'b', 'c', 'd', 'e'), fc.constant(null));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const q = new FairQueue<string>();
        ops.forEach((user, i) => (user === null ? q.shift() : q.push(user, `${user}${i}`)));
        const projected = q.projectedOrder();
        const served = [];
        while (q.size) served.push(q.shift());
        expect(served).toEqual(projected);
      }),
    );
  });

  test('removing an item keeps the rest in order', () => {
    const q = new FairQueue<string>();
    q.push('a', 'a1');
    q.push('b', 'b1');
    q.push('a', 'a2');
    expect(q.remove('b1')).toBe(true);
    expect(q.remove('zz')).toBe(false);
    expect(q.drain()).toEqual(['a1', 'a2']);
    expect(q.size).toBe(0);
  });
});
