import { LogEvent } from '../../src/log-events.js';
import type { ScenarioReport } from '../report.js';
import { formatMs } from '../stats.js';
import { withWorld } from '../support/worlds.js';

const A_JOBS = 50;
const LATENCY_MS = 200;

/** Scenario 5: user A queues 50 jobs, then user B queues one: how many of A's start before B's. */
export async function fairnessScenario(): Promise<ScenarioReport> {
  return withWorld({ env: { GEMINI_CONCURRENCY: '1' } }, async (world) => {
    world.gemini.setDefault({ kind: 'image', latencyMs: LATENCY_MS });
    await world.gemini.warmUp([{ model: 'gemini-3.1-flash-image' }]);
    const { alice, bob } = world.discord.users;
    const queuedBy = (userId: string) =>
      world.bot.logs().filter((l) => l.event === LogEvent.jobQueued && l.userId === userId);

    for (let i = 0; i < A_JOBS; i++) {
      await world.discord.dispatchCommand('imagine', { prompt: `fairness A ${i}` }, { user: alice });
    }
    await waitUntil(() => queuedBy(alice.id).length >= A_JOBS, 20_000, 'A’s jobs to be queued');
    const bPrompt = 'fairness B 0';
    await world.discord.dispatchCommand('imagine', { prompt: bPrompt }, { user: bob });
    await waitUntil(() => queuedBy(bob.id).length >= 1, 10_000, 'B’s job to be queued');
    const bQueuedAt = Number(queuedBy(bob.id)[0]!.time);
    await waitUntil(
      () => world.gemini.requests.some((r) => r.texts.includes(bPrompt)),
      60_000,
      'B’s Gemini request',
    );
    const requests = world.gemini.requests;
    const bRequest = requests.find((r) => r.texts.includes(bPrompt))!;
    const startedBetween = requests.filter((r) => r.at > bQueuedAt && r.seq < bRequest.seq);
    const aStartedBefore = requests.filter((r) => r.seq < bRequest.seq).length;
    const startedBeforeBQueued = requests.filter((r) => r.at <= bQueuedAt).length;
    return {
      title: '5. Fairness: user A queues 50 jobs, then user B queues 1',
      method: `GEMINI_CONCURRENCY=1, Gemini emulator latency ${LATENCY_MS} ms; A's ${A_JOBS} /imagine jobs dispatched and all seen queued (bot log) before B's; B's wait in slots = Gemini requests that arrived after B's job.queued log line and before B's own request (the emulator's arrival order).`,
      tables: [
        {
          headers: ['Figure', 'Value', 'Target'],
          rows: [
            [
              'B’s wait in slots (jobs started between B queued and B started)',
              String(startedBetween.length),
              '≤ 1 (round robin)',
            ],
            ['B’s wait in time (queued -> Gemini request arrived)', formatMs(bRequest.at - bQueuedAt), '—'],
            ['A’s jobs started before B’s, in all', String(aStartedBefore), '—'],
            [
              'A’s jobs started / still waiting when B was queued',
              `${startedBeforeBQueued} / ${A_JOBS - startedBeforeBQueued}`,
              '—',
            ],
          ],
        },
      ],
    };
  });
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
