import { Injectable } from '@nestjs/common';
import { AreasRepository } from '../areas/areas.repository.js';
import type { AuthDevice } from '../auth/auth-user.js';
import { notFoundUnless } from '../auth/scope.js';
import { Clock } from '../common/clock.js';
import { iso } from '../common/iso.js';
import { AppConfig } from '../config/app-config.js';
import { SpeakersRepository } from '../speakers/speakers.repository.js';
import type { DeviceQueue, DeviceQueueItem } from './device.dto.js';
import { DeviceRepository, type QueueBroadcast } from './device.repository.js';

export const DEVICE_AUDIO_PATH = '/api/v1/device/audio';

/** `/p/d/c/` → [`/p/`, `/p/d/`, `/p/d/c/`]: every area whose broadcasts cover the commune. */
export function coveringPaths(communePath: string): string[] {
  const ids = communePath.split('/').filter(Boolean);
  return ids.map((_, i) => `/${ids.slice(0, i + 1).join('/')}/`);
}

/** What each receiver must play soon, and the audio it may fetch for that. */
@Injectable()
export class DeviceService {
  /** Last lastSeenAt write per speaker: polls every few seconds need not each cost a database write. */
  private readonly seenWrittenAt = new Map<string, number>();

  constructor(
    private readonly device: DeviceRepository,
    private readonly areas: AreasRepository,
    private readonly speakers: SpeakersRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async queue(caller: AuthDevice): Promise<DeviceQueue> {
    const now = this.clock.now();
    const [broadcasts] = await Promise.all([this.broadcastsFor(caller, now), this.markSeen(caller.speakerId, now)]);
    const renditions = new Map((await this.device.renditions([...new Set(broadcasts.flatMap((b) => b.segmentIds))])).map((s) => [s.id, s]));
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
        durationSec: b.segmentDurations[i] ?? renditions.get(id)?.durationSec ?? 0,
      })),
    }));
    return { now: iso(now)!, items };
  }

  /** 404 unless the segment belongs to a broadcast the speaker has pending or will play within the lookahead. */
  async assertAudioAllowed(caller: AuthDevice, segmentId: string): Promise<void> {
    const broadcasts = await this.broadcastsFor(caller, this.clock.now());
    notFoundUnless(broadcasts.some((b) => b.segmentIds.includes(segmentId)), 'segment');
  }

  /**
   * The speaker's pending deliveries, then the scheduled broadcasts that will target it within the
   * lookahead: those naming it, or naming nobody and covering its commune (emergencies cover
   * subtrees). Ordered by start.
   */
  private async broadcastsFor(caller: AuthDevice, now: Date): Promise<QueueBroadcast[]> {
    const communePath = await this.areas.pathOf(caller.communeId);
    const until = new Date(now.getTime() + this.config.LOA_DEVICE_LOOKAHEAD_HOURS * 3_600_000);
    const [pending, scheduled] = await Promise.all([
      this.device.pendingBroadcasts(caller.speakerId),
      communePath ? this.device.scheduledBroadcasts(coveringPaths(communePath), now, until) : [],
    ]);
    const upcoming = scheduled.filter((b) => (b.speakerIds ? b.speakerIds.includes(caller.speakerId) : true));
    return [...pending, ...upcoming].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.id.localeCompare(b.id));
  }

  private async markSeen(speakerId: string, now: Date): Promise<void> {
    // Never coarser than a quarter of the offline threshold, so `online` stays truthful.
    const interval = Math.min(5_000, this.config.LOA_SPEAKER_OFFLINE_SEC * 250);
    const last = this.seenWrittenAt.get(speakerId);
    if (last !== undefined && now.getTime() - last < interval) return;
    this.seenWrittenAt.set(speakerId, now.getTime());
    await this.speakers.markSeen(speakerId, now);
  }
}
