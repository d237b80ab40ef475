const WINDOW_MS = 60_000;

export type QuotaDecision = { admitted: true } | { admitted: false; retryAfterMs: number };

/** Requests per minute over a sliding 60 s window; only admitted requests take a slot. */
export class SlidingWindowQuota {
  private admittedAt: number[] = [];

  constructor(
    private limit: number | undefined,
    private readonly now: () => number,
  ) {}

  get rpm(): number | undefined {
    return this.limit;
  }

  setLimit(limit: number | undefined): void {
    this.limit = limit;
    this.clear();
  }

  clear(): void {
    this.admittedAt = [];
  }

  tryAdmit(): QuotaDecision {
    if (this.limit === undefined) return { admitted: true };
    const now = this.now();
    this.admittedAt = this.admittedAt.filter((at) => at > now - WINDOW_MS);
    if (this.admittedAt.length < this.limit) {
      this.admittedAt.push(now);
      return { admitted: true };
    }
    // The slot that frees first belongs to the oldest request still in the window.
    const oldest = this.admittedAt[this.admittedAt.length - this.limit] ?? now;
    return { admitted: false, retryAfterMs: Math.max(1, oldest + WINDOW_MS - now) };
  }
}
