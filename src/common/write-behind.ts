import { Logger } from '@nestjs/common';

/**
 * The latest value per key, written together once a second by one call instead of one write per
 * request: a national fleet reporting every few seconds costs one statement a second. A batch that
 * fails to write is kept for the next flush, unless a newer value for its key came meanwhile.
 */
export class WriteBehind<V> {
  private pending = new Map<string, V>();
  private flushing?: Promise<void>;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly write: (batch: Array<[string, V]>) => Promise<void>,
    private readonly logger: Logger,
    private readonly what: string,
    intervalMs = 1000,
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  set(key: string, value: V): void {
    this.pending.set(key, value);
  }

  flush(): Promise<void> {
    if (this.flushing || !this.pending.size) return this.flushing ?? Promise.resolve();
    const batch = this.pending;
    this.pending = new Map();
    this.flushing = this.write([...batch])
      .catch((error: Error) => {
        for (const [key, value] of batch) if (!this.pending.has(key)) this.pending.set(key, value);
        this.logger.warn(`could not record ${batch.size} ${this.what}: ${error.message}`);
      })
      .finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flushing;
    await this.flush();
  }
}
