import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { AreaEntity } from '../areas/area.entity.js';
import { BroadcastEntity } from '../broadcasts/broadcast.entity.js';
import { SegmentEntity } from '../segments/segment.entity.js';
import { playlistSegments, type BroadcastFacts } from './rollup-rows.js';

/** Lookups per statement, well under every driver's bound-parameter limit. */
export const IN_CHUNK = 1000;
/** Entries per cache; a full cache is simply emptied (the next lookups refill it). */
const CACHE_LIMIT = 50_000;

/**
 * What rollups need to know about a broadcast, a segment and a commune. None of it changes once a
 * broadcast is on air (start, end and playlist are snapshots; topics and area paths never change), so
 * it is cached for the process lifetime. Reads go through the caller's manager: inside its transaction.
 */
@Injectable()
export class BroadcastFactsLoader {
  private readonly broadcasts = new Map<string, BroadcastFacts>();
  private readonly paths = new Map<string, string>();
  private readonly topics = new Map<string, string>();

  async broadcastFacts(manager: EntityManager, ids: string[]): Promise<Map<string, BroadcastFacts>> {
    const missing = ids.filter((id) => !this.broadcasts.has(id));
    const rows: BroadcastEntity[] = [];
    for (const chunk of chunks(missing)) {
      rows.push(...(await manager.getRepository(BroadcastEntity).find({
        where: { id: In(chunk) },
        select: { id: true, startsAt: true, endsAt: true, segmentIds: true, segmentDurations: true, repeat: true },
      })));
    }
    const topics = await this.topicsOf(manager, distinct(rows.flatMap((b) => b.segmentIds)));
    const found = new Map<string, BroadcastFacts>();
    for (const b of rows) {
      found.set(b.id, {
        startsAt: b.startsAt.getTime(),
        airtimeMs: b.endsAt.getTime() - b.startsAt.getTime(),
        segments: playlistSegments(b.segmentIds, b.segmentDurations, b.repeat, (id) => topics.get(id)!),
      });
    }
    for (const id of ids) {
      const facts = found.get(id) ?? this.broadcasts.get(id);
      if (!facts) throw new Error(`broadcast ${id} not found`);
      found.set(id, facts);
    }
    remember(this.broadcasts, found);
    return found;
  }

  async communePaths(manager: EntityManager, communeIds: string[]): Promise<Map<string, string>> {
    return this.cached(this.paths, communeIds, 'commune', async (chunk) => {
      const rows = await manager.getRepository(AreaEntity).find({ where: { id: In(chunk) }, select: { id: true, path: true } });
      return rows.map((row) => [row.id, row.path]);
    });
  }

  private async topicsOf(manager: EntityManager, segmentIds: string[]): Promise<Map<string, string>> {
    return this.cached(this.topics, segmentIds, 'segment', async (chunk) => {
      const rows = await manager.getRepository(SegmentEntity).find({ where: { id: In(chunk) }, select: { id: true, topic: true } });
      return rows.map((row) => [row.id, row.topic]);
    });
  }

  private async cached(cache: Map<string, string>, ids: string[], what: string, load: (ids: string[]) => Promise<Array<[string, string]>>): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const chunk of chunks(ids.filter((id) => !cache.has(id)))) for (const [id, value] of await load(chunk)) found.set(id, value);
    for (const id of ids) {
      const value = found.get(id) ?? cache.get(id);
      if (value === undefined) throw new Error(`${what} ${id} not found`);
      found.set(id, value);
    }
    remember(cache, found);
    return found;
  }
}

function remember<V>(cache: Map<string, V>, entries: Map<string, V>): void {
  if (cache.size + entries.size > CACHE_LIMIT) cache.clear();
  for (const [key, value] of entries) cache.set(key, value);
}

export const distinct = (values: string[]): string[] => [...new Set(values)];

export function* chunks<T>(values: T[], size = IN_CHUNK): Generator<T[]> {
  for (let i = 0; i < values.length; i += size) yield values.slice(i, i + size);
}
