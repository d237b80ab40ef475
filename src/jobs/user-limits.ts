import type { LimitBackend } from './limit-backend.js';
import { phrase, type Phrase } from '../text/catalogue.js';

/** The picture a job holds against its member's daily limit from admission until it ends. */
export interface DailyReservation {
  readonly userId: string;
  /** The UTC day it was reserved on; the job settles on that day whenever it ends. */
  readonly day: string;
}

export type Admission =
  | { readonly ok: true; readonly reservation: DailyReservation }
  | { readonly ok: false; readonly message: Phrase };

export interface UserLimitsOptions {
  readonly perMinute: number;
  /** Pictures per member per UTC day; 0 counts without a limit. */
  readonly perDay: number;
  readonly backend: LimitBackend;
  readonly now?: () => number;
}

const MINUTE = 60_000;

/** Day key for the daily cap; days follow UTC so the reset time is the same for everyone. */
export function dayKey(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

export function nextUtcMidnight(at: number): number {
  const d = new Date(at);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}

/** Discord renders <t:unix:R> as "in 42 seconds" in the reader's own language and time zone. */
export const relative = (ms: number) => `<t:${Math.ceil(ms / 1000)}:R>`;

/**
 * Per-user limits: USER_RPM jobs started in any 60 s window and USER_DAILY_LIMIT images per UTC
 * day. A job reserves one picture when it is admitted and settles when it ends, so jobs queued at
 * once cannot all slip under the limit. The backend keeps the counts in-process (daily counts in
 * SQLite, surviving restarts) or in Redis, shared by every bot process.
 */
export class UserLimits {
  private readonly now: () => number;

  constructor(private readonly opts: UserLimitsOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Reserves a picture for today and counts the start in the per-minute window, or says why not. */
  async admit(userId: string, perDay: number = this.opts.perDay): Promise<Admission> {
    const now = this.now();
    const day = dayKey(now);
    // A server's own limit may only be lower than the operator's (0: the operator's has none).
    const limit = this.opts.perDay > 0 ? Math.min(perDay || this.opts.perDay, this.opts.perDay) : perDay;
    if (!(await this.opts.backend.reserveDaily(userId, day, limit))) {
      return {
        ok: false,
        message: phrase('limits.daily', { count: limit, when: relative(nextUtcMidnight(now)) }),
      };
    }
    const reservation = { userId, day };
    let hit;
    try {
      hit = await this.opts.backend.hitWindow(`user:${userId}`, this.opts.perMinute, MINUTE, now);
    } catch (err) {
      await this.settle(reservation, 0).catch(() => undefined);
      throw err;
    }
    if (!hit.ok) {
      await this.settle(reservation, 0);
      return {
        ok: false,
        message: phrase('limits.perMinute', { count: this.opts.perMinute, when: relative(hit.freeAt) }),
      };
    }
    return { ok: true, reservation };
  }

  /** A job ended having delivered `delivered` pictures in place of the one it reserved. */
  async settle(reservation: DailyReservation, delivered: number): Promise<void> {
    const change = delivered - 1;
    if (change !== 0) await this.opts.backend.addDaily(reservation.userId, reservation.day, change);
  }

  /** Pictures counted for the member today (held ones included). */
  usedToday(userId: string): Promise<number> {
    return this.opts.backend.dailyCount(userId, dayKey(this.now()));
  }

  /** Counts pictures made outside a reservation (kept for tests and tools). */
  async recordImages(userId: string, images: number): Promise<void> {
    if (images > 0) await this.opts.backend.addDaily(userId, dayKey(this.now()), images);
  }
}
