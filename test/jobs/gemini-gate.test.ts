import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import { createGeminiGate } from '../../src/jobs/gemini-gate.js';

const log = pino({ level: 'silent' });

describe('Gemini gate (in-process)', () => {
  test('spaces starts so no window holds more than its share of GEMINI_RPM', async () => {
    const gate = createGeminiGate({ rpm: 600, concurrency: 10, log });
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 11 }, () => gate.schedule(async () => void starts.push(Date.now()))),
    );
    // 600 per minute is one start per 100 ms, spaced 101 ms by the gate. A single start can run a few
    // ms late under load (event-loop hops), so the property that keeps a sliding window within the
    // quota is about runs of starts: any five consecutive gaps span at least 500 ms, less jitter
    // (a late start followed by an on-time one shortens a run by up to the lateness: 13 ms seen on
    // a loaded two-core machine; a gate that did not space starts would span about 0 ms).
    for (let i = 5; i < starts.length; i++) expect(starts[i]! - starts[i - 5]!).toBeGreaterThanOrEqual(460);
    expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(1000);
    await gate.stop();
  });

  test('never runs more than GEMINI_CONCURRENCY calls at once', async () => {
    const gate = createGeminiGate({ rpm: 60_000, concurrency: 2, log });
    let running = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        gate.schedule(async () => {
          most = Math.max(most, ++running);
          await new Promise((r) => setTimeout(r, 20));
          running--;
        }),
      ),
    );
    expect(most).toBe(2);
    await gate.stop();
  });

  test('after a 429 back-off nobody starts until it is over, not only the job that was refused', async () => {
    const gate = createGeminiGate({ rpm: 60_000, concurrency: 4, log });
    const t0 = Date.now();
    gate.backOff(300);
    const starts = await Promise.all([1, 2, 3].map(() => gate.schedule(async () => Date.now() - t0)));
    for (const s of starts) expect(s).toBeGreaterThanOrEqual(295);
    await gate.stop();
  });
});
