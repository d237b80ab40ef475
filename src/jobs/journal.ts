import { randomBytes } from 'node:crypto';
import type { HistoryTurn } from '../core/conversation.js';
import type { JobJournalStore, JournalEntry, JournalState } from '../core/journal.js';
import type { InputRef, InputSource, JobRequest, TargetRef } from '../core/job.js';
import { LogEvent } from '../log-events.js';
import type { Logger } from '../logger.js';
import type { SpendHold } from './budgets.js';
import type { DailyReservation } from './user-limits.js';

/** An input as the journal keeps it: no function, only where to find it again. */
export interface JournaledInput {
  readonly filename: string;
  readonly declaredSize?: number | undefined;
  readonly ref: InputRef;
}

/** A JobRequest as JSON can hold it. */
export type JournaledRequest = Omit<JobRequest, 'inputs' | 'refine'> & {
  readonly inputs: readonly JournaledInput[];
  readonly refine?:
    | {
        readonly parentMessageId: string;
        readonly previous: JournaledInput;
        readonly history: readonly HistoryTurn[];
      }
    | undefined;
};

/** Everything a process needs to run a job it did not admit and answer its member: the journal's payload. */
export interface JournaledJob {
  readonly version: 1;
  readonly request: JournaledRequest;
  readonly target: TargetRef;
  /** The picture counted at admission, settled by whoever finishes the job. */
  readonly reservation: DailyReservation;
  /** The spend held at admission (when budgets are kept), settled by whoever finishes the job. */
  readonly hold?: SpendHold | undefined;
}

const journaledInput = (source: InputSource): JournaledInput | undefined =>
  source.ref && {
    filename: source.filename,
    ...(source.declaredSize !== undefined ? { declaredSize: source.declaredSize } : {}),
    ref: source.ref,
  };

/** The request as the journal keeps it, or undefined when an input cannot be found again. */
export function journaledRequest(request: JobRequest): JournaledRequest | undefined {
  const inputs = request.inputs.map(journaledInput);
  if (inputs.some((i) => i === undefined)) return undefined;
  let refine: JournaledRequest['refine'];
  if (request.refine) {
    const previous = journaledInput(request.refine.previous);
    if (!previous) return undefined;
    refine = { parentMessageId: request.refine.parentMessageId, previous, history: request.refine.history };
  }
  return { ...request, inputs: inputs as JournaledInput[], refine };
}

/** The payload back as a request, its inputs found again by `find` (the Discord side knows how). */
export function requestFromJournal(
  request: JournaledRequest,
  find: (input: JournaledInput) => InputSource,
): JobRequest {
  return {
    ...request,
    inputs: request.inputs.map(find),
    refine: request.refine && { ...request.refine, previous: find(request.refine.previous) },
  };
}

export function parseJournaledJob(payload: string): JournaledJob {
  const job = JSON.parse(payload) as Partial<JournaledJob>;
  if (job.version !== 1 || !job.request || !job.target || !job.reservation) {
    throw new Error('not a journaled job this version can run');
  }
  return job as JournaledJob;
}

export interface JournalOptions {
  readonly leaseMs: number;
  readonly log: Logger;
  /** How long a job waits for a journal write before it goes on without (the write goes on). */
  readonly waitMs?: number;
  readonly now?: () => number;
  readonly owner?: string;
}

/**
 * This process's side of the job journal: writes a job down when it is admitted, moves it on as it
 * runs, crosses it out when it ends, keeps this process's lease alive, and takes over the jobs of
 * processes whose lease has run out. A journal write never holds a job up for more than `waitMs`
 * and never fails it: with the database away, jobs go on (the write is retried behind them), and
 * only their crash-safety waits for the database.
 */
export class JobJournal {
  readonly owner: string;
  /** Jobs this process runs: a takeover answers them too, and they are not run twice. */
  private readonly held = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly waitMs: number;
  private readonly now: () => number;

  constructor(
    private readonly store: JobJournalStore,
    private readonly opts: JournalOptions,
  ) {
    this.owner = opts.owner ?? `${process.pid}-${randomBytes(6).toString('hex')}`;
    this.waitMs = opts.waitMs ?? 2000;
    this.now = opts.now ?? Date.now;
  }

  /** Takes the lease and renews it every third of its length until stop(). */
  async start(): Promise<void> {
    await this.renew();
    this.timer = setInterval(
      () => {
        // Fire and forget: a failed renewal is logged; the next one tries again.
        this.renew().catch((err: unknown) =>
          this.opts.log.warn({ err }, 'could not renew the job journal lease'),
        );
      },
      Math.max(250, Math.floor(this.opts.leaseMs / 3)),
    );
    this.timer.unref();
  }

  private renew(): Promise<void> {
    return this.store.journalRenew(this.owner, this.now() + this.opts.leaseMs);
  }

  /** Writes an admitted job down; resolves to whether it was written in time (the job goes on either way). */
  async record(jobId: string, job: JournaledJob, createdAt: number, log: Logger): Promise<boolean> {
    this.held.add(jobId);
    const write = this.store.journalAdd({
      jobId,
      owner: this.owner,
      payload: JSON.stringify(job),
      createdAt,
    });
    return this.bounded(
      write,
      log,
      'could not write the job to the journal; it runs, but would not survive a crash',
    );
  }

  /** Moves a job on; waits for the write at most waitMs. */
  async mark(
    jobId: string,
    state: Exclude<JournalState, 'queued'>,
    attempts: number,
    log: Logger,
  ): Promise<void> {
    if (!this.held.has(jobId)) return;
    await this.bounded(
      this.store.journalMark(jobId, state, attempts),
      log,
      `could not mark the job ${state} in the journal`,
    );
  }

  /** Crosses a job out: fire and forget, retried by the store; a failure is logged. */
  done(jobId: string, log: Logger): void {
    if (!this.held.delete(jobId)) return;
    this.store
      .journalDone(jobId)
      .catch((err: unknown) =>
        log.error(
          { err, event: LogEvent.storeWriteLost },
          'could not cross the finished job out of the journal',
        ),
      );
  }

  /** The entries of processes that are gone, now this process's; jobs it already runs are left out. */
  async takeOver(): Promise<JournalEntry[]> {
    // Renewed first: a process taking over must itself be alive by the lease, or another could take the same entries from it.
    await this.renew();
    const entries = (await this.store.journalTakeOver(this.owner, this.now())).filter(
      (e) => !this.held.has(e.jobId),
    );
    for (const e of entries) this.held.add(e.jobId);
    return entries;
  }

  /** Stops renewing and gives up the lease (every job has ended by then). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.store
      .journalRelease(this.owner)
      .catch((err: unknown) =>
        this.opts.log.warn({ err }, 'could not release the job journal lease; it runs out by itself'),
      );
  }

  private async bounded(write: Promise<void>, log: Logger, problem: string): Promise<boolean> {
    const logged = write.then(
      () => true,
      (err: unknown) => {
        log.error({ err, event: LogEvent.storeWriteLost }, problem);
        return false;
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), this.waitMs)));
    try {
      return await Promise.race([logged, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}
