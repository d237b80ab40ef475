/**
 * `npm run bench`: runs every scenario once against the loopback emulators and the compiled bot,
 * prints the tables and writes BENCHMARKS.md. Figures, never pass/fail: it exits 0 even when a
 * scenario fails, and says so in the file.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { machineInfo, renderReport, renderScenario, type ScenarioReport } from './report.js';
import { editScenario } from './scenarios/edit.js';
import { fairnessScenario } from './scenarios/fairness.js';
import { memoryScenario } from './scenarios/memory.js';
import { overheadScenario } from './scenarios/overhead.js';
import { previewsScenario } from './scenarios/previews.js';
import { quotaScenario } from './scenarios/quota.js';
import { scaleScenario } from './scenarios/scale.js';
import { HttpTap } from './support/http-tap.js';

type Scenario = { title: string; run: (tap: HttpTap) => Promise<ScenarioReport> };

const SCENARIOS: readonly Scenario[] = [
  { title: '1. Overhead of /imagine', run: overheadScenario },
  { title: '2. /edit with three 8 MB inputs', run: editScenario },
  { title: '3. Quota use', run: quotaScenario },
  { title: '4. Memory with 100 queued /edit jobs', run: memoryScenario },
  { title: '5. Fairness', run: fairnessScenario },
  { title: '6. Live previews', run: previewsScenario },
  { title: '7. Scale and crash recovery', run: scaleScenario },
];

const OUTPUT = resolve(import.meta.dirname, '../BENCHMARKS.md');

async function main(): Promise<void> {
  const started = performance.now();
  const date = new Date();
  // BENCH_ONLY=1,3 runs a subset while working on the benchmark itself.
  const only = process.env.BENCH_ONLY?.split(',').map((s) => Number(s.trim()));
  const tap = new HttpTap();
  const reports: ScenarioReport[] = [];
  for (const [i, scenario] of SCENARIOS.entries()) {
    if (only && !only.includes(i + 1)) continue;
    console.log(`\n>>> ${scenario.title} ...`);
    const scenarioStarted = performance.now();
    let report: ScenarioReport;
    try {
      report = await scenario.run(tap);
    } catch (err) {
      report = {
        title: scenario.title,
        method: 'not measured',
        tables: [],
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      };
    }
    tap.clear();
    report = { ...report, durationMs: performance.now() - scenarioStarted };
    reports.push(report);
    console.log(`\n${renderScenario(report)}\n`);
  }
  tap.close();
  const markdown = renderReport({
    date,
    machine: machineInfo(),
    totalMs: performance.now() - started,
    scenarios: reports,
  });
  writeFileSync(OUTPUT, markdown);
  console.log(`Wrote ${OUTPUT} in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
}

process.on('unhandledRejection', (err) => console.error('bench: unhandled rejection', err));

main()
  .catch((err: unknown) => console.error('bench: failed', err))
  .finally(() => process.exit(0));
