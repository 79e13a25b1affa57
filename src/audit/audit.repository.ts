import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { insertRows, isPostgres, tableOf } from '../database/sql.js';
import { WriteTransactions } from '../database/write-transactions.js';
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

/** Entries written by one transaction at most: appends that queue up while one is written go together in the next. */
const GROUP_MAX = 500;

interface Waiting {
  entry: NewAuditEntry;
  resolve: (row: AuditEntryEntity) => void;
  reject: (error: unknown) => void;
}

/**
 * The audit trail's storage. Appends chain onto the last entry (seq + 1, its hash), so two writers must
 * never read the same tail: each append transaction first takes the trail's lock (a transaction-level
 * advisory lock on PostgreSQL, keyed by the table so other schemas never wait for it; SQLite's write
 * lock, taken at the start of every WriteTransactions transaction), reads the tail, and inserts. Under
 * load, appends that arrive while one is being written wait and go together in the next transaction, so
 * several api processes cost one short lock each per batch rather than one per entry, and nobody retries.
 */
@Injectable()
export class AuditRepository {
  private waiting: Waiting[] = [];
  private writing = false;

  constructor(
    @InjectRepository(AuditEntryEntity) private readonly entries: Repository<AuditEntryEntity>,
    private readonly transactions: WriteTransactions,
  ) {}

  append(entry: NewAuditEntry): Promise<AuditEntryEntity> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ entry, resolve, reject });
      if (!this.writing) void this.writeWaiting();
    });
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

  private async writeWaiting(): Promise<void> {
    this.writing = true;
    while (this.waiting.length) {
      const group = this.waiting.splice(0, GROUP_MAX);
      try {
        const rows = await this.transactions.run((manager) => this.chainOn(manager, group.map((w) => w.entry)));
        group.forEach((waiting, i) => waiting.resolve(rows[i]));
      } catch (error) {
        for (const waiting of group) waiting.reject(error);
      }
    }
    this.writing = false;
  }

  /** Inside the append transaction: lock the trail, read its tail, chain the entries onto it in order. */
  private async chainOn(manager: EntityManager, entries: NewAuditEntry[]): Promise<AuditEntryEntity[]> {
    const table = tableOf(manager, AuditEntryEntity);
    if (isPostgres(manager)) await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [table]);
    const [last] = await manager.find(AuditEntryEntity, { select: { seq: true, hash: true }, order: { seq: 'DESC' }, take: 1 });
    let seq = last?.seq ?? 0;
    let prevHash = last?.hash ?? GENESIS_HASH;
    const rows = entries.map((entry): AuditEntryEntity => {
      seq++;
      const row = { ...entry, seq, prevHash, hash: chainHash(prevHash, { ...entry, seq }) };
      prevHash = row.hash;
      return row;
    });
    await insertRows(manager, AuditEntryEntity, rows);
    return rows;
  }
}
