import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { AreaEntity } from '../areas/area.entity.js';
import { SpeakerEntity } from '../speakers/speaker.entity.js';
import type { BroadcastEntity } from './broadcast.entity.js';
import type { DeliveryTarget } from './deliveries.repository.js';
import { chunked } from '../database/sql.js';

type Located = DeliveryTarget & { communePath: string };

/**
 * The speakers a broadcast plays on, decided at dispatch: its explicit list (those still in its
 * area), or every speaker in its area's subtree at that moment, so speakers added after the
 * schedule was made are included. One query per kind of lookup for a whole batch.
 */
@Injectable()
export class SpeakerTargets {
  async resolve(manager: EntityManager, broadcasts: Array<Pick<BroadcastEntity, 'id' | 'areaId' | 'areaPath' | 'speakerIds'>>): Promise<Map<string, DeliveryTarget[]>> {
    const explicit = await this.byIds(manager, [...new Set(broadcasts.flatMap((b) => b.speakerIds ?? []))]);
    const wholeAreas = [...new Set(broadcasts.filter((b) => !b.speakerIds).map((b) => b.areaId))];
    const byArea = await this.byArea(manager, wholeAreas);
    const targets = new Map<string, DeliveryTarget[]>();
    for (const b of broadcasts) {
      if (!b.speakerIds) {
        targets.set(b.id, byArea.get(b.areaId) ?? []);
        continue;
      }
      const located = b.speakerIds.map((id) => explicit.get(id)).filter((s): s is Located => !!s && s.communePath.startsWith(b.areaPath));
      targets.set(b.id, located.map(({ speakerId, communeId }) => ({ speakerId, communeId })));
    }
    return targets;
  }

  /** Every speaker of an area's subtree now. */
  async inArea(manager: EntityManager, areaId: string): Promise<DeliveryTarget[]> {
    return (await this.byArea(manager, [areaId])).get(areaId) ?? [];
  }

  private async byIds(manager: EntityManager, ids: string[]): Promise<Map<string, Located>> {
    const found = new Map<string, Located>();
    for (const chunk of chunked(ids, 5000)) {
      for (const row of await this.located(manager).where({ id: In(chunk) }).getRawMany<Located>()) found.set(row.speakerId, row);
    }
    return found;
  }

  /** Speakers per area: a commune's own (one IN query for all communes), or a wider area's whole subtree. */
  private async byArea(manager: EntityManager, areaIds: string[]): Promise<Map<string, DeliveryTarget[]>> {
    const grouped = new Map<string, DeliveryTarget[]>(areaIds.map((id) => [id, []]));
    for (const chunk of chunked(areaIds, 5000)) {
      const areas = await manager.find(AreaEntity, { where: { id: In(chunk) }, select: { id: true, kind: true, path: true } });
      const communes = areas.filter((a) => a.kind === 'commune').map((a) => a.id);
      if (communes.length) for (const row of await this.speakers(manager).where({ communeId: In(communes) }).getRawMany<DeliveryTarget>()) grouped.get(row.communeId)!.push(row);
      for (const area of areas.filter((a) => a.kind !== 'commune')) {
        grouped.set(area.id, await this.speakers(manager).innerJoin(AreaEntity, 'a', 'a.id = s.communeId').where('a.path LIKE :prefix', { prefix: `${area.path}%` }).getRawMany<DeliveryTarget>());
      }
    }
    return grouped;
  }

  /** Speakers as delivery targets, nothing more: a mass dispatch reads 10^5 of them. */
  private speakers(manager: EntityManager) {
    return manager.createQueryBuilder(SpeakerEntity, 's').select('s.id', 'speakerId').addSelect('s.communeId', 'communeId');
  }

  private located(manager: EntityManager) {
    return this.speakers(manager).innerJoin(AreaEntity, 'a', 'a.id = s.communeId').addSelect('a.path', 'communePath');
  }
}
