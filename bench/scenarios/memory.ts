import { performance } from 'node:perf_hooks';
import type { ScenarioReport } from '../report.js';
import { formatBytes, formatMs, median } from '../stats.js';
import { benchUsers, countBy, waitForFinishedJobs } from '../support/bot-logs.js';
import { eightMegabyteInputs } from '../support/inputs.js';
import { MemorySampler, readProcessMemory } from '../support/memory.js';
import { forgetAnsweredGeminiRequests, withWorld } from '../support/worlds.js';

const JOBS = 100;
const USERS = 10;
const LATENCY_MS = 300;
const TARGET_BYTES = 300 * 1024 * 1024;

/** Scenario 4: peak RSS of the bot with 100 /edit jobs of 3 x 8 MB inputs queued at once. */
export async function memoryScenario(): Promise<ScenarioReport> {
  const inputs = await eightMegabyteInputs();
  const [a, b, c] = inputs.map((i) => ({ filename: i.filename, data: i.data, contentType: i.contentType }));
  const env = { GEMINI_CONCURRENCY: '2', MAX_QUEUE: '1000', USER_RPM: '1000' };
  return withWorld({ env }, async (world) => {
    world.gemini.setDefault({ kind: 'image', latencyMs: LATENCY_MS });
    await world.gemini.warmUp([{ model: 'gemini-2.5-flash-image' }]);
    const pid = world.bot.child.pid!;
    const idle = readProcessMemory(pid);
    const sampler = new MemorySampler(pid, 50).start();
    const trimmer = setInterval(() => forgetAnsweredGeminiRequests(world.gemini), 500);
    const started = performance.now();
    const users = benchUsers(USERS);
    try {
      for (let i = 0; i < JOBS; i++) {
        await world.discord.dispatchCommand(
          'edit',
          { prompt: `memory ${i}`, image: a!, image2: b!, image3: c! },
          { user: users[i % USERS]! },
        );
      }
      const dispatchedMs = performance.now() - started;
      const finished = await waitForFinishedJobs([world.bot], JOBS, 240_000);
      const elapsedMs = performance.now() - started;
      const last = sampler.stop();
      const peak = Math.max(sampler.peakRss, last?.hwm ?? 0);
      const gaps = sampler.samples.slice(1).map((s, i) => s.at - sampler.samples[i]!.at);
      return {
        title: '4. Memory: 100 queued /edit jobs with 3 x 8 MB inputs',
        method: `${JOBS} /edit jobs (each with the same three ~8 MiB noise images) dispatched at once from ${USERS} users; GEMINI_CONCURRENCY=2, Gemini emulator latency ${LATENCY_MS} ms; the bot's /proc/<pid>/status VmRSS sampled every 50 ms from before the first dispatch until every job finished, and VmHWM (the kernel's peak) read at the end.`,
        tables: [
          {
            headers: ['Figure', 'Value', 'Target'],
            rows: [
              ['RSS idle (before the jobs)', formatBytes(idle?.rss ?? Number.NaN), '—'],
              [
                'Peak RSS (max of VmHWM and the samples)',
                formatBytes(peak),
                `< ${formatBytes(TARGET_BYTES)}: ${peak < TARGET_BYTES ? 'met' : 'NOT met'}`,
              ],
              ['Peak RSS seen in the 50 ms samples', formatBytes(sampler.peakRss), '—'],
              ['Median RSS over the run', formatBytes(median(sampler.samples.map((s) => s.rss))), '—'],
              ['RSS after the last job', formatBytes(last?.rss ?? Number.NaN), '—'],
              [
                'Jobs by result',
                Object.entries(countBy(finished, (f) => f.result))
                  .map(([k, v]) => `${k} ${v}`)
                  .join(', '),
                '—',
              ],
              [
                'Time to dispatch all / to finish all',
                `${formatMs(dispatchedMs)} / ${formatMs(elapsedMs)}`,
                '—',
              ],
              ['Samples (median gap)', `${sampler.samples.length} (${formatMs(median(gaps))})`, '—'],
            ],
          },
        ],
        notes: [
          'VmHWM is the peak since the bot process started (a fresh process for this scenario), so it also covers start-up and any moment between two samples.',
        ],
      };
    } finally {
      sampler.stop();
      clearInterval(trimmer);
    }
  });
}
