import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { chunked } from '../database/sql.js';
import { SpeakerEntity } from './speaker.entity.js';

const MARK_SEEN_CHUNK = 500;

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

  /** Each speaker's last contact, in one statement per 500 (a CASE keeps each its own time). */
  async markSeen(seen: Array<{ id: string; at: Date }>): Promise<void> {
    for (let start = 0; start < seen.length; start += MARK_SEEN_CHUNK) {
      const chunk = seen.slice(start, start + MARK_SEEN_CHUNK);
      const times: Record<string, string | number> = {};
      const cases = chunk.map(({ id, at }, i) => {
        Object.assign(times, { [`id${i}`]: id, [`at${i}`]: at.getTime() });
        return `WHEN :id${i} THEN CAST(:at${i} AS bigint)`;
      });
      await this.speakers
        .createQueryBuilder()
        .update()
        .set({ lastSeenAt: () => `CASE "id" ${cases.join(' ')} END` })
        .where('id IN (:...ids)', { ids: chunk.map((s) => s.id) })
        .setParameters(times)
        .execute();
    }
  }

  /** Speakers in the communes under `pathPrefix` (all when null), optionally one commune. */
  list(filter: { pathPrefix: string | null; communeId?: string; limit: number; offset: number }) {
    const query = this.speakers.createQueryBuilder('s').innerJoin('areas', 'a', 'a.id = s.communeId').orderBy('s.name', 'ASC').addOrderBy('s.id', 'ASC').take(filter.limit).skip(filter.offset);
    if (filter.pathPrefix) query.andWhere('a.path LIKE :prefix', { prefix: `${filter.pathPrefix}%` });
    if (filter.communeId) query.andWhere('s.communeId = :communeId', { communeId: filter.communeId });
    return query.getManyAndCount();
  }

  /** Speakers of these communes, as (id, communeId). */
  async inCommunes(communeIds: string[]): Promise<Array<{ id: string; communeId: string }>> {
    const found: Array<{ id: string; communeId: string }> = [];
    for (const piece of chunked(communeIds, 1000)) found.push(...(await this.speakers.find({ where: { communeId: In(piece) }, select: { id: true, communeId: true } })));
    return found;
  }

  /** Moves every speaker of one commune to another (a commune merge); answers the ids moved. */
  async moveAll(fromCommuneId: string, toCommuneId: string, manager: EntityManager): Promise<string[]> {
    const ids = (await manager.find(SpeakerEntity, { where: { communeId: fromCommuneId }, select: { id: true } })).map((s) => s.id);
    if (ids.length) await manager.update(SpeakerEntity, { id: In(ids) }, { communeId: toCommuneId });
    return ids;
  }

  /** Ids of every speaker in a commune, or in an area's whole subtree. */
  async idsUnder(pathPrefix: string): Promise<Array<{ id: string; communeId: string }>> {
    return this.speakers.createQueryBuilder('s').select(['s.id AS id', 's.communeId AS "communeId"']).innerJoin('areas', 'a', 'a.id = s.communeId').where('a.path LIKE :prefix', { prefix: `${pathPrefix}%` }).getRawMany();
  }
}
