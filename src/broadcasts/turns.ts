import { Injectable } from '@nestjs/common';
import { Brackets, EntityManager } from 'typeorm';
import { AreaEntity } from '../areas/area.entity.js';
import { coveringPaths } from '../auth/scope.js';
import { isPostgres } from '../database/sql.js';
import { PRIORITIES, PRIORITY_RANK, type Priority } from '../schedules/schedule.entity.js';
import { BroadcastEntity } from './broadcast.entity.js';
import { firstFreeStart, sharesSpeaker } from './overlap.js';

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
  after: Array<Pick<BroadcastEntity, 'id' | 'title' | 'endsAt'>>;
}

/**
 * One broadcast at a time on a speaker, emergencies included (SPEC §14). A broadcast that cuts in
 * preempts lower priorities, but waits for the broadcasts of its own priority or higher that hold any
 * of its speakers: it starts when the last of those it overlaps ends (`firstFreeStart`). Emergencies
 * and alerts both take their turn here, inside the write transaction that inserts them.
 *
 * Race safety: two turns asked for at once must see each other. SQLite transactions are serial
 * (WriteTransactions). On PostgreSQL the turn locks the top-level area rows above its target: two
 * broadcasts that can share a speaker lie in one top-level area's subtree, so they queue on that
 * row's lock and the second reads the first once it has committed.
 */
@Injectable()
export class BroadcastTurns {
  async next(manager: EntityManager, target: CutInTarget, now: Date): Promise<Turn> {
    await this.lockTopArea(manager, target.areaPath);
    const holding = await this.holding(manager, target, now);
    const startsAt = firstFreeStart(holding, now, target.lengthMs);
    // Everything of its rank holding these speakers before its turn: what it waits for.
    const after = holding.filter((b) => b.startsAt < startsAt);
    return { startsAt, after: after.map(({ id, title, endsAt }) => ({ id, title, endsAt })) };
  }

  /** Live broadcasts of the target's priority or higher, not yet ended, that can drive one of its speakers. */
  private async holding(manager: EntityManager, target: CutInTarget, now: Date): Promise<BroadcastEntity[]> {
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

  private async lockTopArea(manager: EntityManager, areaPath: string): Promise<void> {
    if (!isPostgres(manager)) return;
    const top = areaPath.split('/').filter(Boolean)[0];
    await manager.createQueryBuilder(AreaEntity, 'a').select('a.id').where('a.id = :top', { top }).setLock('pessimistic_write').getMany();
  }
}
