import { Injectable } from '@nestjs/common';
import { AreasRepository } from '../areas/areas.repository.js';
import type { AuthUser } from '../auth/auth-user.js';
import { inScope } from '../auth/scope.js';
import { Clock } from '../common/clock.js';
import { iso } from '../common/iso.js';
import { PushPresence } from '../push/push-presence.js';
import { SpeakersRepository } from '../speakers/speakers.repository.js';
import type { BroadcastProgressDto } from './broadcast.dto.js';
import type { BroadcastEntity } from './broadcast.entity.js';
import { DeliveryCountsRepository } from './delivery-counts.js';

/**
 * How far a broadcast has got on its receivers, as the caller may see it (its own subtree): how many
 * were told through their event streams, are playing it by their last status report, and have answered
 * with receipts. Reads a Redis hash, one count and one grouped count: cheap enough to poll each second.
 */
@Injectable()
export class BroadcastProgress {
  constructor(
    private readonly deliveryCounts: DeliveryCountsRepository,
    private readonly speakers: SpeakersRepository,
    private readonly presence: PushPresence,
    private readonly areas: AreasRepository,
    private readonly clock: Clock,
  ) {}

  async of(user: AuthUser, broadcast: BroadcastEntity): Promise<BroadcastProgressDto> {
    const at = this.clock.now();
    const [counts, told, playing] = await Promise.all([
      this.deliveryCounts.counts([broadcast.id], user.areaPath).then((all) => all.get(broadcast.id)!),
      this.told(user, broadcast),
      this.speakers.countPlaying(broadcast.id, user.areaPath),
    ]);
    return { broadcastId: broadcast.id, status: broadcast.status, ...counts, told, playing, at: iso(at)! };
  }

  /** Receivers told, summed over the communes the caller may see (all of them when the broadcast lies within its area). */
  private async told(user: AuthUser, broadcast: BroadcastEntity): Promise<number> {
    const perCommune = await this.presence.told(broadcast.id);
    let told = 0;
    for (const [communeId, count] of perCommune) {
      if (inScope(user, broadcast.areaPath) || inScope(user, (await this.areas.pathOf(communeId)) ?? '')) told += count;
    }
    return told;
  }
}
