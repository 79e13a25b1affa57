/**
 * Exponential backoff with full jitter: the n-th wait is uniform in [0, min(maxMs, firstMs * 2^n)].
 * Spreading every wait over its whole window is what keeps a fleet that lost the server at the same
 * moment (an api restart) from coming back in the same second.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly firstMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** The next wait, in milliseconds. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.firstMs * 2 ** this.attempt);
    if (ceiling < this.maxMs) this.attempt++;
    return Math.round(this.random() * ceiling);
  }

  reset(): void {
    this.attempt = 0;
  }
}

/**
 * The wait before the next queue poll: the interval ± 20%, except the first poll after the push
 * channel was lost, which is spread over the whole interval. A fleet whose streams all dropped with one
 * api process would otherwise poll together 24–36 s later, on top of its reconnects, and overflow the
 * api's accept queue just as it comes back.
 */
export function pollWait(intervalMs: number, pushJustLost: boolean, random: () => number = Math.random): number {
  return Math.round(pushJustLost ? random() * intervalMs : intervalMs * (0.8 + random() * 0.4));
}

/** Resolves after `ms`, or at once (false) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const done = (completed: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(completed);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A loop's sleep that others can cut short: new work arrived (receipts to send, audio to fetch), or
 * something the loop waits on changed. A wake while the loop is not asleep is not remembered: the loop
 * looks at its work before it sleeps again.
 */
export class Waker {
  private current: AbortController | null = null;

  /** Sleeps `ms`, until woken or until `signal` aborts; true if the whole time passed. */
  async sleep(ms: number, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return false;
    const controller = new AbortController();
    this.current = controller;
    const stop = () => controller.abort();
    signal.addEventListener('abort', stop, { once: true });
    try {
      return await sleep(ms, controller.signal);
    } finally {
      signal.removeEventListener('abort', stop);
    }
  }

  wake(): void {
    this.current?.abort();
  }
}
