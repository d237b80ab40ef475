import type { Client } from 'discord.js';
import type { JournalEntry } from '../core/journal.js';
import type { DeliveredMessage, DeliveryTarget, JobRequest, JobResult, TargetRef } from '../core/job.js';
import { upscaleSizes } from '../core/model-controls.js';
import { parseJournaledJob, requestFromJournal, type JobJournal } from '../jobs/journal.js';
import type { JobPipeline, ResumedJob } from '../jobs/pipeline.js';
import { FAILED_TWICE, LOST_IN_RESTART, MAYBE_POSTED } from '../jobs/present.js';
import { LogEvent } from '../log-events.js';
import type { Logger } from '../logger.js';
import { sourceFromJournal } from './attachments.js';
import type { ResultControls } from './controls/rows.js';
import { InteractionTarget, MessageTarget, resumedInteraction } from './delivery.js';
import { voiceFor, type Phrase, type Voice } from '../text/catalogue.js';

export interface ResumerOptions {
  readonly client: Client;
  readonly pipeline: JobPipeline;
  readonly journal: JobJournal;
  readonly log: Logger;
  /** Older jobs are not run: their members are told to try again. */
  readonly maxAgeMs: number;
  /** How often to look for the jobs of processes that died while this one runs. */
  readonly sweepEveryMs: number;
  /** The models this process offers: a resumed picture's Upscale buttons go to sizes one of them makes. */
  readonly offeredModels: readonly string[];
  readonly now?: () => number;
}

/**
 * The buttons a resumed job's picture gets: the same id the admitting process gave it (the request
 * names it), with the upscale sizes this process's models make, as submitJob chose them.
 */
export function resumedControls(
  request: Pick<JobRequest, 'controls' | 'imageSize'>,
  offered: readonly string[],
): ResultControls | undefined {
  return (
    request.controls && { id: request.controls.id, upscaleSizes: upscaleSizes(offered, request.imageSize) }
  );
}

/** Why a journaled job is not run again, or undefined when it is. */
export function whyNotResumed(entry: JournalEntry, maxAgeMs: number, now: number): Phrase | undefined {
  // Its result may already be on Discord: never posted twice.
  if (entry.state === 'delivering') return MAYBE_POSTED;
  // Sent to Gemini twice already: once more at most was the promise.
  if (entry.attempts >= 2) return FAILED_TWICE;
  if (now - entry.createdAt > maxAgeMs) return LOST_IN_RESTART;
  return undefined;
}

/** A place that tells why a job's member cannot be reached; its job ends as lost (and logged). */
class Unreachable implements DeliveryTarget {
  readonly uploadLimit = 0;
  constructor(private readonly why: string) {}
  progress(): Promise<void> {
    return Promise.resolve();
  }
  deliver(_result: JobResult): Promise<DeliveredMessage | undefined> {
    return Promise.reject(new Error(this.why));
  }
}

/**
 * Finishes the jobs of processes that are gone (kill -9, a lost host): at start-up and then every
 * sweep, it takes their journal entries over and runs each again (delivered to the original reply
 * while its token lives, else in the channel mentioning the member), or, for one that must not be
 * run again, tells its member so.
 */
export class JournalResumer {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: ResumerOptions) {
    this.now = opts.now ?? Date.now;
  }

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.opts.sweepEveryMs);
    this.timer.unref();
    void this.sweep();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One look for orphaned jobs; never rejects (a failure is logged and the next sweep tries again). */
  sweep(): Promise<void> {
    this.sweeping ??= this.takeOver().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async takeOver(): Promise<void> {
    let entries: JournalEntry[];
    try {
      entries = await this.opts.journal.takeOver();
    } catch (err) {
      this.opts.log.warn({ err }, 'could not look for the jobs of stopped processes; trying again later');
      return;
    }
    if (entries.length === 0) return;
    this.opts.log.info(
      { event: LogEvent.journalTakenOver, jobs: entries.length },
      'taking over unfinished jobs',
    );
    for (const entry of entries) await this.resumeOne(entry);
  }

  private async resumeOne(entry: JournalEntry): Promise<void> {
    const log = this.opts.log.child({ jobId: entry.jobId });
    let job;
    try {
      job = parseJournaledJob(entry.payload);
    } catch (err) {
      log.error({ err, event: LogEvent.journalJobLost }, 'a journaled job cannot be read; it is dropped');
      this.opts.journal.done(entry.jobId, log);
      return;
    }
    const request = requestFromJournal(job.request, (input) => sourceFromJournal(this.opts.client, input));
    const resumed: ResumedJob = {
      id: entry.jobId,
      request,
      // The member is answered in the language the job was admitted in, with the buttons it was given.
      target: await this.targetFor(
        job.target,
        voiceFor(job.request.locale),
        voiceFor(job.request.serverLocale ?? job.request.locale),
        resumedControls(request, this.opts.offeredModels),
        log,
      ),
      reservation: job.reservation,
      attempts: entry.attempts,
      hold: job.hold,
    };
    const why = whyNotResumed(entry, this.opts.maxAgeMs, this.now());
    if (why === undefined) {
      this.opts.pipeline.resume(resumed);
      return;
    }
    const told = await this.opts.pipeline.abandon(resumed, why);
    log.warn(
      { event: LogEvent.journalJobLost, state: entry.state, attempts: entry.attempts, told },
      'a job left by a stopped process was not run again; its member was told',
    );
  }

  private async targetFor(
    ref: TargetRef,
    voice: Voice,
    /** What the channel reads, for a result posted there instead of the reply. */
    serverVoice: Voice,
    controls: ResultControls | undefined,
    log: Logger,
  ): Promise<DeliveryTarget> {
    const client = this.opts.client as Client<true>;
    if (ref.kind === 'interaction') {
      // A dead token is no problem here: the target then goes to the channel, mentioning the member.
      return new InteractionTarget(
        resumedInteraction(client, ref),
        ref.prompt,
        voice,
        log,
        undefined,
        controls,
        { private: ref.private === true, serverVoice },
      );
    }
    const channel = await client.channels.fetch(ref.channelId).catch(() => null);
    if (!channel?.isSendable()) return new Unreachable(`the job’s channel ${ref.channelId} is not reachable`);
    return new MessageTarget(
      channel,
      ref.replyTo,
      ref.prompt,
      voice,
      ref.userId,
      ref.uploadLimit,
      log,
      controls,
      undefined,
      // The dead process's progress message is edited into the result, not left at "Generating…".
      ref.placeholderId,
    );
  }
}
