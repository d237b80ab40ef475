import type { InterimImage } from '../core/generation.js';
import type { JobImages } from '../core/images.js';
import type { JobStatus } from '../core/job.js';
import type { Logger } from '../logger.js';
import { generatingKey, type ProgressReporter } from './progress.js';

/**
 * Turns a job's interim images into progress, shown as the job's generating status. A draft is
 * shrunk only when its edit has its turn (ProgressReporter.later): a newer draft, a new attempt or
 * the result that comes first takes its place, and the draft costs nothing. A draft of an attempt
 * that has ended (a retry began, or Gemini answered) is dropped: its picture will never come.
 */
export class DraftPreviews {
  private attempt = 1;

  constructor(
    private readonly shrink: JobImages['shrinkDraft'],
    private readonly basename: string,
    private readonly progress: Pick<ProgressReporter, 'update' | 'later'>,
    private readonly log: Logger,
  ) {}

  /** An attempt starts: shows it (without the last attempt's draft). */
  startAttempt(attempt: number): void {
    this.attempt = attempt;
    this.progress.update({ state: 'generating', attempt });
  }

  offer(draft: InterimImage): void {
    if (draft.attempt !== this.attempt) return;
    const status = async (): Promise<JobStatus | undefined> => {
      if (draft.attempt !== this.attempt) return undefined;
      try {
        const small = await this.shrink(draft.data, `${this.basename}-${draft.number}`);
        if (draft.attempt !== this.attempt) return undefined;
        return { state: 'generating', attempt: draft.attempt, draft: { ...small, number: draft.number } };
      } catch (err) {
        // A draft that cannot be read is only a missing preview; the final picture still comes.
        this.log.warn({ err, draft: draft.number }, 'could not shrink a draft; not showing it');
        return undefined;
      }
    };
    this.progress.later(generatingKey(draft.attempt, draft.number), status);
  }

  /** Gemini has answered: no draft may be shown any more. */
  close(): void {
    this.attempt = 0;
  }
}
