import { within } from '../core/abort.js';
import { randomBytes } from 'node:crypto';
import type { ImageInput } from '../core/images.js';
import type { Outcome } from '../core/generation.js';
import type { Logger } from '../logger.js';
import type { Phrase } from '../text/catalogue.js';
import { LogEvent } from '../log-events.js';
import { modelInfo } from '../core/models.js';
import { FairQueue } from './fair-queue.js';
import { JobFinisher, type FinishOptions } from './finish.js';
import { journaledRequest } from './journal.js';
import { NOT_STARTED_RESTART, QUEUE_FULL, RESTARTING } from './present.js';
import { DraftPreviews } from './drafts.js';
import { EditBudget, ProgressReporter } from './progress.js';
import type { DailyReservation } from './user-limits.js';
import type { AdmissionPolicy, DeliveryTarget, Job, JobRequest, JobResult } from '../core/job.js';
import { estimateCost } from '../core/costs.js';
import type { SpendHold } from './budgets.js';

/** The pipeline's own settings, and what finishing a job needs (FinishOptions). */
export interface PipelineOptions extends FinishOptions {
  readonly log: Logger;
  /** Jobs in their Gemini phase at once; the gate below enforces the quota itself. */
  readonly concurrency: number;
  readonly maxQueue: number;
  readonly progressIntervalMs?: number;
  /** Progress edits per second across all jobs (results do not count against it). */
  readonly progressEditsPerSecond?: number;
  readonly newJobId?: () => string;
}

/** A job another process admitted and left unfinished, handed to this one by the journal. */
export interface ResumedJob {
  readonly id: string;
  readonly request: JobRequest;
  readonly target: DeliveryTarget;
  readonly reservation: DailyReservation;
  /** Times it was sent to Gemini before. */
  readonly attempts: number;
  /** The spend held at admission, settled by whoever finishes the job. */
  readonly hold?: SpendHold | undefined;
}

/** Where an entry point wants a job's answers to go, made once the job is admitted. */
export type PrepareTarget = (job: {
  readonly id: string;
  readonly log: Logger;
  /** Answer only the member (see JobRequest.private). */
  readonly private: boolean;
  /** To be called with the path of every result message posted (reply, follow-up, channel, ...). */
  readonly onPosted: (path: string) => void;
}) => DeliveryTarget | Promise<DeliveryTarget>;

export type Submission =
  { readonly ok: true; readonly jobId: string } | { readonly ok: false; readonly message: Phrase };

interface Entry {
  readonly job: Job;
  readonly reservation: DailyReservation;
  readonly hold: SpendHold | undefined;
  readonly queuedAt: number;
  readonly progress: ProgressReporter;
  readonly controller: AbortController;
  /** Times the job was sent to Gemini, by this process or one before it (the journal counts them). */
  attempts: number;
}

/**
 * The one path every command takes: admit (limits, queue room) -> wait in the fair queue ->
 * fetch inputs -> Gemini -> fit and deliver -> remember. It never knows which command made a job.
 */
export class JobPipeline {
  private readonly queue = new FairQueue<Entry>();
  private readonly generating = new Set<Entry>();
  /** Every started job, until it has ended; resolves to whether its member heard how it ended. */
  private readonly active = new Map<Entry, Promise<boolean>>();
  private closing = false;
  /** Submissions between their admission and their queueing: they count toward MAX_QUEUE. */
  private preparing = 0;
  /** A report of queue places is scheduled for this turn of the event loop (reportPositions). */
  private positionsDue = false;
  private readonly newJobId: () => string;
  private readonly editBudget: EditBudget;

  private readonly finisher: JobFinisher;

  constructor(private readonly opts: PipelineOptions) {
    this.finisher = new JobFinisher(opts);
    this.editBudget = new EditBudget(opts.progressEditsPerSecond ?? 20);
    this.newJobId = opts.newJobId ?? (() => randomBytes(4).toString('hex'));
    // A lease that had run out is live again: the jobs held back meanwhile may start.
    opts.journal?.onRenewed(() => this.pump());
  }

  get stats() {
    return { queued: this.queue.size, generating: this.generating.size, active: this.active.size };
  }

  /**
   * The one door into the bot: checks that the bot is taking jobs and has queue room, counts the
   * job against its member's limits, lets the entry point prepare where the answers go (defer an
   * interaction, open a thread), and queues it, all in one call. A queue place is held only for
   * the duration of this call, so nothing that throws can leak one; a job that is not queued gives
   * back what it reserved. From a `{ ok: true }` on, the job always ends in a result or a reason.
   */
  async submit(
    request: JobRequest,
    prepare: PrepareTarget,
    policy: AdmissionPolicy = {},
  ): Promise<Submission> {
    if (this.closing) return this.refuse('restarting', RESTARTING);
    if (this.queue.size + this.preparing >= this.opts.maxQueue) return this.refuse('queue-full', QUEUE_FULL);
    this.preparing++;
    try {
      const admission = await this.opts.limits.admit(request.userId, policy.dailyPictureLimit);
      if (!admission.ok) return this.refuse('limit', admission.message);
      const giveBack = (log: Logger) =>
        this.opts.limits.settle(admission.reservation, 0).catch((e: unknown) => {
          log.warn({ err: e }, 'could not give back the daily reservation of a job that did not start');
        });
      let hold: SpendHold | undefined;
      if (this.opts.budgets) {
        let budget;
        try {
          budget = await this.opts.budgets.reserve(
            request.guildId,
            policy.guildDailyBudgetUsd,
            this.reservationPrice(request),
          );
        } catch (err) {
          await giveBack(this.opts.log);
          throw err;
        }
        if (!budget.ok) {
          await giveBack(this.opts.log);
          return this.refuse('budget', budget.message);
        }
        hold = budget.hold;
      }
      const id = this.newJobId();
      const log = this.opts.log.child({ jobId: id, userId: request.userId, guildId: request.guildId });
      let target: DeliveryTarget;
      try {
        target = await prepare({
          id,
          log,
          private: request.private === true,
          onPosted: (path) => this.opts.metrics?.delivered(path),
        });
      } catch (err) {
        await giveBack(log);
        if (hold) await this.finisher.settleSpend(hold, 0, log);
        throw err;
      }
      // Written down before the member hears it is queued; a journal that does not answer in
      // time does not hold the job up (JobJournal.record).
      const journaled = target.ref && journaledRequest(request);
      if (this.opts.journal && target.ref && journaled) {
        await this.opts.journal.record(
          id,
          {
            version: 1,
            request: journaled,
            target: target.ref,
            reservation: admission.reservation,
            ...(hold ? { hold } : {}),
          },
          Date.now(),
          log,
        );
        this.followTarget(id, target, log);
      }
      this.enqueue({ ...request, id, target, log }, admission.reservation, hold);
      return { ok: true, jobId: id };
    } finally {
      this.preparing--;
    }
  }

  /**
   * Queues a job another process admitted (its limits were counted then) and left unfinished. It
   * takes its place in the fair queue like any other.
   */
  resume(resumed: ResumedJob): void {
    const job = this.resumedJob(resumed);
    this.followTarget(job.id, job.target, job.log);
    job.log.info({ event: LogEvent.jobQueued, resumed: true, attempts: resumed.attempts }, 'resumed job');
    this.enqueue(job, resumed.reservation, resumed.hold, resumed.attempts);
  }

  /**
   * Ends a job another process left unfinished without running it (too old, or it may already
   * have been posted): its member is told `message`, its picture given back, its entry crossed out.
   */
  async abandon(resumed: ResumedJob, message: Phrase): Promise<boolean> {
    const job = this.resumedJob(resumed);
    const entry = this.entryFor(job, resumed.reservation, resumed.hold, resumed.attempts);
    return (await this.finisher.finish(entry, { kind: 'failed', message })) === 'told';
  }

  /** Keeps the journal's copy of where a job answers up to date (a progress message to edit after a crash). */
  private followTarget(id: string, target: DeliveryTarget, log: Logger): void {
    const journal = this.opts.journal;
    if (journal) target.onRefChange?.((ref) => journal.updateTarget(id, ref, log));
  }

  private resumedJob({ id, request, target }: ResumedJob): Job {
    const log = this.opts.log.child({ jobId: id, userId: request.userId, guildId: request.guildId });
    return { ...request, id, target, log };
  }

  private refuse(reason: string, message: Phrase): Submission {
    this.opts.metrics?.refused(reason);
    return { ok: false, message };
  }

  /**
   * What a job is held at until Gemini answers: the catalogue's price of one picture of its model
   * and size, plus one search if it may search. Settled at the estimate from Gemini's answer.
   */
  private reservationPrice(request: JobRequest): number {
    return estimateCost(
      request.model ?? this.opts.gemini.model,
      request.imageSize ?? '1K',
      1,
      request.search ? 1 : 0,
    ).costUsd;
  }

  private entryFor(
    job: Job,
    reservation: DailyReservation,
    hold: SpendHold | undefined,
    attempts: number,
  ): Entry {
    return {
      job,
      reservation,
      hold,
      queuedAt: Date.now(),
      progress: new ProgressReporter(job.target, job.log, this.opts.progressIntervalMs, this.editBudget),
      controller: new AbortController(),
      attempts,
    };
  }

  private enqueue(job: Job, reservation: DailyReservation, hold: SpendHold | undefined, attempts = 0): void {
    const entry = this.entryFor(job, reservation, hold, attempts);
    if (this.closing) {
      void this.finisher.finish(entry, { kind: 'failed', message: RESTARTING });
      return;
    }
    this.queue.push(job.userId, entry);
    job.log.info({ event: LogEvent.jobQueued, kind: job.kind, queued: this.queue.size }, 'job queued');
    this.pump();
    this.reportPositions();
  }

  private pump(): void {
    while (!this.closing && this.generating.size < this.opts.concurrency) {
      // A process whose lease ran out starts nothing: another process may be taking its jobs over.
      if (this.opts.journal && !this.opts.journal.leaseLive()) break;
      const entry = this.queue.shift();
      if (!entry) break;
      this.generating.add(entry);
      const run = this.run(entry).finally(() => this.active.delete(entry));
      this.active.set(entry, run);
    }
  }

  /**
   * Tells every queued job its place, once per turn of the event loop however many jobs arrived
   * or started in it: a burst of N arrivals into a long queue would otherwise recompute and
   * re-offer every place N times (each reporter keeps only the latest status anyway).
   */
  private reportPositions(): void {
    if (this.positionsDue) return;
    this.positionsDue = true;
    setImmediate(() => {
      this.positionsDue = false;
      this.queue
        .projectedOrder()
        .forEach((entry, i) => entry.progress.update({ state: 'queued', position: i + 1 }));
    });
  }

  private async run(entry: Entry): Promise<boolean> {
    const { job, controller, progress } = entry;
    const started = Date.now();
    this.opts.metrics?.queueWaited(started - entry.queuedAt);
    let outcome: Outcome | undefined;
    let result: JobResult | undefined;
    // Inputs are fetched only now, when the job starts (queued jobs hold no bytes), one at a time,
    // and let go of as soon as Gemini has answered.
    const loaded: ImageInput[] = [];
    // Inputs are sized for the model that will read them: more pixels than it uses are upload bytes for nothing.
    const modelMaxSide = modelInfo(job.model ?? this.opts.gemini.model).maxInputSide;
    const load = async (source: Job['inputs'][number]) => {
      const image = await this.opts.images.load(
        await source.url(),
        source.filename,
        source.declaredSize,
        controller.signal,
        modelMaxSide,
      );
      loaded.push(image);
      return image;
    };
    const drafts = new DraftPreviews(
      (data, basename) => this.opts.images.shrinkDraft(data, basename),
      `draft-${job.id}`,
      progress,
      job.log,
    );
    try {
      drafts.startAttempt(1);
      const images: ImageInput[] = [];
      for (const source of job.inputs) images.push(await load(source));
      const previousImage = job.refine ? await load(job.refine.previous) : undefined;
      // From here the job costs a Gemini call: after a crash it is run again at most once more.
      entry.attempts++;
      await this.opts.journal?.mark(job.id, 'running', entry.attempts, job.log);
      outcome = await this.opts.gemini.generate(
        {
          prompt: job.prompt,
          images,
          model: job.model,
          imageSize: job.imageSize,
          aspectRatio: job.aspectRatio,
          thinkingLevel: job.thinkingLevel,
          search: job.search,
          history: job.refine?.history ?? [],
          previousImage,
        },
        {
          signal: controller.signal,
          log: job.log,
          onAttempt: (attempt) => drafts.startAttempt(attempt),
          onDraft: (draft) => drafts.offer(draft),
        },
      );
    } catch (err) {
      result = this.finisher.errorResult(err, job, controller.signal.aborted);
    } finally {
      drafts.close();
      // The Gemini slot is free as soon as Gemini has answered; delivery happens outside it.
      this.generating.delete(entry);
      this.pump();
      this.reportPositions();
      await this.opts.images
        .release(loaded)
        .catch((err: unknown) => job.log.warn({ err }, 'could not delete input files'));
    }
    try {
      result ??= await this.finisher.resultOf(outcome!, job);
    } catch (err) {
      result = this.finisher.errorResult(err, job, controller.signal.aborted);
    }
    const ending = await this.finisher.finish(entry, result, outcome);
    // A dropped job is finished by the process that took it over, which logs it (and tells the member).
    if (ending === 'dropped') return true;
    const told = ending === 'told';
    job.log.info(
      { event: LogEvent.jobFinished, result: result.kind, told, ms: Date.now() - started },
      'job finished',
    );
    return told;
  }

  /**
   * Stops taking jobs, tells every queued user theirs was not started, lets running jobs finish
   * for up to graceMs, then interrupts the rest (who are told so) and waits for those messages.
   */
  async shutdown(graceMs: number): Promise<ShutdownSummary> {
    this.closing = true;
    const waiting = this.queue.drain();
    const told = waiting.map(async (entry) => {
      const ending = await this.finisher.finish(entry, { kind: 'failed', message: NOT_STARTED_RESTART });
      return ending !== 'untold';
    });
    const running = [...this.active.values()];
    const graceEnded = await within(Promise.all(running), graceMs);
    if (graceEnded === undefined) {
      for (const entry of this.active.keys()) entry.controller.abort(new Error('shutting down'));
    }
    // Interrupted jobs end at once (every wait in a job honours its signal); telling their members
    // and the queued ones is one Discord call each.
    const ends = await Promise.all([...running, ...told].map((p) => within(p, SHUTDOWN_TELL_MS)));
    const untold = ends.filter((reached) => reached !== true).length;
    return { jobs: ends.length, untold };
  }
}

/** What became of the jobs a shutdown found: how many members were not told how theirs ended. */
export interface ShutdownSummary {
  readonly jobs: number;
  readonly untold: number;
}

/** How long a shutdown waits for interrupted and queued jobs' members to be told. */
const SHUTDOWN_TELL_MS = 3000;
