import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { AuditEntryEntity } from './audit-entry.entity.js';
import { chainHash, GENESIS_HASH } from './audit-hash.js';

export type NewAuditEntry = Omit<AuditEntryEntity, 'seq' | 'prevHash' | 'hash'>;

export interface AuditFilter {
  /** Entries by actors in this subtree; null: all. */
  pathPrefix: string | null;
  userId?: string;
  action?: string;
  resource?: string;
  from?: Date;
  to?: Date;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

@Injectable()
export class AuditRepository {
  /** Appends from this process are serialised; other processes are caught by the seq primary key. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(@InjectRepository(AuditEntryEntity) private readonly entries: Repository<AuditEntryEntity>) {}

  append(entry: NewAuditEntry): Promise<AuditEntryEntity> {
    const next = this.tail.then(() => this.appendWithRetry(entry));
    this.tail = next.catch(() => undefined);
    return next;
  }

  page(filter: AuditFilter): Promise<[AuditEntryEntity[], number]> {
    const query = this.entries.createQueryBuilder('e').orderBy('e.seq', filter.order === 'asc' ? 'ASC' : 'DESC').take(filter.limit).skip(filter.offset);
    if (filter.pathPrefix) query.andWhere('e.areaPath LIKE :prefix', { prefix: `${filter.pathPrefix}%` });
    if (filter.userId) query.andWhere('e.userId = :userId', { userId: filter.userId });
    if (filter.action) query.andWhere('e.action = :action', { action: filter.action });
    if (filter.resource) query.andWhere('e.resource = :resource', { resource: filter.resource });
    if (filter.from) query.andWhere('e.at >= :from', { from: filter.from.getTime() });
    if (filter.to) query.andWhere('e.at < :to', { to: filter.to.getTime() });
    return query.getManyAndCount();
  }

  /** The next `limit` entries after `seq`, in order: verification walks the chain a page at a time. */
  after(seq: number, limit: number): Promise<AuditEntryEntity[]> {
    return this.entries.createQueryBuilder('e').where('e.seq > :seq', { seq }).orderBy('e.seq', 'ASC').take(limit).getMany();
  }

  private async appendWithRetry(entry: NewAuditEntry): Promise<AuditEntryEntity> {
    for (let attempt = 0; ; attempt++) {
      const last = await this.entries.find({ order: { seq: 'DESC' }, take: 1 });
      const seq = (last[0]?.seq ?? 0) + 1;
      const prevHash = last[0]?.hash ?? GENESIS_HASH;
      const row = this.entries.create({ ...entry, seq, prevHash, hash: chainHash(prevHash, { ...entry, seq }) });
      try {
        await this.entries.insert(row as QueryDeepPartialEntity<AuditEntryEntity>);
        return row;
      } catch (error) {
        // Another process took this seq first: re-read the tail and chain onto it.
        if (!(error instanceof QueryFailedError) || attempt >= 20) throw error;
      }
    }
  }
}
