import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import { forbiddenUnless, inScope, notFoundUnless } from '../auth/scope.js';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import type { Page } from '../common/pagination.js';
import { AreaEntity } from './area.entity.js';
import { AreaDto, CreateAreaDto, ListAreasQuery } from './area.dto.js';
import { AreasRepository } from './areas.repository.js';

@Injectable()
export class AreasService {
  constructor(private readonly areas: AreasRepository, private readonly audit: AuditService, private readonly clock: Clock) {}

  async create(user: AuthUser, dto: CreateAreaDto): Promise<AreaDto> {
    // District staff open communes below their own area; shaping the tree above communes is the admin's job.
    forbiddenUnless(user.role === 'admin' || dto.kind === 'commune', 'district staff may only create communes');
    const parent = dto.parentId ? await this.areas.get(dto.parentId) : null;
    if (dto.parentId && !parent) throw new BadRequestException('parentId: no such area');
    if (!parent) forbiddenUnless(user.role === 'admin', 'only an admin may create a top-level area');
    if (parent) forbiddenUnless(inScope(user, parent.path), 'parentId is outside your area');
    if (parent?.kind === 'commune') throw new BadRequestException('parentId: a commune cannot contain other areas');
    if (dto.kind === 'province' && parent) throw new BadRequestException('kind: a province is a top-level area');
    if (await this.areas.getByCode(dto.code)) throw new ConflictException(`code ${dto.code} is already used`);

    const id = newId();
    const area: AreaEntity = {
      id, name: dto.name, code: dto.code, kind: dto.kind, parentId: parent?.id ?? null,
      path: `${parent?.path ?? '/'}${id}/`, maxBroadcastMinutes: dto.maxBroadcastMinutes ?? null, createdAt: this.clock.now(),
    };
    await this.areas.insert(area);
    await this.audit.record({ action: 'area.create', resourceId: id, details: { name: area.name, code: area.code, kind: area.kind, parentId: area.parentId } });
    return AreaDto.of(area);
  }

  async list(user: AuthUser, query: ListAreasQuery): Promise<Page<AreaDto>> {
    if (query.parentId) notFoundUnless(await this.isVisible(user, query.parentId), 'area');
    const [rows, total] = await this.areas.list({ pathPrefix: user.areaPath, parentId: query.parentId, kind: query.kind, limit: query.limit, offset: query.offset });
    return { items: rows.map(AreaDto.of), total };
  }

  async get(user: AuthUser, id: string): Promise<AreaDto> {
    const area = await this.areas.get(id);
    notFoundUnless(!!area && inScope(user, area.path), 'area');
    return AreaDto.of(area!);
  }

  /** The commune a resource is placed in; body references outside scope answer 403, unknown ones 400. */
  async communeForWrite(user: AuthUser, communeId: string, field = 'communeId'): Promise<AreaEntity> {
    const area = await this.areas.get(communeId);
    if (!area) throw new BadRequestException(`${field}: no such area`);
    forbiddenUnless(inScope(user, area.path), `${field} is outside your area`);
    if (area.kind !== 'commune') throw new BadRequestException(`${field}: ${area.name} is a ${area.kind}, not a commune`);
    return area;
  }

  private async isVisible(user: AuthUser, id: string): Promise<boolean> {
    const path = await this.areas.pathOf(id);
    return !!path && inScope(user, path);
  }
}
