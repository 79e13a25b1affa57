import { BadRequestException, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { forbiddenUnless, onBranch } from '../auth/scope.js';
import { iso } from '../common/iso.js';
import { SegmentEntity } from '../segments/segment.entity.js';
import type { Span } from './overlap.js';

const named = (segment: SegmentEntity) => `segment "${segment.title}" (${segment.id})`;

/** Why `segment` may not air over [from, until), `until` null meaning open-ended; null when it may. */
export function validityProblem(segment: SegmentEntity, from: Date, until: Date | null): string | null {
  if (segment.validFrom && from.getTime() < segment.validFrom.getTime()) return `${named(segment)} is valid only from ${iso(segment.validFrom)}`;
  if (segment.validUntil && (until === null || until.getTime() > segment.validUntil.getTime())) return `${named(segment)} is valid only until ${iso(segment.validUntil)}`;
  return null;
}

/** Why a broadcast cannot air `segment` at `span` (the re-check at dispatch), or null. */
export function airProblem(segmentId: string, segment: SegmentEntity | undefined, span: Span): string | null {
  if (!segment) return `segment ${segmentId} no longer exists`;
  if (segment.status === 'retired') return `${named(segment)} was retired`;
  if (segment.status !== 'ready') return `${named(segment)} is ${segment.status}`;
  if (!segment.approved) return `${named(segment)} is not approved`;
  return validityProblem(segment, span.startsAt, span.endsAt);
}

/** The segments of playlists: what may be scheduled, and what may still air. */
@Injectable()
export class Playlists {
  constructor(@InjectRepository(SegmentEntity) private readonly segments: Repository<SegmentEntity>) {}

  /**
   * The playlist, in order, for a broadcast in the area at `areaPath`. Segments must exist (400), be
   * on the caller's branch (403), serve that area (uploaded in it or above it), be ready and approved.
   */
  async forArea(user: AuthUser, segmentIds: string[], areaPath: string): Promise<SegmentEntity[]> {
    const found = await this.byIds(segmentIds);
    const playlist = segmentIds.map((id) => {
      const segment = found.get(id);
      if (!segment) throw new BadRequestException(`segmentIds: no segment ${id}`);
      return segment;
    });
    for (const segment of playlist) {
      forbiddenUnless(onBranch(user, segment.areaPath), `segmentIds: segment ${segment.id} is outside your area`);
      if (!areaPath.startsWith(segment.areaPath)) throw new BadRequestException(`segmentIds: ${named(segment)} belongs to another area and does not serve this one`);
      if (segment.status !== 'ready') throw new BadRequestException(`segmentIds: ${named(segment)} is ${segment.status}, not ready`);
      if (!segment.approved) throw new BadRequestException(`segmentIds: ${named(segment)} is not approved yet`);
      if (!segment.durationSec || segment.durationSec <= 0) throw new BadRequestException(`segmentIds: ${named(segment)} has no duration`);
    }
    return playlist;
  }

  async byIds(ids: string[], manager: EntityManager = this.segments.manager): Promise<Map<string, SegmentEntity>> {
    const unique = [...new Set(ids)];
    if (!unique.length) return new Map();
    const rows = await manager.findBy(SegmentEntity, { id: In(unique) });
    return new Map(rows.map((segment) => [segment.id, segment]));
  }
}
