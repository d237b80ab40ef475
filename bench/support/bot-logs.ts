import { LogEvent } from '../../src/log-events.js';
import type { BotProcess, LogLine } from '../../test/emulators/bot-process.js';
import type { FakeUser } from '../../src/playground/discord/index.js';

export interface FinishedJob {
  readonly jobId: string;
  readonly result: string;
  /** pino's `time`: epoch ms on this machine's clock. */
  readonly time: number;
}

export function finishedJobs(bot: BotProcess): FinishedJob[] {
  return bot
    .logs()
    .filter((l: LogLine) => l.event === LogEvent.jobFinished)
    .map((l) => ({ jobId: String(l.jobId), result: String(l.result), time: Number(l.time) }));
}

/** Polls the bots' logs until `count` jobs have finished between them; throws with the tally on timeout. */
export async function waitForFinishedJobs(
  bots: readonly BotProcess[],
  count: number,
  timeoutMs: number,
): Promise<FinishedJob[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const finished = bots.flatMap(finishedJobs);
    if (finished.length >= count) return finished;
    if (Date.now() > deadline) {
      throw new Error(`only ${finished.length} of ${count} jobs finished within ${timeoutMs / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Users beyond the emulator's three named ones; the emulator takes any user an interaction names. */
export function benchUsers(count: number, offset = 0): FakeUser[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `10900000000000${String(20_000 + offset + i)}`,
    username: `bench-user-${offset + i}`,
    globalName: null,
    bot: false,
  }));
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
