import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { redisKeyPrefix } from '../../src/jobs/limit-backend.js';
import { LogEvent } from '../../src/log-events.js';
import type { BotProcess } from '../../test/emulators/bot-process.js';
import type {
  DiscordEmulator,
  InteractionHandle,
  MessageRecord,
} from '../../src/playground/discord/index.js';
import { DEFAULT_DATABASE_URL, ownDatabase, type OwnDatabase } from '../../test/support/postgres.js';
import { DEFAULT_REDIS_URL, deleteOwnKeys } from '../../test/support/redis.js';
import type { ScenarioReport, Table } from '../report.js';
import { formatBytes, formatMs, formatRatio, median, percentile } from '../stats.js';
import { benchUsers, countBy, waitForFinishedJobs } from '../support/bot-logs.js';
import { MemorySampler, readMachineBusyMs, readProcessCpuMs } from '../support/memory.js';
import { withWorld } from '../support/worlds.js';

const REDIS_URL = process.env.REDIS_URL || DEFAULT_REDIS_URL;
const DATABASE_URL = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const PROCESSES = 4;
// The figures are 2000 jobs at 6000/min. SCALE_JOBS and SCALE_RPM scale the run down to what
// a small machine can serve (all emulators run in this one process); members scale too (10 jobs each).
const JOBS = Number(process.env.SCALE_JOBS ?? 2000);
const MEMBERS = Math.max(PROCESSES, Math.round(JOBS / 10));
const RPM = Number(process.env.SCALE_RPM ?? 6000);
const LATENCY_MS = 300;
// Bottleneck's maxConcurrent is shared by the cluster: at RPM/60 starts a second, each holding a
// slot for the 300 ms answer and the stream, 16 would cap 6000/min at ~50 calls a second. Twice the
// calls in flight at the quota leaves room for a loaded machine's slower reads.
const CONCURRENCY = Math.min(100, Math.max(16, Math.ceil((RPM / 60) * (LATENCY_MS / 1000) * 2)));
const THEORETICAL_MS = (JOBS / RPM) * 60_000;
const CRASH_JOBS = 50;
/** The bots' nice value while the emulators (and this driver) keep the default 0. */
const BOT_NICENESS = 10;
const CRASH_LEASE_MS = 5000;

const SCALE_ENV = {
  GEMINI_RPM: String(RPM),
  GEMINI_CONCURRENCY: String(CONCURRENCY),
  GEMINI_MAX_ATTEMPTS: '4',
  USER_RPM: '1000',
  MAX_QUEUE: '5000',
  LOG_LEVEL: 'info',
};

/** Scenario 7: four processes sharing Redis and PostgreSQL; then kill -9 with 50 jobs queued. */
export async function scaleScenario(): Promise<ScenarioReport> {
  const tables: Table[] = [];
  const notes: string[] = [];
  const errors: string[] = [];
  try {
    tables.push(await fourProcesses(notes));
  } catch (err) {
    errors.push(`four processes: ${message(err)}`);
  }
  try {
    tables.push(await crashRecovery());
  } catch (err) {
    errors.push(`crash recovery: ${message(err)}`);
  }
  return {
    title: `7. Scale: ${PROCESSES} processes on Redis and PostgreSQL; crash recovery`,
    method: `${JOBS} /imagine jobs from ${MEMBERS} members dispatched at once over ${PROCESSES} bot processes (each its own emulated Discord, as shards; the bots at nice ${BOT_NICENESS}, the emulators at 0; one Gemini emulator enforcing ${RPM}/min and answering in ${LATENCY_MS} ms; GEMINI_CONCURRENCY=${CONCURRENCY}; one Redis for quota and limits; one PostgreSQL database for the store and the journal); completion = first dispatch -> last job.finished; theoretical minimum = ${JOBS} at ${RPM}/min = ${formatMs(THEORETICAL_MS)}; store writes = rows inserted, updated and deleted in the run's database (pg_stat_user_tables) per job. Crash recovery: one process on PostgreSQL with GEMINI_CONCURRENCY=4 and Gemini answering in 60 s, ${CRASH_JOBS} jobs admitted, kill -9, Gemini made fast, a new process started (JOURNAL_LEASE_MS=${CRASH_LEASE_MS}, so it waits up to that for the dead process's lease); time = new process started -> last picture in its original reply.`,
    tables,
    notes,
    ...(errors.length > 0 ? { error: errors.join('; ') } : {}),
  };
}

async function fourProcesses(notes: string[]): Promise<Table> {
  const db = await ownDatabase(DATABASE_URL);
  let apiKey: string | undefined;
  try {
    return await withWorld(
      { env: { ...SCALE_ENV, REDIS_URL, DATABASE_URL: db.url }, gemini: { quotaRpm: RPM } },
      async (world, extras) => {
        apiKey = world.secrets.apiKey;
        world.gemini.setDefault({ kind: 'image', latencyMs: LATENCY_MS });
        await world.gemini.warmUp([{ model: 'gemini-3.1-flash-image' }]);
        const shards: { discord: DiscordEmulator; bot: BotProcess }[] = [world];
        for (let i = 1; i < PROCESSES; i++) shards.push(await extras.startWithOwnDiscord(world.env));
        // The emulators stand in for Discord's and Google's servers, which never share the bots'
        // CPU: the bots run at a lower priority, so that a saturated machine slows the bots and
        // not the services they are measured against (acknowledgements timed by the emulator).
        for (const s of shards) setPriority(s.bot.child.pid!, BOT_NICENESS);
        const samplers = shards.map((s) => new MemorySampler(s.bot.child.pid!, 200).start());
        const writesBefore = await storeWrites(db);
        const requestsBefore = shards.map((s) => s.discord.requests.length);
        // CPU of each bot and of this process (every emulator and the driver), over the run only.
        const pids = [...shards.map((s) => s.bot.child.pid!), process.pid];
        const cpuBefore = pids.map((pid) => readProcessCpuMs(pid) ?? Number.NaN);
        const machineBefore = readMachineBusyMs() ?? Number.NaN;
        const started = Date.now();
        const since = performance.now();
        const perShard = MEMBERS / PROCESSES;
        const users = shards.map((_, i) => benchUsers(perShard, i * perShard));
        const handles: InteractionHandle[] = [];
        for (let i = 0; i < JOBS; i++) {
          const shard = i % PROCESSES;
          const user = users[shard]![Math.floor(i / PROCESSES) % perShard]!;
          handles.push(
            await shards[shard]!.discord.dispatchCommand('imagine', { prompt: `scale job ${i}` }, { user }),
          );
        }
        const dispatchMs = performance.now() - since;
        const finished = await waitForFinishedJobs(
          shards.map((s) => s.bot),
          JOBS,
          THEORETICAL_MS * 10 + 120_000,
        ).catch((err: unknown) => {
          // What the bots said is the only account of a run that stalled: kept for reading.
          const dir = mkdtempSync(join(tmpdir(), 'bench-scale-'));
          shards.forEach((s, i) => writeFileSync(join(dir, `bot-${i}.log`), s.bot.output()));
          throw new Error(`${message(err)} (the bots' logs are in ${dir})`);
        });
        const completionMs = Math.max(...finished.map((f) => f.time)) - started;
        const cpuMs = pids.map((pid, i) => (readProcessCpuMs(pid) ?? Number.NaN) - cpuBefore[i]!);
        const machineMs = (readMachineBusyMs() ?? Number.NaN) - machineBefore;
        const load = loadavg().map((l) => l.toFixed(1));
        const peaks = samplers.map((s) => Math.max(s.peakRss, s.stop()?.hwm ?? 0));
        // PostgreSQL counts a transaction's rows when it ends, and reports them within a second or so.
        await new Promise((r) => setTimeout(r, 1500));
        const writes = (await storeWrites(db)) - writesBefore;
        const requests = shards.flatMap((s, i) => s.discord.requests.slice(requestsBefore[i]));
        const restCalls = requests.filter((r) => !r.path.startsWith('/attachments'));
        const progressEdits = restCalls.filter((r) => r.method === 'PATCH' && r.files.length === 0).length;
        const resultEdits = restCalls.filter((r) => r.method === 'PATCH' && r.files.length > 0).length;
        const emulatorCpuMs = cpuMs.pop()!;
        const botsMs = cpuMs.reduce((a, b) => a + b, 0);
        const restMs = machineMs - botsMs - emulatorCpuMs;
        // Discord refuses an interaction's first answer after 3 s; the job then answers in the channel.
        const answered = handles.map((h) => h.state().callbacks[0]);
        const late = answered.filter((c) => !c || c.status >= 400).length;
        const ackMs = answered
          .map((c, i) => (c ? c.at - handles[i]!.state().createdAt : Number.NaN))
          .filter(Number.isFinite);
        notes.push(
          `Dispatching the ${JOBS} commands took ${formatMs(dispatchMs)} of the completion time (one emulator process sends every interaction).`,
          `Discord REST calls: ${(restCalls.length / JOBS).toFixed(2)} a job (progress edits ${(progressEdits / JOBS).toFixed(2)}, result edits ${(resultEdits / JOBS).toFixed(2)}, other ${((restCalls.length - progressEdits - resultEdits) / JOBS).toFixed(2)}).`,
          `CPU from the first dispatch to the last job (user + system, all threads): bots ${cpuMs.map((ms) => formatMs(ms)).join(' / ')}, ${formatMs(botsMs / JOBS)} a job between them; the emulators and the driver (one process) ${formatMs(emulatorCpuMs)}, ${formatMs(emulatorCpuMs / JOBS)} a job; the whole machine was busy ${formatMs(machineMs)} (${formatMs(machineMs / JOBS)} a job, ${(machineMs / completionMs).toFixed(2)} of its ${cpus().length} cores on average), which leaves ${formatMs(restMs)} (${formatMs(restMs / JOBS)} a job) to PostgreSQL, Redis and the kernel. Load average at the end ${load.join(' / ')} on ${cpus().length} cores.`,
        );
        return {
          caption: `${PROCESSES} processes, ${JOBS} jobs from ${MEMBERS} members at GEMINI_RPM=${RPM}`,
          headers: [
            'Completion',
            'Theoretical minimum',
            'Ratio (target <= 1.05)',
            '429s (target 0)',
            'Gemini requests',
            'Jobs by result',
            'Peak RSS per process',
            'Store writes per job',
            'Interactions acknowledged too late (target 0)',
          ],
          rows: [
            [
              formatMs(completionMs),
              formatMs(THEORETICAL_MS),
              formatRatio(completionMs / THEORETICAL_MS),
              String(world.gemini.stats.rejected429),
              String(world.gemini.stats.received),
              Object.entries(countBy(finished, (f) => f.result))
                .map(([k, v]) => `${k} ${v}`)
                .join(', '),
              peaks.map(formatBytes).join(' / '),
              (writes / JOBS).toFixed(2),
              `${late} (acknowledged in ${formatMs(median(ackMs))} median, ${formatMs(percentile(ackMs, 90))} p90)`,
            ],
          ],
        };
      },
    );
  } finally {
    if (apiKey) await deleteOwnKeys(REDIS_URL, redisKeyPrefix(apiKey)).catch(() => undefined);
    await db.drop().catch(() => undefined);
  }
}

async function crashRecovery(): Promise<Table> {
  const db: OwnDatabase = await ownDatabase(DATABASE_URL);
  try {
    return await withWorld(
      {
        env: {
          DATABASE_URL: db.url,
          GEMINI_CONCURRENCY: '4',
          JOURNAL_LEASE_MS: String(CRASH_LEASE_MS),
          GEMINI_MAX_ATTEMPTS: '4',
        },
      },
      async (world) => {
        world.gemini.setDefault({ kind: 'image', latencyMs: 60_000 });
        const users = benchUsers(10, 500);
        const handles: InteractionHandle[] = [];
        for (let i = 0; i < CRASH_JOBS; i++) {
          handles.push(
            await world.discord.dispatchCommand(
              'imagine',
              { prompt: `crash job ${i}` },
              { user: users[i % 10]! },
            ),
          );
        }
        const queued = () => world.bot.logs().filter((l) => l.event === LogEvent.jobQueued).length;
        await world.bot.waitForLog(() => queued() === CRASH_JOBS, 60_000);
        await world.gemini.waitForRequests(4, 10_000);
        await world.bot.stop('SIGKILL');
        world.gemini.setDefault({ kind: 'image', latencyMs: LATENCY_MS });
        const restarted = performance.now();
        await world.startBot({ JOURNAL_LEASE_MS: String(CRASH_LEASE_MS) });
        const delivered = await Promise.all(
          handles.map((h) =>
            h
              .waitForOriginal((m) => m.attachments.length > 0, 120_000)
              .then(
                () => performance.now(),
                () => undefined,
              ),
          ),
        );
        const times = delivered.filter((t): t is number => t !== undefined);
        const pictures = (i: number) =>
          world.discord.messages.filter(
            (m: MessageRecord) =>
              m.author.bot && m.attachments.length > 0 && m.content.includes(`crash job ${i}**`),
          ).length;
        const counts = Array.from({ length: CRASH_JOBS }, (_, i) => pictures(i));
        return {
          caption: `kill -9 with ${CRASH_JOBS} jobs admitted (4 at Gemini), then a new process`,
          headers: [
            'Jobs delivered (target 50 of 50)',
            'Duplicates (target 0)',
            'Gemini requests',
            'New process start -> last delivery',
          ],
          rows: [
            [
              `${times.length} of ${CRASH_JOBS}`,
              String(counts.reduce((sum, c) => sum + Math.max(0, c - 1), 0)),
              String(world.gemini.stats.received),
              times.length > 0 ? formatMs(Math.max(...times) - restarted) : 'n/a',
            ],
          ],
        };
      },
    );
  } finally {
    await db.drop().catch(() => undefined);
  }
}

/** Rows inserted, updated and deleted so far in the database's own tables. */
async function storeWrites(db: OwnDatabase): Promise<number> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string | null }>(
      'SELECT SUM(n_tup_ins + n_tup_upd + n_tup_del) AS n FROM pg_stat_user_tables',
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
