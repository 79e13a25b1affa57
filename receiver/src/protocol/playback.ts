import type { ServerClock } from './clock.js';
import type { Downloads } from './downloads.js';
import type { ReceiverLog } from './events.js';
import type { Outbox } from './outbox.js';
import { plan, steps, type Candidate } from './planner.js';
import type { QueueState } from './queue-state.js';
import type { PlayingNow, QueueItem, QueueSegment, Receipt } from './types.js';

/** Plays audio: a player process on the box, a timer in the simulator. */
export interface Player {
  /** Plays one segment to its end; rejects if it could not. Aborting `signal` stops it at once. */
  play(segment: QueueSegment, signal: AbortSignal): Promise<void>;
  /** Silence between passes. */
  silence(ms: number, signal: AbortSignal): Promise<void>;
}

interface Current {
  item: QueueItem;
  startedAt: string;
  controller: AbortController;
  /** Why it was cut, once it was. */
  cutReason?: string;
  /** Settles when its player has stopped (the next one must not open the audio device before). */
  stopped: Promise<void>;
}

/**
 * Runs the planner against what the receiver knows and carries out its decisions: starts broadcasts
 * on time, cuts one for a higher priority or a cancel, and queues each broadcast's receipt.
 */
export class Playback {
  private current: Current | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(
    private readonly state: QueueState,
    private readonly outbox: Outbox,
    private readonly downloads: Downloads,
    private readonly clock: ServerClock,
    private readonly player: Player,
    private readonly log: ReceiverLog,
    /** A broadcast was settled (its receipt queued): send it, and refresh what to download. */
    private readonly onSettled: () => void,
    /** Playback of a broadcast started or ended (played, cut, failed): what `playing()` says changed. */
    private readonly onPlayingChanged: () => void = () => {},
  ) {}

  /** What is on the air now; null also while the next one waits for a cut one's player to stop. */
  playing(): PlayingNow | null {
    return this.current?.startedAt ? { broadcastId: this.current.item.broadcastId, priority: this.current.item.priority, startedAt: this.current.startedAt } : null;
  }

  /** Decides again what to do now: something was learned, downloaded, cancelled, or ended. */
  replan(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const now = this.clock.now();
    const playingId = this.current?.item.broadcastId;
    const candidates: Candidate[] = this.state
      .list()
      .filter((k) => k.item.broadcastId !== playingId && !this.outbox.isHandled(k.item.broadcastId))
      .map((k) => ({ item: k.item, learnedAt: k.learnedAt, ready: this.downloads.ready(k.item), problem: this.downloads.problem(k.item) }));
    const decision = plan(now, candidates, this.current ? { broadcastId: this.current.item.broadcastId, priority: this.current.item.priority } : null);
    for (const { broadcastId, error } of decision.fail) {
      const known = this.state.get(broadcastId)!;
      this.state.forget(broadcastId);
      // Enough to tell why from the log alone: too late to start, or its audio never came.
      const lateMs = Math.round(now - Date.parse(known.item.startsAt));
      this.log({ level: 'warn', event: 'not-played', broadcastId, error, startsAt: known.item.startsAt, lateMs, learnedLateMs: Math.round(known.learnedAt - Date.parse(known.item.startsAt)), audioReady: this.downloads.ready(known.item) });
      void this.report(known.item, { broadcastId, status: 'failed', startedAt: this.clock.iso(now), finishedAt: this.clock.iso(now), error });
    }
    if (decision.start) {
      const next = this.state.get(decision.start)!.item;
      if (decision.cut && this.current) this.cut(this.current, `cut by ${next.priority} broadcast ${next.broadcastId}`);
      this.begin(next, candidates.find((c) => c.item.broadcastId === next.broadcastId)!.learnedAt);
    }
    if (decision.wakeAt !== null) this.timer = setTimeout(() => this.replan(), Math.max(0, decision.wakeAt - this.clock.now()));
  }

  /** The server withdrew a broadcast (cancel, stop, preempt, skip): it stops at once if playing. */
  cancel(broadcastId: string, reason: string): void {
    if (this.current?.item.broadcastId === broadcastId) this.cut(this.current, reason);
    else if (this.state.forget(broadcastId)) this.log({ level: 'info', event: 'withdrawn', broadcastId, reason });
    this.replan();
  }

  /** Stops playing without a receipt: the process is going down, and the journal's `started` mark gives the receipt at the next start. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const current = this.current;
    current?.controller.abort();
    await current?.stopped;
  }

  private cut(current: Current, reason: string): void {
    current.cutReason = reason;
    current.controller.abort();
  }

  private begin(item: QueueItem, learnedAt: number): void {
    const previous = this.current?.stopped;
    const controller = new AbortController();
    let stopped!: () => void;
    const current: Current = { item, startedAt: '', controller, stopped: new Promise((resolve) => (stopped = resolve)) };
    this.current = current;
    void this.play(current, previous, learnedAt).finally(stopped);
  }

  private async play(current: Current, previous: Promise<void> | undefined, learnedAt: number): Promise<void> {
    const { item, controller } = current;
    const { signal } = controller;
    await previous;
    const startedMs = this.clock.now();
    current.startedAt = this.clock.iso(startedMs);
    const lateMs = Math.round(startedMs - Date.parse(item.startsAt));
    this.log({ level: 'info', event: 'play-start', broadcastId: item.broadcastId, priority: item.priority, startsAt: item.startsAt, lateMs, learnedLateMs: Math.max(0, Math.round(learnedAt - Date.parse(item.startsAt))) });
    this.onPlayingChanged();
    const begun = this.outbox.begin(item.broadcastId, current.startedAt, Date.parse(item.endsAt)).catch((error: Error) => this.log({ level: 'error', event: 'outbox-failed', error: error.message }));
    let failure: string | undefined;
    for (const step of steps(item)) {
      if (signal.aborted) break;
      try {
        if ('gapSec' in step) await this.player.silence(step.gapSec * 1000, signal);
        else await this.player.play(step.segment, signal);
      } catch (error) {
        if (signal.aborted) break;
        failure = (error as Error).message;
        break;
      }
    }
    await begun;
    if (this.closed) return;
    const finishedAt = this.clock.iso();
    const receipt: Receipt = current.cutReason
      ? { broadcastId: item.broadcastId, status: 'interrupted', startedAt: current.startedAt, finishedAt, error: current.cutReason }
      : failure
        ? { broadcastId: item.broadcastId, status: 'failed', startedAt: current.startedAt, finishedAt, error: failure }
        : { broadcastId: item.broadcastId, status: 'played', startedAt: current.startedAt, finishedAt };
    this.log({ level: receipt.status === 'played' ? 'info' : 'warn', event: 'play-end', broadcastId: item.broadcastId, status: receipt.status, error: receipt.error });
    this.state.forget(item.broadcastId);
    if (this.current === current) {
      this.current = null;
      this.onPlayingChanged(); // nothing plays now (a cut one's successor says so when it starts)
    }
    await this.report(item, receipt);
    this.replan();
  }

  private async report(item: QueueItem, receipt: Receipt): Promise<void> {
    try {
      await this.outbox.add(receipt, Date.parse(item.endsAt));
      this.onSettled();
    } catch (error) {
      this.log({ level: 'error', event: 'outbox-failed', broadcastId: receipt.broadcastId, error: (error as Error).message });
    }
  }
}
