import { coveringPaths } from '../auth/scope.js';
import type { BroadcastEntity } from '../broadcasts/broadcast.entity.js';
import { overlaps, type LiveBroadcast, type Span } from '../broadcasts/overlap.js';

export type LiveRow = Pick<BroadcastEntity, 'id' | 'scheduleId' | 'areaPath' | 'startsAt' | 'endsAt' | 'priority' | 'status' | 'speakerIds'>;

/**
 * The live broadcasts (scheduled or on air) that a batch of schedules being materialised together can
 * meet: read once for the whole batch, then kept current as the batch adds broadcasts and preempts
 * others, so each schedule sees what the ones before it in the batch did, as if each had its own
 * transaction.
 */
export class LiveAround {
  private readonly byPath = new Map<string, LiveRow[]>();
  private readonly gone = new Set<string>();

  constructor(rows: readonly LiveRow[]) {
    for (const row of rows) this.add(row);
  }

  add(row: LiveRow): void {
    const rows = this.byPath.get(row.areaPath);
    if (rows) rows.push(row);
    else this.byPath.set(row.areaPath, [row]);
  }

  /** A broadcast of the batch's view that is no longer live (preempted). */
  remove(id: string): void {
    this.gone.add(id);
  }

  /**
   * What can share speakers with a broadcast of the commune at `communePath` within the spans: the
   * commune's own broadcasts (other schedules') and those of the areas above it, whose emergencies
   * cover every speaker below.
   */
  around(communePath: string, spans: readonly Span[], exceptScheduleId: string | null): LiveBroadcast[] {
    const found: LiveBroadcast[] = [];
    for (const path of coveringPaths(communePath)) {
      for (const row of this.byPath.get(path) ?? []) {
        if (this.gone.has(row.id) || (exceptScheduleId !== null && row.scheduleId === exceptScheduleId)) continue;
        if (!spans.some((span) => overlaps(span, row))) continue;
        found.push({
          id: row.id, startsAt: row.startsAt, endsAt: row.endsAt, priority: row.priority, status: row.status as LiveBroadcast['status'],
          targets: row.areaPath === communePath ? row.speakerIds ?? 'all' : 'all',
        });
      }
    }
    return found;
  }
}
