import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { IncomingMessage } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { AuthDevice } from '../auth/auth-user.js';
import { notFoundUnless } from '../auth/scope.js';
import { Clock } from '../common/clock.js';
import { iso } from '../common/iso.js';
import { AudioStorage } from '../storage/audio-storage.js';
import type { DeviceQueue, DeviceQueueItem } from './device.dto.js';
import { DeviceRepository, type QueueBroadcast, type Rendition } from './device.repository.js';
import { SeenSpeakers } from './seen-speakers.js';
import { CommuneSchedules } from './commune-schedules.js';

export const DEVICE_AUDIO_PATH = '/api/v1/device/audio';
const RENDITION_CACHE_SIZE = 10_000;

/** What each receiver must play soon, and the audio it may fetch for that. */
@Injectable()
export class DeviceService {
  private readonly renditions = new LRUCache<string, Rendition>({ max: RENDITION_CACHE_SIZE });

  constructor(
    private readonly device: DeviceRepository,
    private readonly communeSchedules: CommuneSchedules,
    private readonly seenSpeakers: SeenSpeakers,
    private readonly storage: AudioStorage,
    private readonly clock: Clock,
  ) {}

  async queue(caller: AuthDevice): Promise<DeviceQueue> {
    const now = this.clock.now();
    const [broadcasts] = await Promise.all([this.broadcastsFor(caller, now), this.seenSpeakers.seen(caller.speakerId, now)]);
    const renditions = await this.renditionsOf(broadcasts.flatMap((b) => b.segmentIds));
    const items = broadcasts.map((b): DeviceQueueItem => ({
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
    return { now: iso(now)!, items };
  }

  /**
   * Streams a segment's rendition (Range, ETag), only if it belongs to a broadcast the speaker has
   * pending or will play within the lookahead: 404 otherwise, as for a segment that does not exist.
   */
  async sendAudio(caller: AuthDevice, segmentId: string, request: IncomingMessage, reply: FastifyReply): Promise<void> {
    const broadcasts = await this.broadcastsFor(caller, this.clock.now());
    notFoundUnless(broadcasts.some((b) => b.segmentIds.includes(segmentId)), 'segment');
    await this.storage.sendRendition(request, reply, segmentId);
  }

  /**
   * The speaker's pending deliveries, then the scheduled broadcasts that will target it within the
   * lookahead: those naming it, or naming nobody and covering its commune (emergencies cover
   * subtrees). Ordered by start.
   */
  private async broadcastsFor(caller: AuthDevice, now: Date): Promise<QueueBroadcast[]> {
    const [pending, scheduled] = await Promise.all([this.device.pendingBroadcasts(caller.speakerId), this.communeSchedules.of(caller.communeId, now)]);
    const pendingIds = new Set(pending.map((b) => b.id));
    // A pending delivery is addressed by definition; a scheduled broadcast naming speakers may not name this one.
    // One that went on air within the schedules' cache second is listed once, as pending.
    const targeted = scheduled.filter((b) => !pendingIds.has(b.id) && (!b.speakerIds || b.speakerIds.includes(caller.speakerId)));
    return [...pending, ...targeted].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.id.localeCompare(b.id));
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
      for (const rendition of await this.device.renditions([...missing])) {
        known.set(rendition.id, rendition);
        if (rendition.renditionSha256) this.renditions.set(rendition.id, rendition);
      }
    }
    return known;
  }
}
