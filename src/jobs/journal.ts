import { within } from '../core/abort.js';
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
 * Whether a job's result may be posted by this process: `mine` (the journal says it is being
 * posted, by this process), `lost` (another process took it over: it runs it and posts it), or
 * `unjournaled` (it never got into the journal: no other process knows of it).
 */
export type Claim = 'mine' | 'lost' | 'unjournaled';

/** A job this process holds: its journal writes, one after another, and what it last wrote. */
interface Held {
  /** The job's writes run in order: a mark or a crossing-out never lands before the entry itself. */
  chain: Promise<void>;
  /** Whether the entry was written (undefined: not answered yet). */
  added: boolean | undefined;
  payload: string;
  /** Set once the job has ended: it stays held until its entry is crossed out (see done). */
  ended?: true;
}

const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5000;

/**
 * This process's side of the job journal: writes a job down when it is admitted, moves it on as it
 * runs, crosses it out when it ends, keeps this process's lease alive, and takes over the jobs of
 * processes whose lease has run out. A journal write never fails a job, and only the last one
 * before its result is posted (claim) may hold it up for longer than `waitMs`: a result is posted
 * only once the journal says it is this process's to post, so that a process whose lease ran out
 * while the database was away never posts a job another process has taken over.
 */
export class JobJournal {
  readonly owner: string;
  /** Jobs this process runs: a takeover answers them too, and they are not run twice. */
  private readonly held = new Map<string, Held>();
  private timer: NodeJS.Timeout | undefined;
  private readonly waitMs: number;
  private readonly now: () => number;
  /** Until when the lease this process last wrote runs (unset before start: no lease to lose). */
  private leaseUntil: number | undefined;
  private leaseLostSaid = false;
  private stopped = false;
  private readonly renewed = new Set<() => void>();

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
        if (!this.leaseLive() && !this.leaseLostSaid) {
          this.leaseLostSaid = true;
          this.opts.log.warn(
            { event: LogEvent.journalLeaseLost },
            'the job journal lease ran out unrenewed; no new job starts until it is renewed, and results wait for the journal',
          );
        }
      },
      Math.max(250, Math.floor(this.opts.leaseMs / 3)),
    );
    this.timer.unref();
  }

  /**
   * Whether this process's lease still runs by its clock, so no other process can have taken its
   * jobs over. A journal never started has no lease to lose.
   */
  leaseLive(): boolean {
    return this.leaseUntil === undefined || this.now() < this.leaseUntil;
  }

  /** Calls `listener` whenever a renewal lands (a lease that had run out is live again). */
  onRenewed(listener: () => void): void {
    this.renewed.add(listener);
  }

  private async renew(): Promise<void> {
    // The lease runs from when the renewal was sent: it may have landed at any moment after.
    const until = this.now() + this.opts.leaseMs;
    await this.store.journalRenew(this.owner, until);
    const wasLive = this.leaseLive();
    this.leaseUntil = Math.max(this.leaseUntil ?? 0, until);
    if (!wasLive) {
      this.leaseLostSaid = false;
      this.opts.log.info({ event: LogEvent.journalLeaseRenewed }, 'the job journal lease is renewed');
    }
    for (const listener of this.renewed) listener();
  }

  /** Runs a write of a held job after its earlier ones. */
  private then<T>(held: Held, write: () => Promise<T>): Promise<T> {
    const result = held.chain.then(write);
    held.chain = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Writes an admitted job down; resolves to whether it was written in time (the job goes on either way). */
  async record(jobId: string, job: JournaledJob, createdAt: number, log: Logger): Promise<boolean> {
    const held: Held = { chain: Promise.resolve(), added: undefined, payload: JSON.stringify(job) };
    this.held.set(jobId, held);
    const write = this.then(held, () =>
      this.store.journalAdd({ jobId, owner: this.owner, payload: held.payload, createdAt }),
    ).then(
      () => void (held.added = true),
      (err: unknown) => {
        held.added = false;
        throw err;
      },
    );
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
    const held = this.held.get(jobId);
    if (!held) return;
    await this.bounded(
      this.then(held, () => this.store.journalMark(jobId, state, attempts, this.owner)).then(() => undefined),
      log,
      `could not mark the job ${state} in the journal`,
    );
  }

  /**
   * Writes down where a job's answers now go (a progress message to edit after a crash): fire
   * and forget, after the job's earlier writes; a failure is logged.
   */
  updateTarget(jobId: string, target: TargetRef, log: Logger): void {
    const held = this.held.get(jobId);
    if (!held) return;
    const job = JSON.parse(held.payload) as JournaledJob;
    held.payload = JSON.stringify({ ...job, target });
    const payload = held.payload;
    this.then(held, () => this.store.journalUpdate(jobId, this.owner, payload)).catch((err: unknown) =>
      log.warn({ err }, 'could not write the job’s progress message to the journal'),
    );
  }

  /**
   * Marks a job `delivering` if it is still this process's, and says whether its result may be
   * posted (Claim). Waits for the journal to answer, however long: a result posted without that
   * answer could be posted a second time by a process that took the job over meanwhile. Past
   * waitMs the wait is logged. Stopping ends the wait as `lost` (the job stays in the journal, and
   * the next process runs it).
   */
  async claim(jobId: string, attempts: number, log: Logger): Promise<Claim> {
    const held = this.held.get(jobId);
    if (!held) return 'unjournaled';
    const answer = this.then(held, () =>
      this.untilAnswered(() => this.store.journalMark(jobId, 'delivering', attempts, this.owner), log),
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), this.waitMs)));
    let mine = await Promise.race([answer, late]).finally(() => clearTimeout(timer));
    if (mine === 'late') {
      log.warn(
        { event: LogEvent.journalWaiting },
        'the result waits for the job journal to say this process still owns the job',
      );
      mine = await answer;
    }
    if (mine === undefined) return 'lost';
    if (mine) return 'mine';
    // No entry of ours: taken over by another process, or never written at all.
    if (held.added) {
      this.held.delete(jobId);
      return 'lost';
    }
    return 'unjournaled';
  }

  /** The write's answer, tried again until there is one; undefined once the journal stops. */
  private async untilAnswered<T>(write: () => Promise<T>, log: Logger): Promise<T | undefined> {
    let delay = RETRY_FIRST_MS;
    for (;;) {
      try {
        return await write();
      } catch (err) {
        if (this.stopped) return undefined;
        log.warn({ err }, 'the job journal does not answer; trying again before the result is posted');
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, RETRY_MAX_MS);
        if (this.stopped) return undefined;
      }
    }
  }

  /**
   * Crosses a job out: fire and forget, after its other writes, retried by the store; a failure is
   * logged. The job stays held until its entry is gone: until then a takeover still finds the
   * entry, and must not take this process's own finished job for one a stopped process left (it
   * would tell a member who has their picture that it was lost). One whose crossing-out failed
   * stays held for good, for the same reason.
   */
  done(jobId: string, log: Logger): void {
    const held = this.held.get(jobId);
    if (!held || held.ended) return;
    held.ended = true;
    this.then(held, () => this.store.journalDone(jobId, this.owner)).then(
      () => {
        if (this.held.get(jobId) === held) this.held.delete(jobId);
      },
      (err: unknown) =>
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
    // The jobs held when the question is sent: one crossed out while it is on its way may still be
    // in the answer, and is this process's own all the same.
    const known = new Set(this.held.keys());
    const entries = (await this.store.journalTakeOver(this.owner, this.now())).filter(
      (e) => !known.has(e.jobId) && !this.held.has(e.jobId),
    );
    for (const e of entries) {
      this.held.set(e.jobId, { chain: Promise.resolve(), added: true, payload: e.payload });
    }
    return entries;
  }

  /** Stops renewing and gives up the lease (every job has ended by then). */
  async stop(): Promise<void> {
    this.stopped = true;
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
    return (await within(logged, this.waitMs)) ?? false;
  }
}
