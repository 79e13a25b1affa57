import { BadRequestException, ConflictException, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AreasRepository } from '../areas/areas.repository.js';
import type { AuthUser } from '../auth/auth-user.js';
import { hashPassword, recentHashes } from '../auth/password.js';
import { passwordProblem } from '../auth/password-policy.js';
import { forbiddenUnless, inScope, notFoundUnless } from '../auth/scope.js';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import type { Page, PageQuery } from '../common/pagination.js';
import { CreateUserDto, UpdateUserDto, UserDto } from './user.dto.js';
import type { UserEntity } from './user.entity.js';
import { UsersRepository } from './users.repository.js';

/**
 * People over time (SPEC §13): admins create users, change their role and area, disable them (never
 * erase them: the audit trail names them) and set new passwords. Whatever changes what a user may do
 * (disabled, role, area, password, second factor reset) revokes every token the user holds, at once.
 */
@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly areas: AreasRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(caller: AuthUser, dto: CreateUserDto): Promise<UserDto> {
    await this.checkPlacement(caller, dto.role, dto.areaId ?? null);
    if (await this.users.getByUsername(dto.username)) throw new ConflictException(`username ${dto.username} is taken`);
    const passwordHash = await this.acceptablePasswordHash(dto.password, dto.username);
    const user = await this.users.insert({ id: newId(), username: dto.username, passwordHash, role: dto.role, areaId: dto.areaId ?? null, createdAt: this.clock.now() });
    await this.audit.record({ action: 'user.create', resourceId: user.id, details: { username: user.username, role: user.role, areaId: user.areaId } });
    return UserDto.of(user);
  }

  async list(caller: AuthUser, page: PageQuery): Promise<Page<UserDto>> {
    const areaIds = caller.areaPath ? await this.areas.subtreeIds(caller.areaPath) : null;
    const [rows, total] = await this.users.list(areaIds, page.limit, page.offset);
    return { items: rows.map(UserDto.of), total };
  }

  async get(caller: AuthUser, id: string): Promise<UserDto> {
    return UserDto.of(await this.visible(caller, id));
  }

  async update(caller: AuthUser, id: string, dto: UpdateUserDto): Promise<UserDto> {
    const user = await this.visible(caller, id);
    const role = dto.role ?? user.role;
    const areaId = dto.areaId !== undefined ? dto.areaId : user.areaId;
    const disabled = dto.disabled ?? user.disabled;
    const changed = { role: role !== user.role, areaId: areaId !== user.areaId, disabled: disabled !== user.disabled };
    if (!changed.role && !changed.areaId && !changed.disabled) return UserDto.of(user);
    if (changed.role || changed.areaId) await this.checkPlacement(caller, role, areaId);
    const adminOfEverywhere = (u: { role: string; areaId: string | null; disabled: boolean }) => u.role === 'admin' && !u.areaId && !u.disabled;
    if (adminOfEverywhere(user) && !adminOfEverywhere({ role, areaId, disabled })) await this.keepOneAdmin(user.id);

    // Enabling again restores nothing a token could still carry: the disable revoked them all.
    const revokes = changed.role || changed.areaId || disabled;
    if (revokes) await this.users.updateRevokingTokens(id, { role, areaId, disabled });
    else await this.users.update(id, { disabled });
    const details: Record<string, unknown> = { username: user.username };
    if (changed.role) details.role = { from: user.role, to: role };
    if (changed.areaId) details.areaId = { from: user.areaId, to: areaId };
    if (changed.disabled) details.disabled = disabled;
    const action = changed.disabled && !changed.role && !changed.areaId ? (disabled ? 'user.disable' : 'user.enable') : 'user.update';
    await this.audit.record({ action, resourceId: id, details });
    return UserDto.of({ ...user, role, areaId, disabled });
  }

  /** DELETE: users are never erased; this disables them. */
  disable(caller: AuthUser, id: string): Promise<UserDto> {
    return this.update(caller, id, { disabled: true });
  }

  /** An admin sets a new password (a forgotten one): every token of the user stops working. */
  async setPassword(caller: AuthUser, id: string, password: string): Promise<UserDto> {
    const user = await this.visible(caller, id);
    const passwordHash = await this.acceptablePasswordHash(password, user.username);
    await this.users.updateRevokingTokens(id, { passwordHash, previousPasswordHashes: recentHashes(user) });
    await this.audit.record({ action: 'user.reset_password', resourceId: id, details: { username: user.username } });
    return UserDto.of(user);
  }

  /** A user who lost both the authenticator and the recovery codes: an admin removes the second factor. */
  async resetTotp(caller: AuthUser, id: string): Promise<UserDto> {
    const user = await this.visible(caller, id);
    await this.users.updateRevokingTokens(id, { totpSecret: null, totpEnabledAt: null, totpLastStep: null, recoveryCodeHashes: null });
    await this.audit.record({ action: 'user.reset_totp', resourceId: id, details: { username: user.username, wasEnabled: !!user.totpEnabledAt } });
    return UserDto.of({ ...user, totpSecret: null, totpEnabledAt: null });
  }

  /** First start on an empty database: create `admin`, with LOA_ADMIN_PASSWORD or a random password logged once. */
  async bootstrapAdmin(password: string | undefined): Promise<void> {
    if ((await this.users.count()) > 0) return;
    const problem = password ? passwordProblem(password, { username: 'admin' }) : null;
    if (problem) throw new Error(`LOA_ADMIN_PASSWORD: ${problem}`);
    const chosen = password ?? randomBytes(12).toString('base64url');
    await this.users.insert({ id: newId(), username: 'admin', passwordHash: await hashPassword(chosen), role: 'admin', areaId: null, createdAt: this.clock.now() });
    if (!password) this.logger.warn(`Created user "admin" with password: ${chosen} (shown once; set LOA_ADMIN_PASSWORD to choose it)`);
    else this.logger.log('Created user "admin" from LOA_ADMIN_PASSWORD');
  }

  /** A user in the caller's subtree (an admin without an area sees everyone); anyone else is 404. */
  private async visible(caller: AuthUser, id: string): Promise<UserEntity> {
    const user = await this.users.get(id);
    const path = user?.areaId ? await this.areas.pathOf(user.areaId) : null;
    notFoundUnless(!!user && (caller.areaPath === null || (!!path && inScope(caller, path))), 'user');
    return user!;
  }

  /** A role needs an area unless it is admin; the area must exist (400) and lie in the caller's subtree (403). */
  private async checkPlacement(caller: AuthUser, role: string, areaId: string | null): Promise<void> {
    if (role !== 'admin' && !areaId) throw new BadRequestException('areaId: required for this role');
    if (!areaId) {
      forbiddenUnless(caller.areaPath === null, 'only an admin without an area may make users without one');
      return;
    }
    const area = await this.areas.get(areaId);
    if (!area) throw new BadRequestException('areaId: no such area');
    forbiddenUnless(inScope(caller, area.path), 'areaId is outside your area');
  }

  private async keepOneAdmin(id: string): Promise<void> {
    if ((await this.users.countActiveAdminsOfEverywhere(id)) === 0) throw new ConflictException('the last active admin without an area cannot be disabled, lose the admin role or be bound to an area');
  }

  private async acceptablePasswordHash(password: string, username: string): Promise<string> {
    const problem = passwordProblem(password, { username });
    if (problem) throw new BadRequestException(problem);
    return hashPassword(password);
  }
}

