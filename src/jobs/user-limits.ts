import type { LimitBackend } from './limit-backend.js';

export type Admission = { readonly ok: true } | { readonly ok: false; readonly message: string };

export interface UserLimitsOptions {
  readonly perMinute: number;
  readonly perDay: number;
  readonly backend: LimitBackend;
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
 * Per-user limits: USER_RPM jobs started in any 60 s window and USER_DAILY_LIMIT images per UTC
 * day. The backend keeps them in-process (daily counts in SQLite, surviving restarts) or in Redis,
 * shared by every bot process.
 */
export class UserLimits {
  private readonly now: () => number;

  constructor(private readonly opts: UserLimitsOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Checks both limits and, when admitted, counts the job against the per-minute window. */
  async admit(userId: string): Promise<Admission> {
    const now = this.now();
    if (
      this.opts.perDay > 0 &&
      (await this.opts.backend.dailyCount(userId, dayKey(now))) >= this.opts.perDay
    ) {
      return {
        ok: false,
        message: `You have used your ${this.opts.perDay} pictures for today. You can make more ${relative(nextUtcMidnight(now))}.`,
      };
    }
    const hit = await this.opts.backend.hitWindow(`user:${userId}`, this.opts.perMinute, MINUTE, now);
    if (!hit.ok) {
      return {
        ok: false,
        message: `You are going a bit fast: ${this.opts.perMinute} pictures a minute at most. Try again ${relative(hit.freeAt)}.`,
      };
    }
    return { ok: true };
  }

  async recordImages(userId: string, images: number): Promise<void> {
    if (images > 0) await this.opts.backend.addDaily(userId, dayKey(this.now()), images);
  }
}
