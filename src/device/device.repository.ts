import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { BroadcastEntity } from '../broadcasts/broadcast.entity.js';
import { DeliveryEntity, type DeliveryStatus } from '../broadcasts/delivery.entity.js';
import { SegmentEntity } from '../segments/segment.entity.js';

/** What a receiver needs of a broadcast: when, how, what to play, and for whom. */
export type QueueBroadcast = Pick<BroadcastEntity, 'id' | 'startsAt' | 'endsAt' | 'priority' | 'repeat' | 'gapSec' | 'segmentIds' | 'segmentDurations' | 'speakerIds'>;

const QUEUE_COLUMNS = ['b.id', 'b.startsAt', 'b.endsAt', 'b.priority', 'b.repeat', 'b.gapSec', 'b.segmentIds', 'b.segmentDurations', 'b.speakerIds'];

/** The device API's queries: each answers one indexed lookup, since every receiver polls. */
@Injectable()
export class DeviceRepository {
  constructor(
    @InjectRepository(BroadcastEntity) private readonly broadcasts: Repository<BroadcastEntity>,
    @InjectRepository(DeliveryEntity) private readonly deliveries: Repository<DeliveryEntity>,
    @InjectRepository(SegmentEntity) private readonly segments: Repository<SegmentEntity>,
  ) {}

  /** Broadcasts on air with this speaker's delivery still pending (index deliveries(speakerId, status)). */
  pendingBroadcasts(speakerId: string): Promise<QueueBroadcast[]> {
    return this.broadcasts
      .createQueryBuilder('b')
      .select(QUEUE_COLUMNS)
      .innerJoin(DeliveryEntity, 'd', 'd.broadcastId = b.id')
      .where('d.speakerId = :speakerId AND d.status = :pending', { speakerId, pending: 'pending' })
      .getMany();
  }

  /**
   * Broadcasts still `scheduled` in any of `areaPaths` (a commune and its ancestors) that have not
   * ended and start before `until` (index broadcasts(areaPath, status, startsAt)). Target speakers
   * are filtered by the caller.
   */
  scheduledBroadcasts(areaPaths: string[], now: Date, until: Date): Promise<QueueBroadcast[]> {
    return this.broadcasts
      .createQueryBuilder('b')
      .select(QUEUE_COLUMNS)
      .where('b.areaPath IN (:...areaPaths) AND b.status = :scheduled AND b.startsAt < :until AND b.endsAt > :now', {
        areaPaths,
        scheduled: 'scheduled',
        until: until.getTime(),
        now: now.getTime(),
      })
      .getMany();
  }

  /** What a receiver needs to fetch and check each segment's broadcast rendition. */
  renditions(segmentIds: string[]): Promise<Array<Pick<SegmentEntity, 'id' | 'renditionSha256' | 'durationSec'>>> {
    if (!segmentIds.length) return Promise.resolve([]);
    return this.segments.find({ select: { id: true, renditionSha256: true, durationSec: true }, where: { id: In(segmentIds) } });
  }

  /** This speaker's deliveries among `broadcastIds`, by broadcast id (primary key lookups). */
  async deliveryStatuses(speakerId: string, broadcastIds: string[]): Promise<Map<string, DeliveryStatus>> {
    const rows = await this.deliveries.find({ select: { broadcastId: true, status: true }, where: { speakerId, broadcastId: In(broadcastIds) } });
    return new Map(rows.map((row) => [row.broadcastId, row.status]));
  }
}
