import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AreasRepository } from '../areas/areas.repository.js';
import { AuditService } from '../audit/audit.service.js';
import { AppConfig } from '../config/app-config.js';
import { SpeakerEntity } from '../speakers/speaker.entity.js';
import { SessionUserDto, UserDto } from '../users/user.dto.js';
import { needsSecondFactor, type UserEntity } from '../users/user.entity.js';
import { UsersRepository } from '../users/users.repository.js';
import type { AuthDevice, AuthUser } from './auth-user.js';
import type { LoginDto, LoginResult } from './auth.dto.js';
import { Credentials } from './credentials.js';
import { DeviceTokenCache } from './device-token-cache.js';
import { hashDeviceToken } from './device-token.js';

interface TokenPayload {
  sub: string;
  /** The user's token version when signed: a token whose version is behind has been revoked. */
  ver?: number;
}

@Injectable()
export class AuthService {
  private readonly deviceTokens = new DeviceTokenCache();

  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersRepository,
    private readonly areas: AreasRepository,
    private readonly credentials: Credentials,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    @InjectRepository(SpeakerEntity) private readonly speakers: Repository<SpeakerEntity>,
  ) {}

  async login(dto: LoginDto, ip: string | null): Promise<LoginResult> {
    const { user, code } = await this.credentials.verify({ ip, username: dto.username, password: dto.password, code: dto.totp, via: 'login', secondFactor: true });
    await this.audit.record({ action: 'auth.login', userId: user.id, resourceId: user.id, details: code ? { secondFactor: code } : undefined });
    return this.session(user);
  }

  /** A token for `user` as it is now (its current token version), with the user as the console shows it. */
  async session(user: UserEntity): Promise<LoginResult> {
    const accessToken = await this.jwt.signAsync({ sub: user.id, ver: user.tokenVersion } satisfies TokenPayload);
    return { accessToken, user: this.sessionUser(user) };
  }

  async me(caller: AuthUser): Promise<SessionUserDto> {
    return this.sessionUser((await this.users.get(caller.id))!);
  }

  /**
   * The user behind a bearer token, re-read each time so a disabled user, a changed role or area, a
   * new password (anything that bumps the token version) takes effect at once.
   */
  async authenticateUser(token: string): Promise<AuthUser | null> {
    let payload: TokenPayload;
    try {
      payload = await this.jwt.verifyAsync<TokenPayload>(token);
    } catch {
      return null;
    }
    const user = await this.users.get(payload.sub);
    if (!user || user.disabled || (payload.ver ?? 0) !== user.tokenVersion) return null;
    const areaPath = user.areaId ? await this.areas.pathOf(user.areaId) : null;
    // A non-admin whose area vanished must not fall back to the unbounded scope.
    if (user.areaId && !areaPath) return null;
    return { id: user.id, username: user.username, role: user.role, areaId: user.areaId, areaPath, mustEnrolTotp: this.mustEnrolTotp(user) };
  }

  async authenticateDevice(token: string): Promise<AuthDevice | null> {
    const tokenHash = hashDeviceToken(token);
    const cached = this.deviceTokens.get(tokenHash);
    if (cached) return cached;
    const speaker = await this.speakers.findOne({ where: { tokenHash }, select: { id: true, communeId: true } });
    if (!speaker) return null;
    const device = { speakerId: speaker.id, communeId: speaker.communeId };
    this.deviceTokens.set(tokenHash, device);
    return device;
  }

  /** A rotated token must stop working, and a moved speaker answer for its new commune, at once. */
  forgetDevice(speakerId: string): void {
    this.deviceTokens.forgetSpeaker(speakerId);
  }

  private sessionUser(user: UserEntity): SessionUserDto {
    return { ...UserDto.of(user), mustEnrolTotp: this.mustEnrolTotp(user) };
  }

  /** LOA_REQUIRE_TOTP binds the user's role and no second factor is on yet. */
  mustEnrolTotp(user: UserEntity): boolean {
    return this.config.LOA_REQUIRE_TOTP && needsSecondFactor(user.role) && !user.totpEnabledAt;
  }
}
