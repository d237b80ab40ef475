import type { Store } from '../store/store.js';

export type Admission = { readonly ok: true } | { readonly ok: false; readonly message: string };

export interface UserLimitsOptions {
  readonly perMinute: number;
  readonly perDay: number;
  readonly store: Store;
  readonly now?: () => number;
}

const MINUTE = 60_000;

/** Day key for the daily cap; days follow UTC so the reset time is the same for everyone. */
export function dayKey(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

function nextUtcMidnight(at: number): number {
  const d = new Date(at);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}

/** Discord renders <t:unix:R> as "in 42 seconds" in the reader's own language and time zone. */
const relative = (ms: number) => `<t:${Math.ceil(ms / 1000)}:R>`;

/**
 * Per-user limits: USER_RPM jobs started in any 60 s window (kept in memory: it is about bursts)
 * and USER_DAILY_LIMIT images per UTC day (kept in the store: it survives restarts).
 */
export class UserLimits {
  private readonly starts = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(private readonly opts: UserLimitsOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Checks both limits and, when admitted, counts the job against the per-minute window. */
  admit(userId: string): Admission {
    const now = this.now();
    if (this.opts.perDay > 0 && this.opts.store.usage(userId, dayKey(now)) >= this.opts.perDay) {
      return {
        ok: false,
        message: `You have used your ${this.opts.perDay} pictures for today. You can make more ${relative(nextUtcMidnight(now))}.`,
      };
    }
    const recent = (this.starts.get(userId) ?? []).filter((t) => t > now - MINUTE);
    if (recent.length >= this.opts.perMinute) {
      const freeAt = recent[0]! + MINUTE;
      this.starts.set(userId, recent);
      return {
        ok: false,
        message: `You are going a bit fast: ${this.opts.perMinute} pictures a minute at most. Try again ${relative(freeAt)}.`,
      };
    }
    recent.push(now);
    this.starts.set(userId, recent);
    return { ok: true };
  }

  recordImages(userId: string, images: number): void {
    if (images > 0) this.opts.store.addUsage(userId, dayKey(this.now()), images);
  }
}
