import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { SpeakerEntity } from './speaker.entity.js';

@Injectable()
export class SpeakersRepository {
  constructor(@InjectRepository(SpeakerEntity) private readonly speakers: Repository<SpeakerEntity>) {}

  get(id: string) {
    return this.speakers.findOneBy({ id });
  }

  async insert(speaker: SpeakerEntity): Promise<void> {
    await this.speakers.insert(speaker);
  }

  async update(id: string, changes: Partial<SpeakerEntity>): Promise<void> {
    await this.speakers.update({ id }, changes);
  }

  async markSeen(id: string, at: Date): Promise<void> {
    await this.speakers.update({ id }, { lastSeenAt: at });
  }

  /** Speakers in the communes under `pathPrefix` (all when null), optionally one commune. */
  list(filter: { pathPrefix: string | null; communeId?: string; limit: number; offset: number }) {
    const query = this.speakers.createQueryBuilder('s').innerJoin('areas', 'a', 'a.id = s.communeId').orderBy('s.name', 'ASC').addOrderBy('s.id', 'ASC').take(filter.limit).skip(filter.offset);
    if (filter.pathPrefix) query.andWhere('a.path LIKE :prefix', { prefix: `${filter.pathPrefix}%` });
    if (filter.communeId) query.andWhere('s.communeId = :communeId', { communeId: filter.communeId });
    return query.getManyAndCount();
  }

  /** Ids of every speaker in a commune, or in an area's whole subtree. */
  async idsUnder(pathPrefix: string): Promise<Array<{ id: string; communeId: string }>> {
    return this.speakers.createQueryBuilder('s').select(['s.id AS id', 's.communeId AS "communeId"']).innerJoin('areas', 'a', 'a.id = s.communeId').where('a.path LIKE :prefix', { prefix: `${pathPrefix}%` }).getRawMany();
  }
}
