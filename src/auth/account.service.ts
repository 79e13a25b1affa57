import { BadRequestException, ConflictException, ForbiddenException, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { AppConfig } from '../config/app-config.js';
import { needsSecondFactor, type UserEntity } from '../users/user.entity.js';
import { UsersRepository } from '../users/users.repository.js';
import type { AuthUser } from './auth-user.js';
import type { ChangePasswordDto, RemoveTotpDto, LoginResult, TotpEnrolmentDto } from './auth.dto.js';
import { AuthService } from './auth.service.js';
import { Credentials } from './credentials.js';
import { hashPassword, recentHashes, verifyPassword } from './password.js';
import { PasswordAttempts } from './password-attempts.js';
import { passwordProblem } from './password-policy.js';
import { SecondFactor } from './second-factor.js';

/**
 * What signed-in users do to their own account: change their password, enrol or remove a second
 * factor. Each first proves the password again (under the attempt limit), so a stolen token alone
 * cannot take the account over; each ends every other session and answers a fresh token for this one.
 */
@Injectable()
export class AccountService {
  constructor(
    private readonly users: UsersRepository,
    private readonly credentials: Credentials,
    private readonly attempts: PasswordAttempts,
    private readonly secondFactor: SecondFactor,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /** 401 wrong current password; 400 weak, or the current or a recent password again. */
  async changePassword(caller: AuthUser, dto: ChangePasswordDto, ip: string | null): Promise<LoginResult> {
    const { user } = await this.credentials.verify({ ip, username: caller.username, password: dto.currentPassword, via: 'password-change', secondFactor: false });
    const problem = passwordProblem(dto.newPassword, { username: user.username });
    if (problem) throw new BadRequestException(`newPassword: ${problem}`);
    for (const earlier of [user.passwordHash, ...(user.previousPasswordHashes ?? [])]) {
      if (await verifyPassword(dto.newPassword, earlier)) throw new BadRequestException('newPassword: choose a password you have not used recently');
    }
    await this.users.updateRevokingTokens(user.id, { passwordHash: await hashPassword(dto.newPassword), previousPasswordHashes: recentHashes(user) });
    await this.audit.record({ action: 'user.change_password', resourceId: user.id, details: { username: user.username } });
    return this.freshSession(user.id);
  }

  /**
   * Step 1 of 2: a new secret (QR code) and recovery codes, shown once. The second factor is not on
   * until `confirmTotp` sees a first code from the app, so a failed scan never locks anyone out.
   */
  async startTotp(caller: AuthUser, password: string, ip: string | null): Promise<TotpEnrolmentDto> {
    const { user } = await this.credentials.verify({ ip, username: caller.username, password, via: 'totp-enrolment', secondFactor: false });
    if (user.totpEnabledAt) throw new ConflictException('a second factor is already on: remove it first to enrol a new one');
    const enrolment = await this.secondFactor.start(user);
    await this.audit.record({ action: 'user.totp_enrol', resourceId: user.id, details: { username: user.username } });
    return enrolment;
  }

  /** Step 2 of 2: the app's first code turns the second factor on. Wrong codes count against the attempt limit. */
  async confirmTotp(caller: AuthUser, code: string, ip: string | null): Promise<LoginResult> {
    const user = await this.current(caller);
    if (user.totpEnabledAt) throw new ConflictException('the second factor is already on');
    if (!user.totpSecret) throw new ConflictException('no enrolment started: POST /auth/totp first');
    const confirmed = await this.attempts.attempt({ ip, username: user.username }, async () => {
      if (await this.secondFactor.confirm(user, code)) return user;
      await this.audit.record({ action: 'auth.totp_failed', userId: user.id, details: { username: user.username, via: 'totp-confirmation' } });
      return null;
    });
    if (!confirmed) throw new BadRequestException('code: not the current code of this enrolment (is the phone\'s clock right?)');
    await this.users.updateRevokingTokens(user.id, {});
    await this.audit.record({ action: 'user.totp_enable', resourceId: user.id, details: { username: user.username } });
    return this.freshSession(user.id);
  }

  /** Turns the second factor off, with the password and a code; not for roles that LOA_REQUIRE_TOTP binds. */
  async removeTotp(caller: AuthUser, dto: RemoveTotpDto, ip: string | null): Promise<LoginResult> {
    if (this.config.LOA_REQUIRE_TOTP && needsSecondFactor(caller.role)) throw new ForbiddenException(`role ${caller.role} must keep a second factor (LOA_REQUIRE_TOTP)`);
    const current = await this.current(caller);
    if (!current.totpEnabledAt) throw new ConflictException('no second factor is on');
    const { user } = await this.credentials.verify({ ip, username: caller.username, password: dto.password, code: dto.totp, via: 'totp-removal', secondFactor: true });
    await this.secondFactor.remove(user);
    await this.users.updateRevokingTokens(user.id, {});
    await this.audit.record({ action: 'user.totp_disable', resourceId: user.id, details: { username: user.username } });
    return this.freshSession(user.id);
  }

  private async current(caller: AuthUser): Promise<UserEntity> {
    return (await this.users.get(caller.id))!;
  }

  private async freshSession(id: string): Promise<LoginResult> {
    return this.auth.session((await this.users.get(id))!);
  }
}
