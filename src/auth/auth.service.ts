import { Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AreasRepository } from '../areas/areas.repository.js';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { SpeakerEntity } from '../speakers/speaker.entity.js';
import { UserDto } from '../users/user.dto.js';
import type { UserEntity } from '../users/user.entity.js';
import { UsersRepository } from '../users/users.repository.js';
import type { AuthDevice, AuthUser } from './auth-user.js';
import type { LoginDto, LoginResult } from './auth.dto.js';
import { DeviceTokenCache } from './device-token-cache.js';
import { hashDeviceToken } from './device-token.js';
import { DUMMY_HASH, verifyPassword } from './password.js';

interface TokenPayload {
  sub: string;
}

@Injectable()
export class AuthService {
  private readonly deviceTokens = new DeviceTokenCache();

  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersRepository,
    private readonly areas: AreasRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @InjectRepository(SpeakerEntity) private readonly speakers: Repository<SpeakerEntity>,
  ) {}

  async login(dto: LoginDto): Promise<LoginResult> {
    const user = await this.verifyCredentials(dto.username, dto.password);
    if (!user) throw new UnauthorizedException('wrong username or password');
    await this.audit.record({ action: 'auth.login', userId: user.id, resourceId: user.id });
    return { accessToken: await this.jwt.signAsync({ sub: user.id } satisfies TokenPayload), user: UserDto.of(user) };
  }

  /** The user with these credentials, or null; every failure is audited. */
  async verifyCredentials(username: string, password: string): Promise<UserEntity | null> {
    const user = await this.users.getByUsername(username);
    // Verify against a dummy hash for unknown names too, so timing does not reveal which usernames exist.
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (user && ok) return user;
    await this.audit.record({ action: 'auth.login_failed', userId: user?.id ?? null, details: { username } });
    return null;
  }

  /** The user behind a bearer token, re-read each time so a deleted user or changed role takes effect at once. */
  async authenticateUser(token: string): Promise<AuthUser | null> {
    let payload: TokenPayload;
    try {
      payload = await this.jwt.verifyAsync<TokenPayload>(token);
    } catch {
      return null;
    }
    const user = await this.users.get(payload.sub);
    if (!user) return null;
    const areaPath = user.areaId ? await this.areas.pathOf(user.areaId) : null;
    // A non-admin whose area vanished must not fall back to the unbounded scope.
    if (user.areaId && !areaPath) return null;
    return { id: user.id, username: user.username, role: user.role, areaId: user.areaId, areaPath };
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
}
