import { Backoff, Waker } from './backoff.js';
import { DeviceApiError, type DeviceApi } from './api.js';
import type { Outbox } from './outbox.js';
import type { ReceiverLog } from './events.js';
import type { Receipt, ReceiptsRefused } from './types.js';

export const MAX_BATCH = 500;

/**
 * Sends the outbox's receipts in batches, retrying with backoff while the server cannot be reached.
 * A receipt leaves the outbox only once the server answered for it: `accepted` or `duplicates`
 * (the first terminal receipt of a delivery wins), or a refusal that no retry can change (404: not
 * addressed to this speaker; 400: a receipt the server cannot take, isolated by resending the
 * batch one receipt at a time).
 */
export class ReceiptSender {
  private readonly backoff = new Backoff(2000, 300_000);
  private readonly waker = new Waker();
  private running = false;

  constructor(
    private readonly api: DeviceApi,
    private readonly outbox: Outbox,
    private readonly log: ReceiverLog,
    private readonly batchSize = 100,
    /** Called on 401: the token may have been replaced. */
    private readonly onUnauthorized: () => void = () => {},
  ) {}

  /** Sends now: new receipts, or the server is back. */
  kick(): void {
    this.backoff.reset();
    this.waker.wake();
  }

  /** Runs until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (!signal.aborted) {
        let delay: number | null = null;
        if (this.outbox.size) {
          try {
            await this.sendAll();
            this.backoff.reset();
          } catch (error) {
            if (error instanceof DeviceApiError && error.unauthorized) this.onUnauthorized();
            delay = this.backoff.next();
            this.log({ level: 'warn', event: 'receipts-kept', outbox: this.outbox.size, retryInMs: delay, error: (error as Error).message });
          }
        }
        // Sleep until kicked (new receipts) or, after a failure, until the retry is due.
        await this.waker.sleep(delay ?? 3_600_000, signal);
      }
    } finally {
      this.running = false;
    }
  }

  /** Sends everything in the outbox; throws when the server cannot take it now. */
  async sendAll(): Promise<void> {
    for (;;) {
      const batch = this.outbox.pending().slice(0, Math.min(this.batchSize, MAX_BATCH));
      if (!batch.length) return;
      await this.send(batch);
    }
  }

  private async send(batch: Receipt[]): Promise<void> {
    try {
      const answer = await this.api.receipts(batch);
      await this.outbox.answered(batch.map((r) => r.broadcastId));
      this.log({ level: 'info', event: 'receipts-sent', count: batch.length, accepted: answer.accepted, duplicates: answer.duplicates, outbox: this.outbox.size });
    } catch (error) {
      if (!(error instanceof DeviceApiError)) throw error;
      const unknown = (error.body as Partial<ReceiptsRefused> | undefined)?.unknownBroadcastIds;
      if (error.status === 404 && Array.isArray(unknown) && unknown.length) {
        // Nothing of the batch was recorded: drop the refused ones, the rest go in the next batch.
        await this.outbox.answered(unknown);
        this.log({ level: 'warn', event: 'receipts-refused', broadcastIds: unknown, error: error.message });
        return;
      }
      if (error.status === 400 && batch.length > 1) {
        for (const receipt of batch) await this.send([receipt]);
        return;
      }
      if (error.status === 400) {
        await this.outbox.answered([batch[0].broadcastId]);
        this.log({ level: 'error', event: 'receipts-refused', receipt: batch[0], error: error.message });
        return;
      }
      throw error;
    }
  }
}
