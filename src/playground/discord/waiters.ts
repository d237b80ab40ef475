interface Waiter<T> {
  pred: (item: T) => boolean;
  resolve: (item: T) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Promises for "the first past or future item that matches", with a timeout that names what was awaited. */
export class Waiters<T> {
  private readonly pending = new Set<Waiter<T>>();

  constructor(
    private readonly past: () => readonly T[],
    private readonly what: string,
  ) {}

  wait(pred: (item: T) => boolean, timeoutMs: number): Promise<T> {
    const found = this.past().find((item) => safeMatch(pred, item));
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        pred,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.pending.delete(waiter);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${this.what}`));
        }, timeoutMs),
      };
      this.pending.add(waiter);
    });
  }

  /** Offers an item that appeared or changed. */
  notify(item: T): void {
    for (const waiter of this.pending) {
      if (!safeMatch(waiter.pred, item)) continue;
      clearTimeout(waiter.timer);
      this.pending.delete(waiter);
      waiter.resolve(item);
    }
  }

  rejectAll(reason: string): void {
    for (const waiter of this.pending) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(reason));
    }
    this.pending.clear();
  }
}

/** A predicate that throws (say, on a half-built record) simply does not match yet. */
function safeMatch<T>(pred: (item: T) => boolean, item: T): boolean {
  try {
    return pred(item);
  } catch {
    return false;
  }
}
