/**
 * Remembers when each member was last answered with a public refusal, so a burst of messages over a
 * limit gets one answer per window instead of one each. Old entries are dropped as it goes.
 */
export class ReplyThrottle {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when the member may be answered now (and counts the answer). */
  allow(userId: string): boolean {
    const now = this.now();
    for (const [id, at] of this.last) if (now - at >= this.windowMs) this.last.delete(id);
    if (this.last.has(userId)) return false;
    this.last.set(userId, now);
    return true;
  }
}
