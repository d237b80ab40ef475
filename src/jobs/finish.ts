import { GENERIC_FAILURE, UserError } from '../errors.js';
import { storedRequest, type ControlLog } from '../core/controls.js';
import type { GeminiAdapter, Outcome } from '../core/generation.js';
import { DamagedImageError, type DeliverableImage, type JobImages } from '../core/images.js';
import type { DeliveredMessage, Job, JobReport, JobResult } from '../core/job.js';
import type { CostLog, ResultLog } from '../core/results.js';
import { LogEvent } from '../log-events.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { phrase } from '../text/catalogue.js';
import type { SpendBudgets, SpendHold } from './budgets.js';
import { jobCostRecord } from './job-cost.js';
import type { JobJournal } from './journal.js';
import { describeFailure, INTERRUPTED_RESTART } from './present.js';
import type { ProgressReporter } from './progress.js';
import type { DailyReservation, UserLimits } from './user-limits.js';

/** What finishing a job needs: where results are kept, counted and reported. */
export interface FinishOptions {
  readonly gemini: GeminiAdapter;
  readonly store: ResultLog & CostLog & Pick<ControlLog, 'saveControls'>;
  readonly limits: UserLimits;
  /** Fetches and checks input images; the images module provides the real one. */
  readonly images: JobImages;
  /** The spending budgets; without them nothing is reserved (tests of other things). */
  readonly budgets?: SpendBudgets | undefined;
  readonly metrics?: Metrics | undefined;
  /** Told of every job that ended, after its result was delivered; must not throw. */
  readonly onJobEnded?: ((report: JobReport) => void) | undefined;
  /** Writes every admitted job down so that another process can finish it after a crash. */
  readonly journal?: JobJournal | undefined;
}

/** How a job ended here: its member told, not told, or the job dropped because another process runs it. */
export type Ending = 'told' | 'untold' | 'dropped';

/** A job at its end, with what was reserved for it at admission. */
export interface FinishingJob {
  readonly job: Job;
  readonly reservation: DailyReservation;
  readonly hold: SpendHold | undefined;
  readonly progress: ProgressReporter;
  /** Times the job was sent to Gemini, by this process or one before it (the journal counts them). */
  readonly attempts: number;
}

/**
 * The second half of the pipeline, once Gemini has answered (or the job failed): the answer as a
 * result, then its delivery, the picture and its buttons kept, the cost recorded, the member's
 * limits and the budgets settled and the journal entry crossed out. The pipeline's first half
 * (admission, the queue, the Gemini call) is in pipeline.ts.
 */
export class JobFinisher {
  constructor(private readonly opts: FinishOptions) {}

  /** What a member is told of a job that failed with `err` (interrupted: by a shutdown). */
  errorResult(err: unknown, job: Job, interrupted: boolean): JobResult {
    if (err instanceof UserError) return { kind: 'failed', message: err.phrase };
    if (interrupted) return { kind: 'failed', message: INTERRUPTED_RESTART };
    job.log.error({ err }, 'job failed');
    return { kind: 'failed', message: GENERIC_FAILURE };
  }

  /** Gemini's answer as what the member gets: pictures fitted to the upload limit, or the reason. */
  async resultOf(outcome: Outcome, job: Job): Promise<JobResult> {
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

  /**
   * Delivers a job's result or reason; resolves to whether it reached the member, or that the job
   * was dropped here because another process took it over (that process tells the member).
   */
  async finish(entry: FinishingJob, result: JobResult, outcome?: Outcome): Promise<Ending> {
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
    // Posted only once the journal says the job is still this process's: one whose lease ran out
    // while the database was away may have lost it to a process that runs it again.
    const claim = this.opts.journal ? await this.opts.journal.claim(job.id, entry.attempts, job.log) : 'mine';
    if (claim === 'lost') {
      await entry.progress.finish(() => Promise.resolve());
      job.log.warn(
        { event: LogEvent.journalJobDropped, result: result.kind },
        'another process took this job over; it runs and posts it, and this process’s result is dropped',
      );
      return 'dropped';
    }
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
    return told ? 'told' : 'untold';
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

  async settleSpend(hold: SpendHold, costUsd: number, log: Logger): Promise<void> {
    await this.opts.budgets
      ?.settle(hold, costUsd)
      .catch((err: unknown) => log.error({ err, costUsd }, 'could not settle the job’s spend'));
  }
}
