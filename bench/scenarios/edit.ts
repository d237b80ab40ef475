import { performance } from 'node:perf_hooks';
import type { ScenarioReport } from '../report.js';
import { formatBytes, formatMs, formatRatio, median, p99 } from '../stats.js';
import { runBaselineClient } from '../support/baseline.js';
import { portOf, type HttpTap } from '../support/http-tap.js';
import { eightMegabyteInputs, inputPaths } from '../support/inputs.js';
import { readProcessIo, readProcessMemory } from '../support/memory.js';
import { geminiModelTimes, overhead, runTimedJob, sum, type JobTimeline } from '../support/timeline.js';
import { forgetAnsweredGeminiRequests, withWorld } from '../support/worlds.js';

const LATENCY_MS = 200;
const JOBS = 20;
const WARM_UP = 2;

/** Scenario 2: /edit with three ~8 MB inputs: overhead and the bytes the bot moves per job. */
export async function editScenario(tap: HttpTap): Promise<ScenarioReport> {
  const inputs = await eightMegabyteInputs();
  const inputBytes = sum(inputs.map((i) => i.data.length));
  const options = {
    image: upload(inputs[0]!),
    image2: upload(inputs[1]!),
    image3: upload(inputs[2]!),
  };
  return withWorld({ env: { GEMINI_CONCURRENCY: '1' } }, async (world) => {
    world.gemini.setDefault({ kind: 'image', latencyMs: LATENCY_MS });
    await world.gemini.warmUp([{ model: 'gemini-3.1-flash-image' }]);
    const pid = world.bot.child.pid!;
    const timelines: JobTimeline[] = [];
    let ioBefore = readProcessIo(pid);
    const rssBefore = readProcessMemory(pid)?.rss ?? Number.NaN;
    for (let i = 0; i < WARM_UP + JOBS; i++) {
      if (i === WARM_UP) ioBefore = readProcessIo(pid);
      const timeline = await runTimedJob(world, tap, 'edit', { prompt: `edit ${i}`, ...options });
      if (timeline.geminiCalls !== 1) throw new Error(`job ${i} made ${timeline.geminiCalls} Gemini calls`);
      if (i >= WARM_UP) timelines.push(timeline);
      forgetAnsweredGeminiRequests(world.gemini);
    }
    const ioAfter = readProcessIo(pid);
    const memoryAfter = readProcessMemory(pid);

    const since = performance.now();
    const durations = await runBaselineClient({
      baseUrl: world.gemini.baseUrl,
      apiKey: world.secrets.apiKey,
      model: 'gemini-3.1-flash-image',
      prompt: 'baseline edit',
      imagePaths: inputPaths().map((path, i) => ({ path, mimeType: inputs[i]!.contentType })),
      calls: WARM_UP + JOBS,
    });
    const modelTimes = geminiModelTimes(tap.on(portOf(world.gemini.baseUrl), since));
    if (modelTimes.length !== durations.length) throw new Error('baseline calls and Gemini requests differ');
    const sdk = durations.map((d, i) => d - modelTimes[i]!).slice(WARM_UP);
    const bot = timelines.map(overhead);

    const perJob = (f: (t: JobTimeline) => number) => median(timelines.map(f));
    const cdnBytes = perJob((t) => t.cdnBytes);
    const geminiBytes = perJob((t) => t.geminiRequestBytes);
    const ioPerJob = (field: 'rchar' | 'wchar') =>
      ioBefore && ioAfter ? (ioAfter[field] - ioBefore[field]) / JOBS : Number.NaN;
    return {
      title: '2. /edit with three 8 MB inputs (sequential jobs)',
      method: `${JOBS} sequential /edit jobs (after ${WARM_UP} warm-ups), each with the same three noise images (${inputs.map((i) => `${i.filename} ${formatBytes(i.data.length)}`).join(', ')}); overhead as in scenario 1 (Gemini emulator latency ${LATENCY_MS} ms, 1 MP answer); bytes from the Discord emulator's CDN answers and the Gemini request bodies, timed and counted with Node's http diagnostics channels; syscall I/O from /proc/<bot pid>/io.`,
      tables: [
        {
          headers: ['Figure', 'Bot', 'Bare SDK baseline', 'Ratio (bot/SDK)'],
          rows: [
            [
              'Overhead p50',
              formatMs(median(bot)),
              formatMs(median(sdk)),
              formatRatio(median(bot) / median(sdk)),
            ],
            ['Overhead p99', formatMs(p99(bot)), formatMs(p99(sdk)), formatRatio(p99(bot) / p99(sdk))],
            [
              'Dispatch -> Gemini request headers (p50; downloads + checks + encoding)',
              formatMs(perJob((t) => t.geminiStartAt - t.dispatchedAt)),
              '—',
              '—',
            ],
            [
              'Gemini request body transfer (p50)',
              formatMs(perJob((t) => t.geminiBodyEndAt - t.geminiStartAt)),
              '—',
              '—',
            ],
          ],
        },
        {
          caption: `Bytes per job (inputs: ${formatBytes(inputBytes)} in all)`,
          headers: ['Figure', 'Per job', 'Relative to the inputs'],
          rows: [
            [
              'Downloaded from the CDN (answers, headers included)',
              formatBytes(cdnBytes),
              formatRatio(cdnBytes / inputBytes),
            ],
            ['CDN requests', String(perJob((t) => t.cdnGets)), '—'],
            [
              'Sent to Gemini (request body)',
              formatBytes(geminiBytes),
              formatRatio(geminiBytes / inputBytes),
            ],
            ['Uploaded to Discord (result edit)', formatBytes(perJob((t) => t.uploadBytes)), '—'],
            [
              'Bot process read() syscalls (rchar)',
              formatBytes(ioPerJob('rchar')),
              formatRatio(ioPerJob('rchar') / inputBytes),
            ],
            [
              'Bot process write() syscalls (wchar)',
              formatBytes(ioPerJob('wchar')),
              formatRatio(ioPerJob('wchar') / inputBytes),
            ],
            [
              'Bot RSS before -> after the jobs',
              `${formatBytes(rssBefore)} -> ${formatBytes(memoryAfter?.rss ?? Number.NaN)} (peak ${formatBytes(memoryAfter?.hwm ?? Number.NaN)})`,
              '—',
            ],
          ],
        },
      ],
      notes: [
        'The Gemini request carries the inputs base64-encoded inside JSON, so ~1.33x the input bytes is the floor for an inline request.',
        'In-memory copies are not counted directly; rchar/wchar count every byte the bot moved through syscalls (sockets, log lines, the SQLite store, and the input images written to and read back from the spool).',
      ],
    };
  });
}

function upload(input: { filename: string; contentType: string; data: Buffer }) {
  return { filename: input.filename, data: input.data, contentType: input.contentType };
}
