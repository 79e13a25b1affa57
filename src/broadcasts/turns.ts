import { Injectable } from '@nestjs/common';
import { Brackets, EntityManager, In } from 'typeorm';
import { AreaEntity } from '../areas/area.entity.js';
import { coveringPaths } from '../auth/scope.js';
import { isPostgres } from '../database/sql.js';
import { PRIORITIES, PRIORITY_RANK, type Priority } from '../schedules/schedule.entity.js';
import { BroadcastEntity } from './broadcast.entity.js';
import { firstFreeStart, sharesSpeaker, type Span } from './overlap.js';

/** Where a broadcast that cuts in (an emergency, an alert) is to play. */
export interface CutInTarget {
  /** Path of its area: it plays on that area's subtree. */
  areaPath: string;
  /** Explicit speakers, or null for every speaker of the subtree. */
  speakerIds: string[] | null;
  priority: Priority;
  lengthMs: number;
}

export interface Turn {
  startsAt: Date;
  /** The broadcasts it waits for (empty: it starts at once). */
  after: Array<Pick<BroadcastEntity, 'id' | 'title'>>;
}

/** The lowest priority a cut-in has: broadcasts below it never hold a turn. */
const CUT_IN_RANK = PRIORITY_RANK.priority;

/**
 * One broadcast at a time on a speaker, emergencies included (SPEC §14). A broadcast that cuts in
 * preempts lower priorities, but waits for the broadcasts of its own priority or higher that hold any
 * of its speakers: it starts when the last of those it overlaps ends (`firstFreeStart`). Emergencies
 * and alerts both take their turn here, inside the write transaction that inserts them, and move up
 * here when what they wait for goes (WaitingTurns).
 *
 * Race safety: two turns asked for at once must see each other. SQLite transactions are serial
 * (WriteTransactions). On PostgreSQL a turn locks the top-level area rows above its target: two
 * broadcasts that can share a speaker lie in one top-level area's subtree, so they queue on that
 * row's lock and the second reads the first once it has committed.
 */
@Injectable()
export class BroadcastTurns {
  async next(manager: EntityManager, target: CutInTarget, now: Date): Promise<Turn> {
    await this.lock(manager, [target.areaPath]);
    return turnAmong(await this.holding(manager, target, now), now, target.lengthMs);
  }

  /** Live broadcasts of the target's priority or higher, not yet ended at `now`, that can drive one of its speakers. */
  async holding(manager: EntityManager, target: Omit<CutInTarget, 'lengthMs'>, now: Date): Promise<BroadcastEntity[]> {
    const priorities = PRIORITIES.filter((p) => PRIORITY_RANK[p] >= PRIORITY_RANK[target.priority]);
    const rows = await manager
      .createQueryBuilder(BroadcastEntity, 'b')
      .where('b.status IN (:...live)', { live: ['scheduled', 'on_air'] })
      .andWhere('b.priority IN (:...priorities)', { priorities })
      .andWhere('b.endsAt > :now', { now: now.getTime() })
      .andWhere(
        new Brackets((q) => {
          q.where('b.areaPath LIKE :below', { below: `${target.areaPath}%` }).orWhere('b.areaPath IN (:...above)', { above: coveringPaths(target.areaPath) });
        }),
      )
      .getMany();
    return rows.filter((b) => sharesSpeaker(target.speakerIds ?? 'all', b.speakerIds ?? 'all'));
  }

  /**
   * Cut-ins waiting for their turn (a start later than they asked for) below the top-level areas of
   * `areaPaths`, still to start after `now`, first in line first.
   */
  waiting(manager: EntityManager, areaPaths: string[], now: Date): Promise<BroadcastEntity[]> {
    const tops = topAreas(areaPaths);
    return manager
      .createQueryBuilder(BroadcastEntity, 'b')
      .where(`b.status = 'scheduled' AND b.notBefore IS NOT NULL`)
      .andWhere('b.startsAt > b.notBefore AND b.startsAt > :now', { now: now.getTime() })
      .andWhere(new Brackets((q) => tops.forEach((top, i) => q.orWhere(`b.areaPath LIKE :top${i}`, { [`top${i}`]: `/${top}/%` }))))
      .orderBy('b.startsAt', 'ASC')
      .addOrderBy('b.createdAt', 'ASC')
      .getMany();
  }

  /** Whether a broadcast of this priority can hold a turn some cut-in waits for. */
  holdsTurns(priority: Priority): boolean {
    return PRIORITY_RANK[priority] >= CUT_IN_RANK;
  }

  /** Takes the turn locks of these areas (PostgreSQL), always in one order so that two lockers never deadlock. */
  async lock(manager: EntityManager, areaPaths: string[]): Promise<void> {
    if (!isPostgres(manager) || !areaPaths.length) return;
    const tops = topAreas(areaPaths);
    await manager.createQueryBuilder(AreaEntity, 'a').select('a.id').where({ id: In(tops) }).orderBy('a.id').setLock('pessimistic_write').getMany();
  }
}

/** The first start at or after `from` where `lengthMs` fits between the `busy` broadcasts, and those it waits for. */
export function turnAmong(busy: Array<Span & Pick<BroadcastEntity, 'id' | 'title'>>, from: Date, lengthMs: number): Turn {
  const startsAt = firstFreeStart(busy, from, lengthMs);
  // Everything of its rank holding these speakers before its turn: what it waits for.
  const after = busy.filter((b) => b.startsAt < startsAt);
  return { startsAt, after: after.map(({ id, title }) => ({ id, title })) };
}

/** Why a cut-in starts later than it asked: what it waits for. */
export function waitReason(turn: Turn): string | null {
  return turn.after.length ? `waits for ${turn.after.map((b) => `broadcast ${b.id} (${b.title})`).join(', ')} on shared speakers` : null;
}

const topAreas = (areaPaths: string[]): string[] => [...new Set(areaPaths.map((path) => path.split('/').filter(Boolean)[0]))].sort();
