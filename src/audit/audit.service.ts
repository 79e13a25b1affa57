import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AreasRepository } from '../areas/areas.repository.js';
import { Clock } from '../common/clock.js';
import { requestContext } from '../common/request-context.js';
import { UserEntity } from '../users/user.entity.js';
import { AuditRepository } from './audit.repository.js';

export interface AuditEvent {
  /** `<resource>.<verb>`, e.g. `segment.approve`. */
  action: string;
  resourceId?: string | null;
  details?: Record<string, unknown>;
  /** Overrides the request's user (logins, where nobody is signed in yet). */
  userId?: string | null;
  /** The area the event belongs to when no user acts (a receiver's receipt), so auditors of that area see it. */
  areaPath?: string;
}

@Injectable()
export class AuditService {
  constructor(
    private readonly repository: AuditRepository,
    private readonly clock: Clock,
    private readonly areas: AreasRepository,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
  ) {}

  async record(event: AuditEvent): Promise<void> {
    const context = requestContext.getStore();
    const user = context?.user;
    const userId = event.userId !== undefined ? event.userId : user?.id ?? null;
    await this.repository.append({
      at: this.clock.now(),
      userId,
      areaPath: event.areaPath ?? (userId && userId === user?.id ? user.areaPath : await this.areaPathOf(userId)),
      action: event.action,
      resource: event.action.split('.')[0],
      resourceId: event.resourceId ?? null,
      details: event.details ?? null,
      ip: context?.ip ?? null,
    });
  }

  /** The area of a user acting without a session (a login, the admin CLI), so auditors of that area see it. */
  private async areaPathOf(userId: string | null): Promise<string | null> {
    if (!userId) return null;
    const actor = await this.users.findOne({ where: { id: userId }, select: { id: true, areaId: true } });
    return actor?.areaId ? this.areas.pathOf(actor.areaId) : null;
  }
}
