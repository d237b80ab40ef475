interface UserQueue<T> {
  readonly items: T[];
  /** The round in which this user's next item is due. */
  round: number;
  /** When the user became active: breaks ties within a round. */
  readonly since: number;
}

/**
 * Fair queueing over users in rounds: every active user gets one turn per round, and a user who
 * arrives joins the round being served, ahead of users who already had their turn in it. So one
 * user's fifty jobs delay another user's single job by one slot at most, whenever it arrives.
 * Pure data structure; the pipeline decides what a slot is.
 */
export class FairQueue<T> {
  private readonly users = new Map<string, UserQueue<T>>();
  /** The round of the item served last. */
  private round = 0;
  private arrivals = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(userId: string, item: T): void {
    let user = this.users.get(userId);
    if (!user) {
      user = { items: [], round: this.round, since: this.arrivals++ };
      this.users.set(userId, user);
    } else if (user.items.length === 0) {
      // Back after their queue ran dry: not before their next turn, nor behind the current round.
      user.round = Math.max(user.round, this.round);
    }
    user.items.push(item);
    this.count++;
  }

  shift(): T | undefined {
    const next = this.next(this.users.entries());
    if (!next) return undefined;
    const [, user] = next;
    const item = user.items.shift()!;
    this.count--;
    this.round = user.round;
    user.round++;
    // An idle user is remembered only while their next turn is still ahead of the current round.
    for (const [id, u] of this.users)
      if (u.items.length === 0 && u.round <= this.round) this.users.delete(id);
    return item;
  }

  remove(item: T): boolean {
    for (const [userId, user] of this.users) {
      const i = user.items.indexOf(item);
      if (i < 0) continue;
      user.items.splice(i, 1);
      this.count--;
      if (user.items.length === 0 && user.round <= this.round) this.users.delete(userId);
      return true;
    }
    return false;
  }

  /**
   * Every waiting item in the order it will be served (if nobody else arrives). A user's i-th item
   * is served in round `round + i`, and users within a round go by arrival, so sorting on that
   * pair gives the order shift() would: O(n log n), where replaying shift() cost O(n × users),
   * which a long queue paid on every arrival and every start.
   */
  projectedOrder(): T[] {
    const slots: { round: number; since: number; item: T }[] = [];
    for (const user of this.users.values()) {
      user.items.forEach((item, i) => slots.push({ round: user.round + i, since: user.since, item }));
    }
    slots.sort((a, b) => a.round - b.round || a.since - b.since);
    return slots.map((slot) => slot.item);
  }

  drain(): T[] {
    const all = this.projectedOrder();
    this.users.clear();
    this.count = 0;
    return all;
  }

  private next(users: Iterable<[string, UserQueue<T>]>): [string, UserQueue<T>] | undefined {
    let best: [string, UserQueue<T>] | undefined;
    for (const entry of users) {
      const [, u] = entry;
      if (u.items.length === 0) continue;
      if (!best || u.round < best[1].round || (u.round === best[1].round && u.since < best[1].since))
        best = entry;
    }
    return best;
  }
}
