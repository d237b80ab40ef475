import type { InterimImage } from '../core/generation.js';
import type { JobImages } from '../core/images.js';
import type { JobStatus } from '../core/job.js';
import type { Logger } from '../logger.js';

/**
 * Turns a job's interim images into progress: each is shrunk, one at a time, and shown as the
 * job's generating status. A newer draft replaces one still waiting to be shrunk, and the progress
 * reporter keeps only the latest status, so the member always sees the newest draft and a draft
 * that cannot be shown in time is skipped. A draft of an attempt that has ended (a retry began, or
 * Gemini answered) is dropped: its picture will never come.
 */
export class DraftPreviews {
  private attempt = 1;
  private waiting: InterimImage | undefined;
  private busy = false;

  constructor(
    private readonly shrink: JobImages['shrinkDraft'],
    private readonly basename: string,
    private readonly progress: { update(status: JobStatus): void },
    private readonly log: Logger,
  ) {}

  /** An attempt starts: shows it (without the last attempt's draft). */
  startAttempt(attempt: number): void {
    this.attempt = attempt;
    this.waiting = undefined;
    this.progress.update({ state: 'generating', attempt });
  }

  offer(draft: InterimImage): void {
    if (draft.attempt !== this.attempt) return;
    this.waiting = draft;
    if (!this.busy) void this.drain();
  }

  /** Gemini has answered: no draft may be shown any more. */
  close(): void {
    this.attempt = 0;
    this.waiting = undefined;
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      for (let draft = this.waiting; draft; draft = this.waiting) {
        this.waiting = undefined;
        try {
          const small = await this.shrink(draft.data, `${this.basename}-${draft.number}`);
          if (draft.attempt !== this.attempt) continue;
          this.progress.update({
            state: 'generating',
            attempt: draft.attempt,
            draft: { ...small, number: draft.number },
          });
        } catch (err) {
          // A draft that cannot be read is only a missing preview; the final picture still comes.
          this.log.warn({ err, draft: draft.number }, 'could not shrink a draft; not showing it');
        }
      }
    } finally {
      this.busy = false;
    }
  }
}
