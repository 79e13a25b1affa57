import { BadRequestException, ConflictException, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AreasRepository } from '../areas/areas.repository.js';
import type { AuthUser } from '../auth/auth-user.js';
import { hashPassword } from '../auth/password.js';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import type { Page, PageQuery } from '../common/pagination.js';
import { CreateUserDto, UserDto } from './user.dto.js';
import { UsersRepository } from './users.repository.js';

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly areas: AreasRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(dto: CreateUserDto): Promise<UserDto> {
    if (dto.role !== 'admin' && !dto.areaId) throw new BadRequestException('areaId: required for this role');
    if (dto.areaId && !(await this.areas.get(dto.areaId))) throw new BadRequestException('areaId: no such area');
    if (await this.users.getByUsername(dto.username)) throw new ConflictException(`username ${dto.username} is taken`);
    const user = { id: newId(), username: dto.username, passwordHash: await hashPassword(dto.password), role: dto.role, areaId: dto.areaId ?? null, createdAt: this.clock.now() };
    await this.users.insert(user);
    await this.audit.record({ action: 'user.create', resourceId: user.id, details: { username: user.username, role: user.role, areaId: user.areaId } });
    return UserDto.of(user);
  }

  async list(user: AuthUser, page: PageQuery): Promise<Page<UserDto>> {
    const areaIds = user.areaPath ? await this.areas.subtreeIds(user.areaPath) : null;
    const [rows, total] = await this.users.list(areaIds, page.limit, page.offset);
    return { items: rows.map(UserDto.of), total };
  }

  /** First start on an empty database: create `admin`, with LOA_ADMIN_PASSWORD or a random password logged once. */
  async bootstrapAdmin(password: string | undefined): Promise<void> {
    if ((await this.users.count()) > 0) return;
    const chosen = password ?? randomBytes(12).toString('base64url');
    await this.users.insert({ id: newId(), username: 'admin', passwordHash: await hashPassword(chosen), role: 'admin', areaId: null, createdAt: this.clock.now() });
    if (!password) this.logger.warn(`Created user "admin" with password: ${chosen} (shown once; set LOA_ADMIN_PASSWORD to choose it)`);
    else this.logger.log('Created user "admin" from LOA_ADMIN_PASSWORD');
  }
}
