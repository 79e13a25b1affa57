import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import type { Page } from '../common/pagination.js';
import { ChainVerifier } from './audit-chain.js';
import { AuditEntryDto, AuditQuery, type AuditVerification } from './audit.dto.js';
import { AuditRepository } from './audit.repository.js';

/** Entries read per query while verifying: memory stays flat however long the trail. */
const VERIFY_PAGE = 2000;

/** Reading the audit trail: filtered pages, and re-checking the hash chain. */
@Injectable()
export class AuditTrailService {
  constructor(private readonly entries: AuditRepository) {}

  /** What actors in the caller's subtree did; everything for an admin without an area. */
  async list(user: AuthUser, query: AuditQuery): Promise<Page<AuditEntryDto>> {
    const [rows, total] = await this.entries.page({
      pathPrefix: user.areaPath,
      userId: query.userId, action: query.action, resource: query.resource,
      from: query.from ? new Date(query.from) : undefined, to: query.to ? new Date(query.to) : undefined,
      order: query.order, limit: query.limit, offset: query.offset,
    });
    return { items: rows.map(AuditEntryDto.of), total };
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
