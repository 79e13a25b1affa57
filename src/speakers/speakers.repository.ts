import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { chunked } from '../database/sql.js';
import type { DeviceStatusReport } from '../device/device-status.dto.js';
import { SpeakerEntity } from './speaker.entity.js';

const MARK_SEEN_CHUNK = 500;
/** Receiver names in the order people read them: Vietnamese letters, numbers by value ("Loa 2" before "Loa 10"). */
const NAME_ORDER = new Intl.Collator('vi', { numeric: true });

/** Text as it is searched: letter case, tones and other marks ignored, đ as d ("Thôn Đông" ~ "thon dong"). */
function searchable(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase();
}

export interface SpeakerFilter {
  pathPrefix: string | null;
  communeId?: string;
  /** part of the name or location, letter case and marks ignored */
  q?: string;
  /** seen since `seenSince` (online) or not */
  online?: { online: boolean; seenSince: Date };
  limit: number;
  offset: number;
}

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

  /**
   * One page of the speakers under `pathPrefix` (all when null) that match, in NAME_ORDER. SQL orders
   * bytes ("Loa 10" before "Loa 2", "Ă" after "Z") and SQLite lowers only ASCII letters, so the
   * candidates' ids, names and locations are searched and sorted here and the page is read by id:
   * 10,000 receivers take a few milliseconds.
   */
  async list(filter: SpeakerFilter): Promise<[SpeakerEntity[], number]> {
    const query = this.speakers.createQueryBuilder('s').select(['s.id', 's.name', 's.location']).innerJoin('areas', 'a', 'a.id = s.communeId');
    if (filter.pathPrefix) query.andWhere('a.path LIKE :prefix', { prefix: `${filter.pathPrefix}%` });
    if (filter.communeId) query.andWhere('s.communeId = :communeId', { communeId: filter.communeId });
    if (filter.online?.online) query.andWhere('s.lastSeenAt >= :seenSince', { seenSince: filter.online.seenSince.getTime() });
    if (filter.online && !filter.online.online) query.andWhere('(s.lastSeenAt IS NULL OR s.lastSeenAt < :seenSince)', { seenSince: filter.online.seenSince.getTime() });
    const wanted = filter.q ? searchable(filter.q) : '';
    const matches = (await query.getMany())
      .filter((s) => !wanted || searchable(s.name).includes(wanted) || searchable(s.location ?? '').includes(wanted))
      .sort((a, b) => NAME_ORDER.compare(a.name, b.name) || (a.id < b.id ? -1 : 1));
    const ids = matches.slice(filter.offset, filter.offset + filter.limit).map((s) => s.id);
    const rows = ids.length ? await this.speakers.findBy({ id: In(ids) }) : [];
    const byId = new Map(rows.map((row) => [row.id, row]));
    return [ids.map((id) => byId.get(id)!).filter(Boolean), matches.length];
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
