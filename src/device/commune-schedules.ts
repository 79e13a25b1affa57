import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { AreasRepository } from '../areas/areas.repository.js';
import { coveringPaths } from '../auth/scope.js';
import { AppConfig } from '../config/app-config.js';
import type { QueueBroadcast } from '../push/push.repository.js';
import { DeviceRepository } from './device.repository.js';

/** Well under a receiver's poll interval: a new or cancelled broadcast shows on the next poll or the one after. */
const TTL_MS = 1000;
const MAX_COMMUNES = 20_000;

/**
 * The broadcasts scheduled within the lookahead for a commune (its own and its ancestors'), shared
 * for a second by every receiver of the commune: a hundred receivers polling every few seconds read
 * them from the database once a second, not a hundred times. A broadcast going on air reaches its
 * receivers through their pending deliveries, which are read on every poll.
 */
@Injectable()
export class CommuneSchedules {
  private readonly cache = new LRUCache<string, QueueBroadcast[]>({ max: MAX_COMMUNES, ttl: TTL_MS });

  constructor(private readonly device: DeviceRepository, private readonly areas: AreasRepository, private readonly config: AppConfig) {}

  /**
   * Scheduled broadcasts of the commune (and above) that have not ended and start within the lookahead
   * from `now`; `fresh` reads past the shared second (a receiver told of a broadcast by push a moment ago).
   */
  async of(communeId: string, now: Date, fresh = false): Promise<QueueBroadcast[]> {
    const until = now.getTime() + this.config.LOA_DEVICE_LOOKAHEAD_HOURS * 3_600_000;
    let broadcasts = fresh ? undefined : this.cache.get(communeId);
    if (!broadcasts) {
      const communePath = await this.areas.pathOf(communeId);
      // Read a TTL further ahead, so whoever uses this entry within the TTL misses nothing of its own lookahead.
      broadcasts = await this.device.scheduledBroadcasts(communePath ? coveringPaths(communePath) : [], now, new Date(until + TTL_MS));
      this.cache.set(communeId, broadcasts);
    }
    return broadcasts.filter((b) => b.startsAt.getTime() < until && b.endsAt > now);
  }
}
