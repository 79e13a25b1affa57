import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { requestContext } from '../common/request-context.js';
import { AuditRepository } from './audit.repository.js';

export interface AuditEvent {
  /** `<resource>.<verb>`, e.g. `segment.approve`. */
  action: string;
  resourceId?: string | null;
  details?: Record<string, unknown>;
  /** Overrides the request's user (logins, where nobody is signed in yet). */
  userId?: string | null;
}

@Injectable()
export class AuditService {
  constructor(private readonly repository: AuditRepository, private readonly clock: Clock) {}

  async record(event: AuditEvent): Promise<void> {
    const context = requestContext.getStore();
    const user = context?.user;
    await this.repository.append({
      at: this.clock.now(),
      userId: event.userId !== undefined ? event.userId : user?.id ?? null,
      areaPath: user?.areaPath ?? null,
      action: event.action,
      resource: event.action.split('.')[0],
      resourceId: event.resourceId ?? null,
      details: event.details ?? null,
      ip: context?.ip ?? null,
    });
  }
}
