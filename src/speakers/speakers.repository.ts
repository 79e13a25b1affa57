import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { chunked } from '../database/sql.js';
import type { DeviceStatusReport } from '../device/device-status.dto.js';
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

  /** Each speaker's latest receiver status, in one statement per 500. */
  async recordStatuses(reports: Array<{ id: string; status: DeviceStatusReport; at: Date }>): Promise<void> {
    for (let start = 0; start < reports.length; start += MARK_SEEN_CHUNK) {
      const chunk = reports.slice(start, start + MARK_SEEN_CHUNK);
      const values: Record<string, string | number | null> = {};
      const cases = (column: string, value: (r: (typeof chunk)[number]) => string | number | null, cast = '') =>
        `CASE "id" ${chunk.map((r, i) => ((values[`${column}${i}`] = value(r)), `WHEN :id${i} THEN ${cast ? `CAST(:${column}${i} AS ${cast})` : `:${column}${i}`}`)).join(' ')} END`;
      chunk.forEach((r, i) => (values[`id${i}`] = r.id));
      // Built before the query: TypeORM reads the parameters when they are set, the SET functions later.
      const status = cases('status', (r) => JSON.stringify(r.status));
      const reportedAt = cases('reportedAt', (r) => r.at.getTime(), 'bigint');
      const version = cases('version', (r) => r.status.version);
      const playing = cases('playing', (r) => r.status.playing?.broadcastId ?? null, 'varchar');
      await this.speakers
        .createQueryBuilder()
        .update()
        .set({ status: () => status, statusReportedAt: () => reportedAt, agentVersion: () => version, playingBroadcastId: () => playing })
        .where('id IN (:...ids)', { ids: chunk.map((r) => r.id) })
        .setParameters(values)
        .execute();
    }
  }

  /** Every receiver version reported. */
  async agentVersions(): Promise<string[]> {
    const rows = await this.speakers.createQueryBuilder('s').select('DISTINCT s.agentVersion', 'version').where('s.agentVersion IS NOT NULL').getRawMany<{ version: string }>();
    return rows.map((row) => row.version);
  }

  /** Receivers under `pathPrefix` (everywhere when null) that said they are playing this broadcast, as of their last report. */
  countPlaying(broadcastId: string, pathPrefix: string | null): Promise<number> {
    const query = this.speakers.createQueryBuilder('s').where('s.playingBroadcastId = :broadcastId', { broadcastId });
    if (pathPrefix) query.innerJoin('areas', 'a', 'a.id = s.communeId').andWhere('a.path LIKE :prefix', { prefix: `${pathPrefix}%` });
    return query.getCount();
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
