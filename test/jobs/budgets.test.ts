import { pino } from 'pino';
import { inEnglish, said } from '../support/said.js';
import { afterEach, describe, expect, test } from 'vitest';
import { LogEvent } from '../../src/log-events.js';
import { BOT_SCOPE, guildScope, SpendBudgets } from '../../src/jobs/budgets.js';
import { memoryLimitBackend } from '../../src/jobs/limit-backend.js';
import { openStore, type Store } from '../../src/store/store.js';

const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

function setup(botDailyUsd: number, at = Date.UTC(2026, 11, 3, 12)) {
  const store = openStore(':memory:');
  stores.push(store);
  const lines: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'info' },
    { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) },
  );
  const clock = { now: at };
  const budgets = new SpendBudgets({
    backend: memoryLimitBackend(store),
    botDailyUsd,
    log,
    now: () => clock.now,
  });
  return { store, budgets, clock, lines };
}

describe('daily spending budgets', () => {
  test('a job reserves its catalogue price and settles at its estimated cost', async () => {
    const { budgets } = setup(1);
    const admission = await budgets.reserve('g1', undefined, 0.134);
    expect(admission.ok).toBe(true);
    expect(await budgets.spentToday(BOT_SCOPE)).toBe(134_000);
    expect(await budgets.spentToday(guildScope('g1'))).toBe(134_000);
    if (!admission.ok) return;
    await budgets.settle(admission.hold, 0.148);
    expect(await budgets.spentToday(BOT_SCOPE)).toBe(148_000);
    expect(await budgets.spentToday(guildScope('g1'))).toBe(148_000);
  });

  test('a job that never reached Gemini gives its reservation back', async () => {
    const { budgets } = setup(1);
    const admission = await budgets.reserve('g1', 0.5, 0.067);
    if (!admission.ok) throw new Error('refused');
    await budgets.settle(admission.hold, 0);
    expect(await budgets.spentToday(BOT_SCOPE)).toBe(0);
  });

  test('the server’s budget refuses with the reset time at midnight UTC; the bot’s is untouched', async () => {
    const { budgets } = setup(0);
    expect((await budgets.reserve('g1', 0.1, 0.067)).ok).toBe(true);
    const refused = await budgets.reserve('g1', 0.1, 0.067);
    expect(inEnglish(refused)).toEqual({
      ok: false,
      message: `This server’s picture budget for today is spent, so I did not start this one. New pictures can be made <t:${Date.UTC(2026, 11, 4) / 1000}:R>.`,
    });
    expect(await budgets.spentToday(BOT_SCOPE)).toBe(67_000);
    // Another server is not held back by this one's budget.
    expect((await budgets.reserve('g2', 0.1, 0.067)).ok).toBe(true);
  });

  test('the bot’s budget refuses every server, and the operator is told once a day', async () => {
    const { budgets, lines, clock } = setup(0.1);
    expect((await budgets.reserve('g1', undefined, 0.067)).ok).toBe(true);
    const refused = await budgets.reserve('g2', undefined, 0.067);
    expect(refused.ok || said(refused.message)).toMatch(/Today’s picture budget for this bot is spent/);
    await budgets.reserve('g3', undefined, 0.067);
    expect(lines.filter((l) => l.event === LogEvent.budgetSpent)).toEqual([
      expect.objectContaining({ scope: 'bot', day: '2026-12-03', limitUsd: 0.1 }),
    ]);
    // At midnight UTC the budget starts again.
    clock.now = Date.UTC(2026, 11, 4, 0, 0, 1);
    expect((await budgets.reserve('g2', undefined, 0.067)).ok).toBe(true);
  });

  test('two jobs racing for the last cent: exactly one gets it', async () => {
    const { budgets } = setup(0.2);
    expect((await budgets.reserve('g1', undefined, 0.134)).ok).toBe(true);
    const [a, b] = await Promise.all([
      budgets.reserve('g1', undefined, 0.066),
      budgets.reserve('g2', undefined, 0.066),
    ]);
    expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
    expect(await budgets.spentToday(BOT_SCOPE)).toBe(200_000);
  });

  test('a job that fits neither budget changes neither', async () => {
    const { budgets } = setup(1);
    expect((await budgets.reserve('g1', 0.05, 0.067)).ok).toBe(false);
    expect(await budgets.spentToday(BOT_SCOPE)).toBe(0);
    expect(await budgets.spentToday(guildScope('g1'))).toBe(0);
  });
});
