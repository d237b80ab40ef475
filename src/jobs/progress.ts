import type { Logger } from '../logger.js';
import type { DeliveryTarget, JobStatus } from './types.js';

/**
 * Serialises everything a job tells its target and throttles progress to one edit per interval,
 * always keeping the latest status. Once the result is being delivered, no later progress edit
 * can overwrite it.
 */
export class ProgressReporter {
  private chain: Promise<unknown> = Promise.resolve();
  private lastSent = -Infinity;
  private pending: JobStatus | undefined;
  private timer: NodeJS.Timeout | undefined;
  private finished = false;
  private lastKey = '';

  constructor(
    private readonly target: DeliveryTarget,
    private readonly log: Logger,
    private readonly intervalMs = 2000,
    private readonly now: () => number = Date.now,
  ) {}

  update(status: JobStatus): void {
    if (this.finished) return;
    const key = JSON.stringify(status);
    if (key === this.lastKey && !this.pending) return;
    this.pending = status;
    if (this.timer) return;
    const wait = Math.max(0, this.lastSent + this.intervalMs - this.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = undefined;
    const status = this.pending;
    this.pending = undefined;
    if (!status || this.finished) return;
    const key = JSON.stringify(status);
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.lastSent = this.now();
    this.chain = this.chain
      .then(() => this.target.progress(status))
      .catch((err: unknown) => this.log.warn({ err }, 'progress update failed'));
  }

  /** Runs the final delivery after any edit already under way; drops progress not yet sent. */
  finish<T>(deliver: () => Promise<T>): Promise<T> {
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const result = this.chain.then(deliver);
    this.chain = result.catch(() => undefined);
    return result;
  }
}
