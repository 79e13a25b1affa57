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
import { DeviceNotifier } from '../push/device-notifier.js';
import { PushPresence } from '../push/push-presence.js';
import { newestVersion } from './receiver-health.js';
import { CreateSpeakerDto, ListSpeakersQuery, SpeakerDto, UpdateSpeakerDto } from './speaker.dto.js';
import { NO_STATUS, SpeakerEntity } from './speaker.entity.js';
import { SpeakersRepository } from './speakers.repository.js';

const VERSIONS_TTL_MS = 5_000;

@Injectable()
export class SpeakersService {
  private newest?: { at: number; value: string | null };

  constructor(
    private readonly speakers: SpeakersRepository,
    private readonly areas: AreasRepository,
    private readonly areasService: AreasService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly auth: AuthService,
    private readonly notifier: DeviceNotifier,
    private readonly presence: PushPresence,
  ) {}

  async create(user: AuthUser, dto: CreateSpeakerDto): Promise<SpeakerDto & { deviceToken: string }> {
    await this.areasService.communeForWrite(user, dto.communeId);
    const { token, hash } = newDeviceToken();
    const speaker: SpeakerEntity = { id: newId(), name: dto.name, communeId: dto.communeId, location: dto.location ?? null, tokenHash: hash, lastSeenAt: null, createdAt: this.clock.now(), ...NO_STATUS };
    await this.speakers.insert(speaker);
    await this.audit.record({ action: 'speaker.create', resourceId: speaker.id, details: { name: speaker.name, communeId: speaker.communeId } });
    return { ...(await this.toDtos([speaker]))[0], deviceToken: token };
  }

  async list(user: AuthUser, query: ListSpeakersQuery): Promise<Page<SpeakerDto>> {
    if (query.communeId) notFoundUnless(await this.isAreaVisible(user, query.communeId), 'commune');
    const seenSince = new Date(this.clock.now().getTime() - this.config.LOA_SPEAKER_OFFLINE_SEC * 1000);
    const online = query.online === undefined ? undefined : { online: query.online === 'true', seenSince };
    const [rows, total] = await this.speakers.list({ pathPrefix: user.areaPath, communeId: query.communeId, q: query.q, online, limit: query.limit, offset: query.offset });
    return { items: await this.toDtos(rows), total };
  }

  async get(user: AuthUser, id: string): Promise<SpeakerDto> {
    return (await this.toDtos([await this.visible(user, id)]))[0];
  }

  /** A commune merge is a move: the speaker's past deliveries keep the commune they aired in. */
  async update(user: AuthUser, id: string, dto: UpdateSpeakerDto): Promise<SpeakerDto> {
    const speaker = await this.visible(user, id);
    if (dto.communeId && dto.communeId !== speaker.communeId) await this.areasService.communeForWrite(user, dto.communeId);
    const changes: Partial<SpeakerEntity> = {};
    if (dto.name !== undefined) changes.name = dto.name;
    if (dto.location !== undefined) changes.location = dto.location;
    if (dto.communeId !== undefined) changes.communeId = dto.communeId;
    if (!Object.keys(changes).length) return (await this.toDtos([speaker]))[0];
    await this.speakers.update(id, changes);
    if (changes.communeId) this.auth.forgetDevice(id);
    if (changes.communeId && changes.communeId !== speaker.communeId) this.notifier.speakerMoved(id);
    const action = changes.communeId && changes.communeId !== speaker.communeId ? 'speaker.move' : 'speaker.update';
    await this.audit.record({ action, resourceId: id, details: { ...changes, ...(action === 'speaker.move' ? { fromCommuneId: speaker.communeId } : {}) } });
    return (await this.toDtos([{ ...speaker, ...changes }]))[0];
  }

  async rotateToken(user: AuthUser, id: string): Promise<{ deviceToken: string }> {
    await this.visible(user, id);
    const { token, hash } = newDeviceToken();
    await this.speakers.update(id, { tokenHash: hash });
    this.auth.forgetDevice(id);
    this.notifier.tokenRevoked(id);
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

  /** With how each receiver is connected now (push presence, shared by every api process) and how it compares with the newest receiver version. */
  private async toDtos(speakers: SpeakerEntity[]): Promise<SpeakerDto[]> {
    const [streaming, newest] = await Promise.all([this.presence.present(speakers.map((s) => s.id)).catch(() => new Set<string>()), this.newestVersion()]);
    const now = this.clock.now();
    return speakers.map((s) => SpeakerDto.of(s, now, this.config.LOA_SPEAKER_OFFLINE_SEC, streaming.has(s.id), newest));
  }

  /** Read again at most every few seconds: a console page lists speakers often, receivers are upgraded rarely. */
  private async newestVersion(): Promise<string | null> {
    const now = this.clock.now().getTime();
    if (!this.newest || now - this.newest.at > VERSIONS_TTL_MS) this.newest = { at: now, value: newestVersion(await this.speakers.agentVersions()) };
    return this.newest.value;
  }
}
