import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AreasRepository } from '../areas/areas.repository.js';
import type { AuthUser } from '../auth/auth-user.js';
import { inScope, notFoundUnless } from '../auth/scope.js';
import { UserEntity } from '../users/user.entity.js';
import type { Page } from '../common/pagination.js';
import { ChainVerifier } from './audit-chain.js';
import { AuditEntryDto, AuditQuery, type AuditVerification } from './audit.dto.js';
import { AuditRepository } from './audit.repository.js';

/** Entries read per query while verifying: memory stays flat however long the trail. */
const VERIFY_PAGE = 2000;

/** Reading the audit trail: filtered pages, and re-checking the hash chain. */
@Injectable()
export class AuditTrailService {
  constructor(private readonly entries: AuditRepository, @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>, private readonly areas: AreasRepository) {}

  /**
   * What actors in the caller's subtree did; everything for an admin without an area. A `userId`
   * filter naming a user outside that subtree (or nobody) answers 404, as any filter out of scope
   * does (SPEC §1); the other filters name no resource.
   */
  async list(user: AuthUser, query: AuditQuery): Promise<Page<AuditEntryDto>> {
    if (query.userId) notFoundUnless(await this.userVisible(user, query.userId), 'user');
    const [rows, total] = await this.entries.page({
      pathPrefix: user.areaPath,
      userId: query.userId, action: query.action, resource: query.resource,
      from: query.from ? new Date(query.from) : undefined, to: query.to ? new Date(query.to) : undefined,
      order: query.order, limit: query.limit, offset: query.offset,
    });
    return { items: rows.map(AuditEntryDto.of), total };
  }

  private async userVisible(caller: AuthUser, id: string): Promise<boolean> {
    const user = await this.users.findOne({ where: { id }, select: { id: true, areaId: true } });
    if (!user) return false;
    if (caller.areaPath === null) return true;
    const path = user.areaId ? await this.areas.pathOf(user.areaId) : null;
    return !!path && inScope(caller, path);
  }

  /** The whole chain (not only the caller's subtree: every link depends on the one before). */
  async verify(): Promise<AuditVerification> {
    const verifier = new ChainVerifier();
    for (let page = await this.entries.after(0, VERIFY_PAGE); page.length; page = await this.entries.after(page[page.length - 1].seq, VERIFY_PAGE)) {
      for (const entry of page) verifier.check(entry);
    }
    return { ok: verifier.firstBadSeq === null, entries: verifier.entries, firstBadSeq: verifier.firstBadSeq, headHash: verifier.headHash };
  }
}
