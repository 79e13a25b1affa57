import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { BroadcastEntity } from '../broadcasts/broadcast.entity.js';
import { iso } from '../common/iso.js';
import type { DeviceQueueItem } from '../device/device.dto.js';
import { PushRepository, type QueueBroadcast, type Rendition } from './push.repository.js';

export const DEVICE_AUDIO_PATH = '/api/v1/device/audio';
const RENDITION_CACHE_SIZE = 10_000;

/**
 * Builds device queue items: the one code path behind `/device/queue` and the push channel's
 * `broadcast` events, so a receiver reads the same item from both.
 */
@Injectable()
export class QueueItems {
  private readonly renditions = new LRUCache<string, Rendition>({ max: RENDITION_CACHE_SIZE });

  constructor(private readonly repository: PushRepository) {}

  async build(broadcasts: QueueBroadcast[]): Promise<DeviceQueueItem[]> {
    const renditions = await this.renditionsOf(broadcasts.flatMap((b) => b.segmentIds));
    return broadcasts.map((b) => ({
      broadcastId: b.id,
      startsAt: iso(b.startsAt)!,
      endsAt: iso(b.endsAt)!,
      priority: b.priority,
      repeat: b.repeat,
      gapSec: b.gapSec,
      segments: b.segmentIds.map((id, i) => ({
        id,
        url: `${DEVICE_AUDIO_PATH}/${id}`,
        sha256: renditions.get(id)?.renditionSha256 ?? null,
        // The broadcast's own snapshot: the one its endsAt was computed from.
        durationSec: b.segmentDurations[i] ?? renditions.get(id)?.durationSec ?? 0,
      })),
    }));
  }

  /**
   * A segment's rendition never changes once rendered (a new file is a new segment), so its
   * checksum is cached; only segments not seen before cost a query.
   */
  private async renditionsOf(segmentIds: string[]): Promise<Map<string, Rendition>> {
    const known = new Map<string, Rendition>();
    const missing = new Set<string>();
    for (const id of segmentIds) {
      const rendition = this.renditions.get(id);
      if (rendition) known.set(id, rendition);
      else missing.add(id);
    }
    if (missing.size) {
      for (const rendition of await this.repository.renditions([...missing])) {
        known.set(rendition.id, rendition);
        if (rendition.renditionSha256) this.renditions.set(rendition.id, rendition);
      }
    }
    return known;
  }
}
