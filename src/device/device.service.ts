import { Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { AuthDevice } from '../auth/auth-user.js';
import { notFoundUnless } from '../auth/scope.js';
import { Clock } from '../common/clock.js';
import { iso } from '../common/iso.js';
import { AudioStorage } from '../storage/audio-storage.js';
import type { QueueBroadcast } from '../push/push.repository.js';
import { QueueItems } from '../push/queue-items.js';
import type { DeviceQueue } from './device.dto.js';
import { DeviceRepository } from './device.repository.js';
import { SeenSpeakers } from './seen-speakers.js';
import { CommuneSchedules } from './commune-schedules.js';

/** What each receiver must play soon, and the audio it may fetch for that. */
@Injectable()
export class DeviceService {
  constructor(
    private readonly device: DeviceRepository,
    private readonly items: QueueItems,
    private readonly communeSchedules: CommuneSchedules,
    private readonly seenSpeakers: SeenSpeakers,
    private readonly storage: AudioStorage,
    private readonly clock: Clock,
  ) {}

  async queue(caller: AuthDevice): Promise<DeviceQueue> {
    const now = this.clock.now();
    const [broadcasts] = await Promise.all([this.broadcastsFor(caller, now), this.seenSpeakers.seen(caller.speakerId, now)]);
    return { now: iso(now)!, items: await this.items.build(broadcasts) };
  }

  /**
   * Streams a segment's rendition (Range, ETag), only if it belongs to a broadcast the speaker has
   * pending or will play within the lookahead: 404 otherwise, as for a segment that does not exist.
   */
  async sendAudio(caller: AuthDevice, segmentId: string, request: IncomingMessage, reply: FastifyReply): Promise<void> {
    const listed = (broadcasts: QueueBroadcast[]) => broadcasts.some((b) => b.segmentIds.includes(segmentId));
    // A receiver fetches a pushed broadcast's audio at once, maybe within the second its commune's
    // schedules are shared from before it was written: read them again before answering 404.
    const now = this.clock.now();
    notFoundUnless(listed(await this.broadcastsFor(caller, now)) || listed(await this.broadcastsFor(caller, now, true)), 'segment');
    await this.storage.sendRendition(request, reply, segmentId);
  }

  /**
   * The speaker's pending deliveries, then the scheduled broadcasts that will target it within the
   * lookahead: those naming it, or naming nobody and covering its commune (emergencies cover
   * subtrees). Ordered by start.
   */
  private async broadcastsFor(caller: AuthDevice, now: Date, fresh = false): Promise<QueueBroadcast[]> {
    const [pending, scheduled] = await Promise.all([this.device.pendingBroadcasts(caller.speakerId), this.communeSchedules.of(caller.communeId, now, fresh)]);
    const pendingIds = new Set(pending.map((b) => b.id));
    // A pending delivery is addressed by definition; a scheduled broadcast naming speakers may not name this one.
    // One that went on air within the schedules' cache second is listed once, as pending.
    const targeted = scheduled.filter((b) => !pendingIds.has(b.id) && (!b.speakerIds || b.speakerIds.includes(caller.speakerId)));
    return [...pending, ...targeted].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.id.localeCompare(b.id));
  }
}
