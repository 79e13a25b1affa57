import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, In, Repository } from 'typeorm';
import { BroadcastEntity } from '../broadcasts/broadcast.entity.js';
import { chunked } from '../database/sql.js';
import { SegmentEntity } from '../segments/segment.entity.js';

const ANNOUNCED = { id: true, areaId: true, status: true, startsAt: true, endsAt: true, priority: true, repeat: true, gapSec: true, segmentIds: true, segmentDurations: true, speakerIds: true } as const;

export type Rendition = { id: string; renditionSha256: string | null; durationSec: number | null };

/** What a receiver needs of a broadcast: when, how, what to play (and, for routing, for whom). */
export type QueueBroadcast = Pick<BroadcastEntity, 'id' | 'startsAt' | 'endsAt' | 'priority' | 'repeat' | 'gapSec' | 'segmentIds' | 'segmentDurations' | 'speakerIds'>;
/** A broadcast as announced on the push channel: a queue item, and the area that says who hears it. */
export type AnnouncedBroadcast = QueueBroadcast & Pick<BroadcastEntity, 'areaId' | 'status'>;

/** What announcing broadcasts to receivers reads: the broadcasts themselves and their renditions. */
@Injectable()
export class PushRepository {
  constructor(
    @InjectRepository(BroadcastEntity) private readonly broadcasts: Repository<BroadcastEntity>,
    @InjectRepository(SegmentEntity) private readonly segments: Repository<SegmentEntity>,
  ) {}

  async broadcastsByIds(ids: string[]): Promise<AnnouncedBroadcast[]> {
    const rows: AnnouncedBroadcast[] = [];
    for (const chunk of chunked(ids, 1000)) rows.push(...(await this.broadcasts.find({ where: { id: In(chunk) }, select: ANNOUNCED })));
    return rows;
  }

  /** Scheduled broadcasts starting in [from, to) (index broadcasts(status, startsAt)). */
  scheduledStarting(from: Date, to: Date): Promise<AnnouncedBroadcast[]> {
    return this.broadcasts.find({ where: { status: 'scheduled', startsAt: Between(from, new Date(to.getTime() - 1)) }, select: ANNOUNCED });
  }

  /** What a receiver needs to fetch and check each segment's broadcast rendition. */
  renditions(segmentIds: string[]): Promise<Rendition[]> {
    return this.segments.find({ select: { id: true, renditionSha256: true, durationSec: true }, where: { id: In(segmentIds) } });
  }
}
