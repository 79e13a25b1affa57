import { Injectable } from '@nestjs/common';
import { AreasService } from '../areas/areas.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { AuthService } from '../auth/auth.service.js';
import { newDeviceToken } from '../auth/device-token.js';
import { inScope, notFoundUnless } from '../auth/scope.js';
import { AreasRepository } from '../areas/areas.repository.js';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import type { Page } from '../common/pagination.js';
import { AppConfig } from '../config/app-config.js';
import { CreateSpeakerDto, ListSpeakersQuery, SpeakerDto, UpdateSpeakerDto } from './speaker.dto.js';
import { SpeakerEntity } from './speaker.entity.js';
import { SpeakersRepository } from './speakers.repository.js';

@Injectable()
export class SpeakersService {
  constructor(
    private readonly speakers: SpeakersRepository,
    private readonly areas: AreasRepository,
    private readonly areasService: AreasService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly auth: AuthService,
  ) {}

  async create(user: AuthUser, dto: CreateSpeakerDto): Promise<SpeakerDto & { deviceToken: string }> {
    await this.areasService.communeForWrite(user, dto.communeId);
    const { token, hash } = newDeviceToken();
    const speaker: SpeakerEntity = { id: newId(), name: dto.name, communeId: dto.communeId, location: dto.location ?? null, tokenHash: hash, lastSeenAt: null, createdAt: this.clock.now() };
    await this.speakers.insert(speaker);
    await this.audit.record({ action: 'speaker.create', resourceId: speaker.id, details: { name: speaker.name, communeId: speaker.communeId } });
    return { ...this.toDto(speaker), deviceToken: token };
  }

  async list(user: AuthUser, query: ListSpeakersQuery): Promise<Page<SpeakerDto>> {
    if (query.communeId) notFoundUnless(await this.isAreaVisible(user, query.communeId), 'commune');
    const seenSince = new Date(this.clock.now().getTime() - this.config.LOA_SPEAKER_OFFLINE_SEC * 1000);
    const online = query.online === undefined ? undefined : { online: query.online === 'true', seenSince };
    const [rows, total] = await this.speakers.list({ pathPrefix: user.areaPath, communeId: query.communeId, q: query.q, online, limit: query.limit, offset: query.offset });
    return { items: rows.map((s) => this.toDto(s)), total };
  }

  async get(user: AuthUser, id: string): Promise<SpeakerDto> {
    return this.toDto(await this.visible(user, id));
  }

  /** A commune merge is a move: the speaker's past deliveries keep the commune they aired in. */
  async update(user: AuthUser, id: string, dto: UpdateSpeakerDto): Promise<SpeakerDto> {
    const speaker = await this.visible(user, id);
    if (dto.communeId && dto.communeId !== speaker.communeId) await this.areasService.communeForWrite(user, dto.communeId);
    const changes: Partial<SpeakerEntity> = {};
    if (dto.name !== undefined) changes.name = dto.name;
    if (dto.location !== undefined) changes.location = dto.location;
    if (dto.communeId !== undefined) changes.communeId = dto.communeId;
    if (!Object.keys(changes).length) return this.toDto(speaker);
    await this.speakers.update(id, changes);
    if (changes.communeId) this.auth.forgetDevice(id);
    const action = changes.communeId && changes.communeId !== speaker.communeId ? 'speaker.move' : 'speaker.update';
    await this.audit.record({ action, resourceId: id, details: { ...changes, ...(action === 'speaker.move' ? { fromCommuneId: speaker.communeId } : {}) } });
    return this.toDto({ ...speaker, ...changes });
  }

  async rotateToken(user: AuthUser, id: string): Promise<{ deviceToken: string }> {
    await this.visible(user, id);
    const { token, hash } = newDeviceToken();
    await this.speakers.update(id, { tokenHash: hash });
    this.auth.forgetDevice(id);
    await this.audit.record({ action: 'speaker.rotate_token', resourceId: id });
    return { deviceToken: token };
  }

  private async visible(user: AuthUser, id: string): Promise<SpeakerEntity> {
    const speaker = await this.speakers.get(id);
    notFoundUnless(!!speaker && (await this.isAreaVisible(user, speaker.communeId)), 'speaker');
    return speaker!;
  }

  private async isAreaVisible(user: AuthUser, areaId: string): Promise<boolean> {
    const path = await this.areas.pathOf(areaId);
    return !!path && inScope(user, path);
  }

  private toDto(speaker: SpeakerEntity): SpeakerDto {
    return SpeakerDto.of(speaker, this.clock.now(), this.config.LOA_SPEAKER_OFFLINE_SEC);
  }
}
