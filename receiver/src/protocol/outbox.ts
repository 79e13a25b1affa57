import type { Receipt } from './types.js';

/**
 * The outbox journal's records. A receipt is `queued` until the server has answered for it
 * (`answered`). `started` marks a broadcast whose playback began, so that one cut short by a crash
 * or power loss still gets its (`interrupted`) receipt after the restart. `handled` keeps, after
 * the journal is compacted, which broadcasts were dealt with, so none is played or reported twice.
 */
export type OutboxRecord =
  | { t: 'queued'; receipt: Receipt; until: number }
  | { t: 'answered'; ids: string[] }
  | { t: 'started'; broadcastId: string; startedAt: string; until: number }
  | { t: 'handled'; broadcastId: string; until: number };

/** Where the journal lives: a file fsync'd on every append (the agent), or memory (the simulator). */
export interface OutboxStore {
  /** Every record appended and not compacted away, in order (a torn last record is left out). */
  load(): Promise<OutboxRecord[]>;
  /** Appends records; resolves only once they would survive a power loss. */
  append(records: OutboxRecord[]): Promise<void>;
  /** Replaces the whole journal atomically (write aside, flush, rename). */
  rewrite(records: OutboxRecord[]): Promise<void>;
}

/** How long a handled broadcast is remembered after its end (the server stops listing it long before). */
export const HANDLED_FOR_MS = 2 * 86_400_000;
/** Compact once the journal holds this many records more than its live state. */
const COMPACT_AFTER = 2000;

/**
 * The durable receipt outbox. A receipt counts as sent once it is in the journal; it leaves only
 * when the server has answered `accepted` or `duplicates` for it. Nothing is lost across kill -9 or
 * power loss (every append is flushed), nothing doubled (each broadcast gets one receipt: once
 * queued or answered, it is handled).
 */
export class Outbox {
  private readonly queued = new Map<string, { receipt: Receipt; until: number }>();
  private readonly started = new Map<string, { startedAt: string; until: number }>();
  private readonly handled = new Map<string, number>();
  /** Broadcasts whose record is being written: handled from the call on, durable when it resolves. */
  private readonly claimed = new Set<string>();
  private records = 0;
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly store: OutboxStore) {}

  /**
   * Opens the journal. A playback that began and never got its receipt was cut by a crash: its
   * receipt says `interrupted` (when exactly it stopped is unknown, so no finishedAt).
   */
  static async open(store: OutboxStore, now: number): Promise<Outbox> {
    const outbox = new Outbox(store);
    for (const record of await store.load()) outbox.apply(record);
    const cut = [...outbox.started].map(([broadcastId, s]): OutboxRecord => ({
      t: 'queued',
      until: s.until,
      receipt: { broadcastId, status: 'interrupted', startedAt: s.startedAt, finishedAt: null, error: 'the receiver stopped during playback (crash or power loss)' },
    }));
    for (const record of cut) outbox.apply(record);
    for (const [id, until] of outbox.handled) if (until < now) outbox.handled.delete(id);
    await outbox.compact();
    return outbox;
  }

  /** Receipts waiting for the server's answer, oldest first. */
  pending(): Receipt[] {
    return [...this.queued.values()].map((q) => q.receipt);
  }

  get size(): number {
    return this.queued.size;
  }

  /** Whether this broadcast was already played (or reported) here: it must not be again. */
  isHandled(broadcastId: string): boolean {
    return this.claimed.has(broadcastId) || this.queued.has(broadcastId) || this.handled.has(broadcastId) || this.started.has(broadcastId);
  }

  /** Records that playback of a broadcast began (ending at `endsAt`, server ms). */
  begin(broadcastId: string, startedAt: string, endsAt: number): Promise<void> {
    this.claim(broadcastId);
    return this.write([{ t: 'started', broadcastId, startedAt, until: endsAt + HANDLED_FOR_MS }]);
  }

  /** Queues a receipt; resolves once it is durable. */
  add(receipt: Receipt, endsAt: number): Promise<void> {
    if (this.queued.has(receipt.broadcastId) || this.handled.has(receipt.broadcastId)) return Promise.resolve(); // the first receipt stands
    this.claim(receipt.broadcastId);
    return this.write([{ t: 'queued', receipt, until: Math.max(endsAt, Date.parse(receipt.startedAt) || 0) + HANDLED_FOR_MS }]);
  }

  /** The server answered for these broadcasts' receipts (accepted, duplicates, or refused for good). */
  answered(broadcastIds: string[]): Promise<void> {
    const ids = broadcastIds.filter((id) => this.queued.has(id));
    return ids.length ? this.write([{ t: 'answered', ids }]) : Promise.resolve();
  }

  private claim(broadcastId: string): void {
    this.claimed.add(broadcastId);
    // Claims only bridge the write; the journal's own state takes over once it is durable.
    if (this.claimed.size > 1000) for (const id of this.claimed) if (this.queued.has(id) || this.handled.has(id)) this.claimed.delete(id);
  }

  private write(records: OutboxRecord[]): Promise<void> {
    // Appends are serialised: the journal's order is the order of the calls. One that failed (disk
    // full) fails its caller and does not block the next.
    const next = this.writing.catch(() => undefined).then(async () => {
      await this.store.append(records);
      for (const record of records) this.apply(record);
      if (this.records > this.liveRecords() + COMPACT_AFTER) await this.compact();
    });
    this.writing = next;
    return next;
  }

  private apply(record: OutboxRecord): void {
    this.records++;
    switch (record.t) {
      case 'queued':
        this.started.delete(record.receipt.broadcastId);
        if (!this.handled.has(record.receipt.broadcastId) && !this.queued.has(record.receipt.broadcastId)) this.queued.set(record.receipt.broadcastId, { receipt: record.receipt, until: record.until });
        break;
      case 'answered':
        for (const id of record.ids) {
          const q = this.queued.get(id);
          this.queued.delete(id);
          this.handled.set(id, q?.until ?? Date.now() + HANDLED_FOR_MS);
        }
        break;
      case 'started':
        if (!this.queued.has(record.broadcastId) && !this.handled.has(record.broadcastId)) this.started.set(record.broadcastId, { startedAt: record.startedAt, until: record.until });
        break;
      case 'handled':
        this.handled.set(record.broadcastId, record.until);
        break;
    }
  }

  private liveRecords(): number {
    return this.queued.size + this.started.size + this.handled.size;
  }

  private async compact(): Promise<void> {
    const records: OutboxRecord[] = [
      ...[...this.handled].map(([broadcastId, until]): OutboxRecord => ({ t: 'handled', broadcastId, until })),
      ...[...this.started].map(([broadcastId, s]): OutboxRecord => ({ t: 'started', broadcastId, startedAt: s.startedAt, until: s.until })),
      ...[...this.queued.values()].map((q): OutboxRecord => ({ t: 'queued', receipt: q.receipt, until: q.until })),
    ];
    await this.store.rewrite(records);
    this.records = records.length;
  }
}
