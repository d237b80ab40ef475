import { randomBytes } from 'node:crypto';
import { GENERIC_FAILURE, UserError } from '../errors.js';
import type { ImageInput } from '../core/images.js';
import type { Outcome } from '../core/generation.js';
import type { Logger } from '../logger.js';
import type { GeminiAdapter } from '../core/generation.js';
import { DamagedImageError, type DeliverableImage, type JobImages } from '../core/images.js';
import { phrase, type Phrase } from '../text/catalogue.js';
import type { CostLog, ResultLog } from '../core/results.js';
import { storedRequest, type ControlLog } from '../core/controls.js';
import { LogEvent } from '../log-events.js';
import { modelInfo } from '../core/models.js';
import { FairQueue } from './fair-queue.js';
import { journaledRequest, type JobJournal } from './journal.js';
import { jobCostRecord } from './job-cost.js';
import {
  describeFailure,
  INTERRUPTED_RESTART,
  NOT_STARTED_RESTART,
  QUEUE_FULL,
  RESTARTING,
} from './present.js';
import { DraftPreviews } from './drafts.js';
import { EditBudget, ProgressReporter } from './progress.js';
import type { DailyReservation, UserLimits } from './user-limits.js';
import type {
  AdmissionPolicy,
  DeliveredMessage,
  DeliveryTarget,
  Job,
  JobReport,
  JobRequest,
  JobResult,
} from '../core/job.js';
import { estimateCost } from '../core/costs.js';
import type { Metrics } from '../metrics/metrics.js';
import type { SpendBudgets, SpendHold } from './budgets.js';

export interface PipelineOptions {
  readonly gemini: GeminiAdapter;
  readonly store: ResultLog & CostLog & Pick<ControlLog, 'saveControls'>;
  readonly limits: UserLimits;
  /** Fetches and checks input images; the images module provides the real one. */
  readonly images: JobImages;
  readonly log: Logger;
  /** Jobs in their Gemini phase at once; the gate below enforces the quota itself. */
  readonly concurrency: number;
  readonly maxQueue: number;
  readonly progressIntervalMs?: number;
  /** Progress edits per second across all jobs (results do not count against it). */
  readonly progressEditsPerSecond?: number;
  readonly newJobId?: () => string;
  /** The spending budgets; without them nothing is reserved (tests of other things). */
  readonly budgets?: SpendBudgets | undefined;
  readonly metrics?: Metrics | undefined;
  /** Told of every job that ended, after its result was delivered; must not throw. */
  readonly onJobEnded?: ((report: JobReport) => void) | undefined;
  /** Writes every admitted job down so that another process can finish it after a crash. */
  readonly journal?: JobJournal | undefined;
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

  constructor(private readonly opts: PipelineOptions) {
    this.editBudget = new EditBudget(opts.progressEditsPerSecond ?? 20);
    this.newJobId = opts.newJobId ?? (() => randomBytes(4).toString('hex'));
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
        if (hold) await this.settleSpend(hold, 0, log);
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
    job.log.info({ event: LogEvent.jobQueued, resumed: true, attempts: resumed.attempts }, 'resumed job');
    this.enqueue(job, resumed.reservation, resumed.hold, resumed.attempts);
  }

  /**
   * Ends a job another process left unfinished without running it (too old, or it may already
   * have been posted): its member is told `message`, its picture given back, its entry crossed out.
   */
  async abandon(resumed: ResumedJob, message: Phrase): Promise<boolean> {
    const job = this.resumedJob(resumed);
    return this.finish(this.entryFor(job, resumed.reservation, resumed.hold, resumed.attempts), {
      kind: 'failed',
      message,
    });
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

  private async settleSpend(hold: SpendHold, costUsd: number, log: Logger): Promise<void> {
    await this.opts.budgets
      ?.settle(hold, costUsd)
      .catch((err: unknown) => log.error({ err, costUsd }, 'could not settle the job’s spend'));
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
      void this.finish(entry, { kind: 'failed', message: RESTARTING });
      return;
    }
    this.queue.push(job.userId, entry);
    job.log.info({ event: LogEvent.jobQueued, kind: job.kind, queued: this.queue.size }, 'job queued');
    this.pump();
    this.reportPositions();
  }

  private pump(): void {
    while (!this.closing && this.generating.size < this.opts.concurrency) {
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
      result = this.errorResult(err, entry);
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
      result ??= await this.toResult(outcome!, job);
    } catch (err) {
      result = this.errorResult(err, entry);
    }
    const told = await this.finish(entry, result, outcome);
    job.log.info(
      { event: LogEvent.jobFinished, result: result.kind, told, ms: Date.now() - started },
      'job finished',
    );
    return told;
  }

  private errorResult(err: unknown, entry: Entry): JobResult {
    if (err instanceof UserError) return { kind: 'failed', message: err.phrase };
    if (entry.controller.signal.aborted) return { kind: 'failed', message: INTERRUPTED_RESTART };
    entry.job.log.error({ err }, 'job failed');
    return { kind: 'failed', message: GENERIC_FAILURE };
  }

  private async toResult(outcome: Outcome, job: Job): Promise<JobResult> {
    switch (outcome.kind) {
      case 'images': {
        const images: DeliverableImage[] = [];
        let damaged = 0;
        for (const [i, image] of outcome.images.entries()) {
          const basename =
            outcome.images.length > 1 ? `${job.kind}-${job.id}-${i + 1}` : `${job.kind}-${job.id}`;
          try {
            images.push(await this.opts.images.fitForUpload(image, basename, job.target.uploadLimit));
          } catch (err) {
            // A picture that does not decode is never posted, stored or counted as one.
            if (!(err instanceof DamagedImageError)) throw err;
            job.log.warn({ err, image: i }, 'Gemini sent an image that does not decode; left out');
            damaged++;
          }
        }
        if (images.length === 0) return { kind: 'failed', message: phrase('failure.damagedOutput') };
        const notes = [
          ...(damaged > 0 ? [phrase('result.damagedLeftOut', { count: damaged })] : []),
          ...(outcome.omitted ? [phrase('result.omitted', { count: outcome.omitted })] : []),
        ];
        return {
          kind: 'images',
          images,
          text: outcome.text,
          grounding: outcome.grounding,
          ...(notes.length > 0 ? { notes } : {}),
        };
      }
      case 'text':
        return { kind: 'text', text: outcome.text, grounding: outcome.grounding };
      case 'refused':
        return { kind: 'refused', explanation: outcome.explanation, detail: outcome.detail };
      case 'failed':
        return { kind: 'failed', message: describeFailure(outcome.error) };
    }
  }

  /** Delivers a job's result or reason; resolves to whether it reached the member. */
  private async finish(entry: Entry, result: JobResult, outcome?: Outcome): Promise<boolean> {
    const { job } = entry;
    let delivered = 0;
    let told = false;
    // Stored the moment the picture can be seen, before any later group is sent: a member may
    // reply to it at once. Once only: the target reports it early, or else by resolving.
    let stored: DeliveredMessage | undefined;
    let remembered: Promise<void> = Promise.resolve();
    const visible = (message: DeliveredMessage) => {
      if (stored || outcome?.kind !== 'images' || result.kind !== 'images') return;
      stored = message;
      // Started now (the write begins at once), awaited below: delivery does not wait for the store.
      remembered = this.remember(job, message, outcome, result.images.length);
    };
    // Past this mark the result may be on Discord: after a crash it is never run or posted again.
    await this.opts.journal?.mark(job.id, 'delivering', entry.attempts, job.log);
    try {
      const message = await entry.progress.finish(() => job.target.deliver(result, visible));
      if (message) visible(message);
      told = true;
    } catch (err) {
      job.log.error({ err }, 'could not deliver the result');
    }
    // A picture the member saw counts, even if something after it failed.
    if (stored && result.kind === 'images') {
      delivered = result.images.length;
      told = true;
    }
    await remembered;
    const costUsd = outcome ? await this.recordCost(job, outcome, delivered) : 0;
    if (entry.hold) await this.settleSpend(entry.hold, costUsd, job.log);
    this.opts.metrics?.jobEnded(job.kind, result.kind);
    try {
      this.opts.onJobEnded?.({ job, result: result.kind, delivered: stored });
    } catch (err) {
      job.log.error({ err }, 'a job watcher failed');
    }
    // The picture reserved at admission becomes what was delivered; a job that delivered
    // nothing gives it back.
    await this.opts.limits
      .settle(entry.reservation, delivered)
      .catch((err: unknown) => job.log.error({ err, delivered }, 'could not settle the daily count'));
    this.opts.journal?.done(job.id, job.log);
    return told;
  }

  /**
   * Records what a job that reached Gemini used and cost, and answers the cost; a failed write
   * costs the record, not the job (nor its settlement).
   */
  private async recordCost(job: Job, outcome: Outcome, delivered: number): Promise<number> {
    const record = jobCostRecord(job, outcome, delivered, this.opts.gemini.model, Date.now());
    try {
      const { jobId: _id, userId: _user, guildId: _guild, ...fields } = record;
      job.log.info({ event: LogEvent.jobCost, ...fields }, 'job cost');
      this.opts.metrics?.jobCost(
        record.model,
        { prompt: record.promptTokens, output: record.outputTokens, thinking: record.thinkingTokens },
        record.costUsd,
      );
      await this.opts.store.recordJobCost(record);
    } catch (err) {
      job.log.error({ err }, 'could not record the job’s cost');
    }
    return record.costUsd;
  }

  /** Stores a delivered picture so it can be refined; a failed write costs refining, not the picture. */
  private async remember(
    job: Job,
    message: DeliveredMessage,
    outcome: Extract<Outcome, { kind: 'images' }>,
    imageCount: number,
  ): Promise<void> {
    // The model that answered: a refine of this picture must go back to it (signatures are its own).
    const model = outcome.model ?? job.model ?? this.opts.gemini.model;
    const createdAt = Date.now();
    try {
      await this.opts.store.saveResult({
        messageId: message.messageId,
        channelId: message.channelId,
        threadId: message.threadId,
        guildId: job.guildId,
        userId: job.userId,
        prompt: job.prompt,
        parentMessageId: job.refine?.parentMessageId ?? null,
        model,
        modelParts: outcome.modelParts,
        imageCount,
        createdAt,
      });
    } catch (err) {
      job.log.error(
        { err, messageId: message.messageId },
        'delivered, but could not store the picture for refining',
      );
    }
    await this.rememberControls(job, message, model, imageCount, createdAt);
  }

  /** Keeps the request behind a picture's buttons; a failed write costs the buttons, not the picture. */
  private async rememberControls(
    job: Job,
    message: DeliveredMessage,
    model: string,
    imageCount: number,
    createdAt: number,
  ): Promise<void> {
    const request = job.controls && storedRequest(job, job.controls.shownPrompt);
    if (!job.controls || !request) return;
    try {
      await this.opts.store.saveControls({
        controlId: job.controls.id,
        messageId: message.messageId,
        channelId: message.channelId,
        threadId: message.threadId,
        guildId: job.guildId,
        userId: job.userId,
        model,
        imageCount,
        request,
        createdAt,
        deletedAt: null,
      });
    } catch (err) {
      job.log.error(
        { err, messageId: message.messageId },
        'delivered, but could not store the request behind the picture’s buttons',
      );
    }
  }

  /**
   * Stops taking jobs, tells every queued user theirs was not started, lets running jobs finish
   * for up to graceMs, then interrupts the rest (who are told so) and waits for those messages.
   */
  async shutdown(graceMs: number): Promise<ShutdownSummary> {
    this.closing = true;
    const waiting = this.queue.drain();
    const told = waiting.map((entry) => this.finish(entry, { kind: 'failed', message: NOT_STARTED_RESTART }));
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

/** The promise's value if it settles within ms, else undefined. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
