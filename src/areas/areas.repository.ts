import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { chunked } from '../database/sql.js';
import { AreaEntity } from './area.entity.js';

/** Rows per multi-row INSERT / IN list: 8 columns each stays far under SQLite's bound-parameter limit. */
const BATCH = 500;

@Injectable()
export class AreasRepository {
  /** Areas never move (a merge moves speakers, not areas), so paths are cached for the process lifetime. */
  private readonly paths = new Map<string, string>();

  constructor(@InjectRepository(AreaEntity) private readonly areas: Repository<AreaEntity>) {}

  get(id: string): Promise<AreaEntity | null> {
    return this.areas.findOneBy({ id });
  }

  getByCode(code: string): Promise<AreaEntity | null> {
    return this.areas.findOneBy({ code });
  }

  async pathOf(id: string): Promise<string | null> {
    const cached = this.paths.get(id);
    if (cached) return cached;
    const area = await this.areas.findOne({ where: { id }, select: { id: true, path: true } });
    if (area) this.paths.set(id, area.path);
    return area?.path ?? null;
  }

  /** pathOf for many areas: one query for those not cached yet. Unknown ids are left out. */
  async pathsOf(ids: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const missing = new Set<string>();
    for (const id of ids) {
      const cached = this.paths.get(id);
      if (cached) found.set(id, cached);
      else missing.add(id);
    }
    for (const piece of chunked([...missing], BATCH)) {
      for (const area of await this.areas.find({ where: { id: In(piece) }, select: { id: true, path: true } })) {
        this.paths.set(area.id, area.path);
        found.set(area.id, area.path);
      }
    }
    return found;
  }

  async insert(area: AreaEntity): Promise<void> {
    await this.areas.insert(area);
  }

  async update(id: string, changes: Partial<AreaEntity>, manager = this.areas.manager): Promise<void> {
    await manager.update(AreaEntity, { id }, changes);
  }

  async byCodes(codes: string[], manager: EntityManager = this.areas.manager): Promise<AreaEntity[]> {
    const found: AreaEntity[] = [];
    for (const piece of chunked(codes, BATCH)) found.push(...(await manager.findBy(AreaEntity, { code: In(piece) })));
    return found;
  }

  async byIds(ids: string[]): Promise<AreaEntity[]> {
    const found: AreaEntity[] = [];
    for (const piece of chunked(ids, BATCH)) found.push(...(await this.areas.findBy({ id: In(piece) })));
    return found;
  }

  async communesNamed(names: string[]): Promise<AreaEntity[]> {
    const found: AreaEntity[] = [];
    for (const piece of chunked(names, BATCH)) found.push(...(await this.areas.findBy({ kind: 'commune', name: In(piece) })));
    return found;
  }

  /** Inserts the areas whose code is not taken yet, in multi-row statements; a taken code is left as it is. */
  async insertNew(areas: AreaEntity[], manager: EntityManager = this.areas.manager): Promise<void> {
    for (const piece of chunked(areas, BATCH)) await manager.createQueryBuilder().insert().into(AreaEntity).values(piece).orIgnore().execute();
  }

  async list(filter: { pathPrefix: string | null; parentId?: string; kind?: string; limit: number; offset: number }): Promise<[AreaEntity[], number]> {
    const query = this.areas.createQueryBuilder('a').orderBy('a.path', 'ASC').take(filter.limit).skip(filter.offset);
    if (filter.pathPrefix) query.andWhere('a.path LIKE :prefix', { prefix: `${filter.pathPrefix}%` });
    if (filter.parentId) query.andWhere('a.parentId = :parentId', { parentId: filter.parentId });
    if (filter.kind) query.andWhere('a.kind = :kind', { kind: filter.kind });
    return query.getManyAndCount();
  }

  /** Ids of the area at `pathPrefix` and everything below it. */
  async subtreeIds(pathPrefix: string): Promise<string[]> {
    const rows = await this.areas.createQueryBuilder('a').select('a.id', 'id').where('a.path LIKE :prefix', { prefix: `${pathPrefix}%` }).getRawMany<{ id: string }>();
    return rows.map((r) => r.id);
  }

  /** The strictest limit on a normal broadcast's length (minutes) set on the area or any ancestor: each applies below it. */
  async maxBroadcastMinutes(path: string): Promise<number | null> {
    const ids = path.split('/').filter(Boolean);
    const row = await this.areas
      .createQueryBuilder('a')
      .select('MIN(a.maxBroadcastMinutes)', 'limit')
      .where('a.id IN (:...ids)', { ids })
      .getRawOne<{ limit: number | string | null }>();
    return row?.limit == null ? null : Number(row.limit);
  }
}
