import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, In, Repository } from 'typeorm';
import { ancestorPaths } from '../auth/scope.js';
import { SegmentEntity, type SegmentStatus } from './segment.entity.js';

/** What a finished transcode records on its segment. */
export type TranscodeResult = Pick<SegmentEntity, 'durationSec' | 'loudnessLufs' | 'renditionLufs' | 'renditionTruePeakDb' | 'renditionSha256' | 'renditionBytes'>;

/**
 * Status changes are conditional updates (`WHERE status = ...`) that report whether they applied:
 * a worker, the sweeper and API calls may race on one segment, and the database settles it.
 */
@Injectable()
export class SegmentsRepository {
  constructor(@InjectRepository(SegmentEntity) private readonly segments: Repository<SegmentEntity>) {}

  get(id: string): Promise<SegmentEntity | null> {
    return this.segments.findOneBy({ id });
  }

  getMany(ids: string[]): Promise<SegmentEntity[]> {
    return ids.length ? this.segments.findBy({ id: In(ids) }) : Promise.resolve([]);
  }

  /** The live (processing or ready) segment made from this source file, if any. */
  findLive(sha256: string): Promise<Pick<SegmentEntity, 'id'> | null> {
    return this.segments.findOne({ where: { liveSha256: sha256 }, select: { id: true } });
  }

  async insert(segment: SegmentEntity): Promise<void> {
    await this.segments.insert(segment);
  }

  /**
   * Segments visible from `areaPath` (null: all): those of its subtree and those of its ancestors,
   * whose audio serves it. Newest first.
   */
  list(filter: { areaPath: string | null; status?: SegmentStatus; topic?: string; language?: string; approved?: boolean; limit: number; offset: number }): Promise<[SegmentEntity[], number]> {
    const query = this.segments.createQueryBuilder('s').orderBy('s.createdAt', 'DESC').addOrderBy('s.id', 'ASC').take(filter.limit).skip(filter.offset);
    const { areaPath } = filter;
    if (areaPath) {
      query.andWhere(
        new Brackets((branch) =>
          branch.where('s.areaPath LIKE :subtree', { subtree: `${areaPath}%` }).orWhere('s.areaPath IN (:...ancestors)', { ancestors: ancestorPaths(areaPath) }),
        ),
      );
    }
    if (filter.status) query.andWhere('s.status = :status', { status: filter.status });
    if (filter.topic) query.andWhere('s.topic = :topic', { topic: filter.topic });
    if (filter.language) query.andWhere('s.language = :language', { language: filter.language });
    if (filter.approved !== undefined) query.andWhere('s.approved = :approved', { approved: filter.approved });
    return query.getManyAndCount();
  }

  /** Ids and upload times of the segments still `processing`. */
  processing(): Promise<Array<Pick<SegmentEntity, 'id' | 'createdAt'>>> {
    return this.segments.find({ where: { status: 'processing' }, select: { id: true, createdAt: true }, order: { createdAt: 'ASC' } });
  }

  markReady(id: string, result: TranscodeResult, at: Date): Promise<boolean> {
    return this.transition(id, 'processing', { ...result, status: 'ready', error: null, updatedAt: at });
  }

  /** A failed segment frees its source hash: the same file may be uploaded again. */
  markFailed(id: string, error: string, at: Date): Promise<boolean> {
    return this.transition(id, 'processing', { status: 'failed', error, liveSha256: null, updatedAt: at });
  }

  approve(id: string, userId: string, at: Date): Promise<boolean> {
    return this.transition(id, 'ready', { approved: true, approvedBy: userId, approvedAt: at, updatedAt: at });
  }

  /** Retires a segment in any other state; false if it already was. */
  async retire(id: string, at: Date): Promise<boolean> {
    const result = await this.segments
      .createQueryBuilder()
      .update()
      .set({ status: 'retired', liveSha256: null, retiredAt: at, updatedAt: at })
      .where('id = :id AND status <> :retired', { id, retired: 'retired' })
      .execute();
    return !!result.affected;
  }

  private async transition(id: string, from: SegmentStatus, changes: Partial<SegmentEntity>): Promise<boolean> {
    const result = await this.segments.update({ id, status: from }, changes);
    return !!result.affected;
  }
}
