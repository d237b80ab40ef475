/**
 * Round-robin over users: each user has a FIFO of waiting items, and the next free slot goes to
 * the next user in turn, so one user's twenty jobs delay another user's single job by one slot at
 * most. Pure data structure; the pipeline decides what a slot is.
 */
export class FairQueue<T> {
  private readonly byUser = new Map<string, T[]>();
  /** Users in serving order; the head is served next. */
  private readonly order: string[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(userId: string, item: T): void {
    let list = this.byUser.get(userId);
    if (!list) {
      list = [];
      this.byUser.set(userId, list);
      this.order.push(userId);
    }
    list.push(item);
    this.count++;
  }

  shift(): T | undefined {
    const userId = this.order.shift();
    if (userId === undefined) return undefined;
    const list = this.byUser.get(userId)!;
    const item = list.shift()!;
    this.count--;
    if (list.length > 0) this.order.push(userId);
    else this.byUser.delete(userId);
    return item;
  }

  remove(item: T): boolean {
    for (const [userId, list] of this.byUser) {
      const i = list.indexOf(item);
      if (i < 0) continue;
      list.splice(i, 1);
      this.count--;
      if (list.length === 0) {
        this.byUser.delete(userId);
        this.order.splice(this.order.indexOf(userId), 1);
      }
      return true;
    }
    return false;
  }

  /** Every waiting item in the order it will be served, each with its 1-based position. */
  projectedOrder(): T[] {
    const lists = this.order.map((u) => [...this.byUser.get(u)!]);
    const out: T[] = [];
    for (let round = 0; out.length < this.count; round++) {
      for (const list of lists) {
        const item = list[round];
        if (item !== undefined) out.push(item);
      }
    }
    return out;
  }

  drain(): T[] {
    const all = this.projectedOrder();
    this.byUser.clear();
    this.order.length = 0;
    this.count = 0;
    return all;
  }
}
