import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { DeviceNotifier } from '../push/device-notifier.js';
import { BroadcastJobs } from './broadcast-jobs.js';
import { BroadcastEntity } from './broadcast.entity.js';
import { BroadcastsRepository, type MovedBroadcast } from './broadcasts.repository.js';
import { Playlists, validityProblem } from './playlist.js';
import { Preemptions, type Preempted } from './preemptions.js';
import { BroadcastTurns, turnAmong, waitReason } from './turns.js';

/** A cut-in whose turn came earlier than planned. */
export interface MovedUp {
  /** With its new startsAt, endsAt and reason. */
  broadcast: BroadcastEntity;
  /** Its start before. */
  from: Date;
  /** What it still waits for (empty: it starts at once). */
  waitsFor: string[];
  /** The broadcasts taken off that let it move. */
  freedBy: string[];
  preemptions: Preempted;
}

/**
 * SPEC §14 in the other direction: a cut-in waiting for its turn does not go on waiting for a broadcast
 * that was stopped, cancelled or withdrawn (an operator who stops a wrong emergency expects the real one
 * behind it on the air at once). When such a broadcast goes, every cut-in waiting below the same
 * top-level area, first in line first, takes its turn again: now (or its onset), or the end of whatever
 * still holds its speakers, never later than it was. It preempts lower priorities over its new time like
 * any cut-in, receivers are told its new `startsAt`, its dispatch job moves, and each move is audited
 * (`broadcast.move_up`).
 *
 * Race safety, as for the turn itself: all of it happens in the write transaction that takes the
 * broadcasts off, under the turn locks of their top-level areas (PostgreSQL), taken before any of their
 * rows, the order in which every cut-in takes them.
 */
@Injectable()
export class WaitingTurns {
  constructor(
    private readonly turns: BroadcastTurns,
    private readonly broadcasts: BroadcastsRepository,
    private readonly playlists: Playlists,
    private readonly preemptions: Preemptions,
    private readonly jobs: BroadcastJobs,
    private readonly notifier: DeviceNotifier,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Inside the caller's write transaction: `takeOff` takes broadcasts `ids` off (answering those it moved); the cut-ins behind them move up. */
  async release<T extends MovedBroadcast>(manager: EntityManager, ids: string[], takeOff: () => Promise<T[]>): Promise<{ freed: T[]; movedUp: MovedUp[] }> {
    const holders = await manager.find(BroadcastEntity, { where: { id: In(ids) }, select: { id: true, areaPath: true, priority: true } });
    await this.turns.lock(manager, holders.filter((b) => this.turns.holdsTurns(b.priority)).map((b) => b.areaPath));
    const freed = await takeOff();
    const turnsFreed = freed.filter((b) => this.turns.holdsTurns(b.priority));
    if (!turnsFreed.length) return { freed, movedUp: [] };
    return { freed, movedUp: await this.moveUp(manager, turnsFreed, this.clock.now()) };
  }

  /** After commit: receivers told of the new times, dispatch jobs moved, each move audited. */
  async settle(movedUp: MovedUp[]): Promise<void> {
    if (!movedUp.length) return;
    this.notifier.announce(movedUp.map((m) => m.broadcast));
    await this.jobs.dispatchAt(movedUp.map((m) => m.broadcast.startsAt));
    await this.jobs.dropUnscheduled(movedUp.map((m) => m.from));
    for (const { broadcast, from, waitsFor, freedBy, preemptions } of movedUp) {
      await this.preemptions.settle(preemptions);
      await this.audit.record({
        action: 'broadcast.move_up', resourceId: broadcast.id, areaPath: broadcast.areaPath,
        details: {
          title: broadcast.title, from: from.toISOString(), startsAt: broadcast.startsAt.toISOString(), waitsFor, freedBy,
          preempted: [...preemptions.scheduled, ...preemptions.cutOff].map((b) => b.id),
        },
      });
    }
  }

  private async moveUp(manager: EntityManager, freed: MovedBroadcast[], now: Date): Promise<MovedUp[]> {
    await this.turns.lock(manager, freed.map((b) => b.areaPath));
    const movedUp: MovedUp[] = [];
    for (const waiting of await this.turns.waiting(manager, freed.map((b) => b.areaPath), now)) {
      const lengthMs = waiting.endsAt.getTime() - waiting.startsAt.getTime();
      const from = new Date(Math.max(now.getTime(), waiting.notBefore!.getTime()));
      const busy = (await this.turns.holding(manager, waiting, from)).filter((b) => b.id !== waiting.id);
      const turn = turnAmong(busy, from, lengthMs);
      if (turn.startsAt >= waiting.startsAt) continue;
      const next = { startsAt: turn.startsAt, endsAt: new Date(turn.startsAt.getTime() + lengthMs), reason: waitReason(turn) };
      if (await this.invalidAt(manager, waiting, next)) continue;
      if (!(await this.broadcasts.reschedule(manager, waiting, next))) continue;
      const broadcast = { ...waiting, ...next };
      const preemptions = await this.preemptions.under(manager, broadcast, null);
      movedUp.push({ broadcast, from: waiting.startsAt, waitsFor: turn.after.map((b) => b.id), freedBy: freed.map((b) => b.id), preemptions });
    }
    return movedUp;
  }

  /** A segment not yet valid at the earlier time keeps the broadcast where it was. */
  private async invalidAt(manager: EntityManager, broadcast: BroadcastEntity, span: { startsAt: Date; endsAt: Date }): Promise<boolean> {
    const segments = await this.playlists.byIds(broadcast.segmentIds, manager);
    return [...segments.values()].some((segment) => validityProblem(segment, span.startsAt, span.endsAt) !== null);
  }
}
