import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import type { AreaEntity } from '../areas/area.entity.js';
import { BroadcastDto } from '../broadcasts/broadcast.dto.js';
import { iso, IsInstant } from '../common/iso.js';
import { PageQuery } from '../common/pagination.js';
import { PageOf } from '../openapi/page.dto.js';
import { ALERT_OUTCOMES, type AlertEntity, type AlertOutcome } from './alert.entity.js';

export class ListAlertsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'alerts received at or after' }) @IsOptional() @IsInstant('from')
  from?: string;

  @ApiPropertyOptional({ description: 'alerts received before' }) @IsOptional() @IsInstant('to')
  to?: string;
}

/** An area an alert names, as it is called now (an area may be created, or renamed, after a console loaded its list). */
export class AlertAreaDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Xã Y Tý' }) name: string;
  @ApiProperty({ example: 'LC-YT' }) code: string;
}

export class AlertDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'KTTV-2025-BAO-SO-3-0001' }) identifier: string;
  @ApiProperty({ example: 'canhbao@kttv.gov.vn' }) sender: string;
  @ApiProperty({ format: 'date-time' }) sent: string;
  @ApiProperty({ enum: ['Actual', 'Exercise', 'System', 'Test'], description: 'Exercise, Test and System are stored, never aired' }) status: string;
  @ApiProperty({ enum: ['Alert', 'Update', 'Cancel', 'Ack', 'Error'] }) msgType: string;
  @ApiProperty({ example: 'Public' }) scope: string;
  @ApiProperty({ type: [String], description: 'CAP references of an Update or Cancel: sender,identifier,sent' }) references: string[];
  @ApiProperty({ type: String, nullable: true }) event: string | null;
  @ApiProperty({ type: String, nullable: true }) headline: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'vi-VN' }) language: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Immediate' }) urgency: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Extreme' }) severity: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) onset: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expires: string | null;
  @ApiProperty({ type: [String], description: 'the areas its geocodes name' }) areaIds: string[];
  @ApiProperty({ type: [AlertAreaDto], description: 'the same areas, with their names and codes' }) areas: AlertAreaDto[];
  @ApiProperty({ type: [String], description: 'one broadcast per area, on every speaker below it' }) broadcastIds: string[];
  @ApiProperty({ type: [String], description: 'the attention signal and the alert audio' }) segmentIds: string[];
  @ApiProperty({ enum: ALERT_OUTCOMES, enumName: 'AlertOutcome' }) outcome: AlertOutcome;
  @ApiProperty({ type: String, nullable: true, description: 'why it did not air, or what an Update or Cancel did' }) reason: string | null;
  @ApiProperty({ description: '"post", or the feed it was read from' }) via: string;
  @ApiProperty({ format: 'date-time' }) receivedAt: string;

  /** `areas`: at least the alert's areas, by id. */
  static of(a: AlertEntity, areas: Map<string, Pick<AreaEntity, 'id' | 'name' | 'code'>>): AlertDto {
    const named = a.areaIds.map((id) => areas.get(id)).filter((area) => area !== undefined);
    return {
      id: a.id, identifier: a.identifier, sender: a.sender, sent: iso(a.sent)!, status: a.status, msgType: a.msgType, scope: a.scope, references: a.references,
      event: a.event, headline: a.headline, language: a.language, urgency: a.urgency, severity: a.severity, onset: iso(a.onset), expires: iso(a.expires),
      areaIds: a.areaIds, areas: named.map(({ id, name, code }) => ({ id, name, code })), broadcastIds: a.broadcastIds, segmentIds: a.segmentIds, outcome: a.outcome, reason: a.reason, via: a.via, receivedAt: iso(a.receivedAt)!,
    };
  }
}

export class AlertPageDto extends PageOf(AlertDto) {}

/** An alert with what aired where: its broadcasts with their delivery counts. */
export class AlertDetailDto extends AlertDto {
  @ApiProperty({ type: [BroadcastDto] }) broadcasts: BroadcastDto[];
}
