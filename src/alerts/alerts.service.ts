import { BadRequestException, ForbiddenException, Injectable, Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { AreasRepository } from '../areas/areas.repository.js';
import type { AreaEntity } from '../areas/area.entity.js';
import type { AuthUser } from '../auth/auth-user.js';
import { inScope, notFoundUnless, onBranch } from '../auth/scope.js';
import { AuditService } from '../audit/audit.service.js';
import { BroadcastsService } from '../broadcasts/broadcasts.service.js';
import { CutIns } from '../broadcasts/cut-ins.js';
import { BroadcastWithdrawals } from '../broadcasts/withdrawals.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import type { Page } from '../common/pagination.js';
import { AppConfig } from '../config/app-config.js';
import { AlertAudio } from './alert-audio.js';
import { AlertDetailDto, AlertDto, ListAlertsQuery } from './alert.dto.js';
import type { AlertEntity, AlertOutcome } from './alert.entity.js';
import { ALERT_GAP_SEC, airs, areaGeocodes, checkMessage, chooseInfo, priorityOf } from './alert-rules.js';
import { AlertsRepository } from './alerts.repository.js';
import { CapError, parseCap, type CapAlert, type CapInfo } from './cap/cap-parser.js';

/** Who sent the message: a user (bounded by its area), or a configured feed (no bound). */
export interface AlertCaller {
  user: AuthUser | null;
  via: string;
}

export interface Received {
  created: boolean;
  alert: AlertDto;
}

/**
 * CAP 1.2 alerts (SPEC §11): parse and check, refuse what must not air (400/403, audited), store once
 * per sender + identifier, and put an Actual Alert or Update on the air in the request: its audio is
 * made here (not queued) and its broadcasts cut in at once, so it reaches the horns in seconds.
 */
@Injectable()
export class AlertsService {
  private readonly logger = new Logger(AlertsService.name);

  constructor(
    private readonly alerts: AlertsRepository,
    private readonly areas: AreasRepository,
    private readonly audio: AlertAudio,
    private readonly cutIns: CutIns,
    private readonly withdrawals: BroadcastWithdrawals,
    private readonly broadcasts: BroadcastsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async receive(caller: AlertCaller, xml: string): Promise<Received> {
    let cap: CapAlert | undefined;
    try {
      cap = parseCap(xml);
      const existing = await this.alerts.findByKey(cap.sender, cap.identifier);
      if (existing) return { created: false, alert: await this.replay(caller, existing) };
      const info = chooseInfo(cap);
      checkMessage(cap, info, this.clock.now());
      const areas = info ? await this.areasOf(info, caller) : [];
      const referenced = await this.referenced(cap, caller);
      if (airs(cap)) await this.audio.check(info!);
      return await this.store(caller, xml, cap, info, areas, referenced);
    } catch (error) {
      if (error instanceof CapError || error instanceof ForbiddenException) await this.refused(caller, cap, error);
      if (error instanceof CapError) throw new BadRequestException(error.message);
      throw error;
    }
  }

  async list(user: AuthUser, query: ListAlertsQuery): Promise<Page<AlertDto>> {
    const [rows, total] = await this.alerts.list({
      areaPath: user.areaPath, from: query.from ? new Date(query.from) : undefined, to: query.to ? new Date(query.to) : undefined, limit: query.limit, offset: query.offset,
    });
    return { items: await this.dtos(rows), total };
  }

  /** An alert with its broadcasts, each with the delivery counts of the caller's speakers. */
  async get(user: AuthUser, id: string): Promise<AlertDetailDto> {
    const alert = await this.visible(user, id);
    const broadcasts = await Promise.all(alert.broadcastIds.map((b) => this.broadcasts.get(user, b).catch(() => null)));
    return { ...(await this.dto(alert)), broadcasts: broadcasts.filter((b) => b !== null) };
  }

  /** Takes an alert off the air everywhere: its broadcasts on air stop, scheduled ones are cancelled. */
  async stop(user: AuthUser, id: string): Promise<AlertDetailDto> {
    const alert = await this.visible(user, id);
    const paths = (await this.alerts.areaPathsOf([id])).map((a) => a.areaPath);
    if (!paths.every((p) => inScope(user, p))) throw new ForbiddenException('this alert covers more than your area');
    const withdrawn = await this.withdrawals.withdraw(alert.broadcastIds, `alert ${alert.identifier} stopped by ${user.username}`);
    if (alert.outcome === 'on_air' || alert.outcome === 'scheduled') await this.alerts.update(id, { outcome: 'stopped', reason: `stopped by ${user.username}` });
    await this.audit.record({ action: 'alert.stop', resourceId: id, details: { identifier: alert.identifier, sender: alert.sender, withdrawn: withdrawn.map(({ id, status }) => ({ id, status })) } });
    return this.get(user, id);
  }

  private async store(caller: AlertCaller, xml: string, cap: CapAlert, info: CapInfo | undefined, areas: AreaEntity[], referenced: AlertEntity[]): Promise<Received> {
    const now = this.clock.now();
    const alert: AlertEntity = {
      id: newId(), sender: cap.sender, identifier: cap.identifier, sent: cap.sent, status: cap.status, msgType: cap.msgType, scope: cap.scope,
      references: cap.references.map((r) => `${r.sender},${r.identifier},${r.sent}`), event: info?.event ?? null, headline: info?.headline ?? null,
      language: info?.language ?? null, urgency: info?.urgency ?? null, severity: info?.severity ?? null, onset: info?.onset ?? null, expires: info?.expires ?? null,
      areaIds: areas.map((a) => a.id), broadcastIds: [], segmentIds: [], outcome: 'receiving', reason: null, via: caller.via, receivedBy: caller.user?.id ?? null,
      receivedAt: now, xml,
    };
    try {
      // Claims sender + identifier before anything airs: the same message arriving twice at once airs once.
      // A Cancel without areas of its own is seen where the alerts it cancels are.
      const areaPaths = areas.length ? areas.map((a) => [a.id, a.path] as const) : (await this.alerts.areaPathsOf(referenced.map((r) => r.id))).map((r) => [r.areaId, r.areaPath] as const);
      alert.areaIds = [...new Set(areaPaths.map(([areaId]) => areaId))];
      await this.alerts.insert(alert, new Map(areaPaths));
    } catch (error) {
      const winner = error instanceof QueryFailedError ? await this.alerts.findByKey(cap.sender, cap.identifier) : null;
      if (winner) return { created: false, alert: await this.dto(winner) };
      throw error;
    }
    try {
      Object.assign(alert, await this.act(alert, caller, cap, info, areas, referenced));
    } catch (error) {
      await this.alerts.delete(alert.id);
      throw error;
    }
    await this.alerts.update(alert.id, { broadcastIds: alert.broadcastIds, segmentIds: alert.segmentIds, outcome: alert.outcome, reason: alert.reason });
    await this.audit.record({
      action: 'alert.receive', resourceId: alert.id, userId: caller.user?.id ?? null, areaPath: caller.user?.areaPath ?? undefined,
      details: {
        sender: alert.sender, identifier: alert.identifier, status: alert.status, msgType: alert.msgType, via: alert.via, areaIds: alert.areaIds,
        broadcastIds: alert.broadcastIds, outcome: alert.outcome, reason: alert.reason, references: alert.references,
      },
    });
    return { created: true, alert: await this.dto(alert) };
  }

  /** What the message does: airs (Actual Alert/Update), cancels (Actual Cancel), or nothing (the rest). */
  private async act(alert: AlertEntity, caller: AlertCaller, cap: CapAlert, info: CapInfo | undefined, areas: AreaEntity[], referenced: AlertEntity[]) {
    if (cap.status !== 'Actual') return { outcome: 'not_aired' as const, reason: `status ${cap.status}: stored and audited, never aired` };
    if (cap.msgType === 'Cancel') {
      const withdrawn = await this.withdrawFrom(referenced, 'cancelled', `cancelled by ${cap.identifier}`);
      return { outcome: 'cancel' as const, reason: `${referenced.length ? `cancelled ${referenced.map((r) => r.identifier).join(', ')}` : 'no referenced alert was received'}; ${withdrawn} broadcasts withdrawn` };
    }
    if (!airs(cap)) return { outcome: 'not_aired' as const, reason: `msgType ${cap.msgType}: stored, nothing to air` };
    const user = caller.user;
    const owner = { userId: user?.id ?? null, areaId: user?.areaId ?? null, areaPath: user?.areaPath ?? '/', title: info!.headline ?? info!.event, expires: info!.expires ?? null };
    const [signal, own] = await Promise.all([this.audio.attentionSignal(), this.audio.forInfo(info!, owner)]);
    if (cap.msgType === 'Update') await this.withdrawFrom(referenced, 'replaced', `replaced by ${cap.identifier}`, { replaced: true });
    const priority = priorityOf(info!);
    const notBefore = priority === 'emergency' ? this.clock.now() : (info!.onset ?? this.clock.now());
    const broadcastIds: string[] = [];
    const skipped: string[] = [];
    let onAir = false;
    for (const area of areas) {
      const outcome = await this.cutIns.cutIn({
        area, title: owner.title, playlist: [signal, own], priority, notBefore, repeat: this.config.LOA_ALERT_REPEAT, gapSec: ALERT_GAP_SEC,
        until: info!.expires, createdBy: user?.id ?? null, source: `alert ${cap.identifier}`,
        audit: { action: 'broadcast.alert', details: { alertId: alert.id, sender: cap.sender, identifier: cap.identifier, areaId: area.id, title: owner.title } },
      });
      if (!outcome.broadcast) skipped.push(`${area.name}: ${outcome.reason}`);
      else {
        broadcastIds.push(outcome.broadcast.id);
        onAir ||= outcome.broadcast.status === 'on_air' || priority === 'emergency';
      }
    }
    const outcome: AlertOutcome = !broadcastIds.length ? 'not_aired' : onAir ? 'on_air' : 'scheduled';
    return { outcome, broadcastIds, segmentIds: [signal.id, own.id], reason: skipped.length ? `not aired in ${skipped.join('; ')}` : null };
  }

  /** Stops and cancels what an Update or Cancel references; returns how many broadcasts were withdrawn. */
  private async withdrawFrom(referenced: AlertEntity[], outcome: AlertOutcome, reason: string, options: { replaced?: boolean } = {}): Promise<number> {
    let withdrawn = 0;
    for (const old of referenced) {
      withdrawn += (await this.withdrawals.withdraw(old.broadcastIds, `alert ${old.identifier} ${reason}`, options)).length;
      if (old.outcome === 'on_air' || old.outcome === 'scheduled') await this.alerts.update(old.id, { outcome, reason });
    }
    return withdrawn;
  }

  /** The areas its geocodes name (400 unknown, 403 outside the caller's), without those inside another named one. */
  private async areasOf(info: CapInfo, caller: AlertCaller): Promise<AreaEntity[]> {
    const codes = areaGeocodes(info);
    const found = new Map((await this.areas.byCodes([...new Set(codes.map((c) => c.value))])).map((a) => [a.code, a]));
    for (const code of codes) {
      const area = found.get(code.value);
      if (!area) throw new CapError(code.path, `no area has the code ${code.value}`);
      if (caller.user && !inScope(caller.user, area.path)) throw new ForbiddenException(`${code.path}: area ${code.value} is outside your area`);
    }
    const areas = [...found.values()];
    return areas.filter((a) => !areas.some((other) => other !== a && a.path.startsWith(other.path)));
  }

  /** The alerts an Update or Cancel is about; the caller must be allowed to change every one of them (403). */
  private async referenced(cap: CapAlert, caller: AlertCaller): Promise<AlertEntity[]> {
    if (cap.msgType !== 'Update' && cap.msgType !== 'Cancel') return [];
    const found = await this.alerts.findByKeys(cap.references);
    const user = caller.user;
    if (user && found.length) {
      const paths = await this.alerts.areaPathsOf(found.map((a) => a.id));
      if (!paths.every((p) => inScope(user, p.areaPath))) throw new ForbiddenException('alert/references: a referenced alert covers areas outside yours');
    }
    return found;
  }

  /** A message already received: the same answer (200); 403 for a caller that may not see it. */
  private async replay(caller: AlertCaller, existing: AlertEntity): Promise<AlertDto> {
    const user = caller.user;
    if (user) {
      const paths = await this.alerts.areaPathsOf([existing.id]);
      if (!paths.every((p) => inScope(user, p.areaPath))) throw new ForbiddenException('this alert was received for areas outside yours');
    }
    return this.dto(existing);
  }

  private async refused(caller: AlertCaller, cap: CapAlert | undefined, error: Error): Promise<void> {
    this.logger.warn(`alert refused (${caller.via}): ${error.message}`);
    await this.audit.record({
      action: 'alert.refuse', userId: caller.user?.id ?? null, areaPath: caller.user?.areaPath ?? undefined,
      details: { via: caller.via, sender: cap?.sender ?? null, identifier: cap?.identifier ?? null, status: cap?.status ?? null, msgType: cap?.msgType ?? null, reason: error.message },
    });
  }

  /** Alerts as answers, with the names of their areas as they are now (one lookup for the lot). */
  private async dtos(rows: AlertEntity[]): Promise<AlertDto[]> {
    const areas = await this.areas.byIds([...new Set(rows.flatMap((a) => a.areaIds))]);
    const byId = new Map(areas.map((area) => [area.id, area]));
    return rows.map((row) => AlertDto.of(row, byId));
  }

  private async dto(alert: AlertEntity): Promise<AlertDto> {
    return (await this.dtos([alert]))[0];
  }

  private async visible(user: AuthUser, id: string): Promise<AlertEntity> {
    const alert = await this.alerts.get(id);
    const paths = alert ? await this.alerts.areaPathsOf([id]) : [];
    notFoundUnless(!!alert && (user.areaPath === null || paths.some((p) => onBranch(user, p.areaPath))), 'alert');
    return alert!;
  }
}
