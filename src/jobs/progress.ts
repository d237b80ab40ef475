import type { Logger } from '../logger.js';
import type { DeliveryTarget, JobStatus } from '../core/job.js';

/**
 * A token bucket shared by every job's progress edits. Progress must leave room for results: an
 * edit of an interaction's reply is outside the bot's global limit, but one in a thread (a refine)
 * is not, and every edit costs this process and Discord the same work. With a long queue the
 * position edits would otherwise fill the REST queue and finished pictures wait behind them.
 */
export class EditBudget {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst = perSecond,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Takes one edit if the budget allows; otherwise says how long until one is free. */
  take(): { ok: true } | { ok: false; retryInMs: number } {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryInMs: Math.ceil(((1 - this.tokens) / this.perSecond) * 1000) };
  }
}

const UNLIMITED = { take: () => ({ ok: true }) as const };

/** Tells statuses apart without serialising a draft's bytes: a draft is known by its number. */
function statusKey(status: JobStatus): string {
  if (status.state === 'queued') return `queued:${status.position}`;
  return generatingKey(status.attempt, status.draft?.number);
}

/** The key of a generating status: its attempt, and the number of the draft it shows if any. */
export function generatingKey(attempt: number, draft?: number): string {
  return `generating:${attempt}:${draft === undefined ? '' : `draft-${draft}`}`;
}

/** A status to send, known by its key, made only when its edit is about to be sent. */
interface Pending {
  readonly key: string;
  /** The status, or undefined when there is nothing to show after all. */
  make(): Promise<JobStatus | undefined>;
}

/**
 * Serialises everything a job tells its target and throttles progress to one edit per interval,
 * always keeping the latest status: a draft that finds the interval or the shared budget used up
 * waits, and is replaced by a newer status if one comes first. Once the result is being delivered, no later progress edit
 * can overwrite it.
 */
export class ProgressReporter {
  private chain: Promise<unknown> = Promise.resolve();
  private lastSent = -Infinity;
  private pending: Pending | undefined;
  private timer: NodeJS.Timeout | undefined;
  private finished = false;
  private lastKey = '';

  constructor(
    private readonly target: DeliveryTarget,
    private readonly log: Logger,
    private readonly intervalMs = 2000,
    private readonly budget: Pick<EditBudget, 'take'> = UNLIMITED,
    private readonly now: () => number = Date.now,
  ) {}

  update(status: JobStatus): void {
    this.later(statusKey(status), () => Promise.resolve(status));
  }

  /**
   * Like update, for a status that costs something to make (a draft to shrink): `make` runs only
   * once its edit has its turn, so a status replaced by a newer one, or overtaken by the result,
   * costs nothing. `key` is what statusKey will say of the status made.
   */
  later(key: string, make: () => Promise<JobStatus | undefined>): void {
    if (this.finished) return;
    if (key === this.lastKey && !this.pending) return;
    this.pending = { key, make };
    if (this.timer) return;
    const wait = Math.max(0, this.lastSent + this.intervalMs - this.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = undefined;
    const pending = this.pending;
    this.pending = undefined;
    if (!pending || this.finished) return;
    if (pending.key === this.lastKey) return;
    const slot = this.budget.take();
    if (!slot.ok) {
      // Over budget: keep the latest status and try again when an edit is free (with jitter, so
      // the waiting jobs do not all come back at once).
      this.pending = pending;
      this.timer = setTimeout(() => this.flush(), slot.retryInMs + Math.random() * 250);
      return;
    }
    this.lastKey = pending.key;
    this.lastSent = this.now();
    this.chain = this.chain
      .then(async () => {
        const status = await pending.make();
        // Made while the result was on its way: it would only delay it.
        if (status && !this.finished) await this.target.progress(status);
      })
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
