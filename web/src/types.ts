/**
 * Shapes of the Loa API, taken from the server's own response types so the console cannot drift
 * from them. Type-only imports: erased by the build, so no server module reaches the browser.
 */
import type { AreaImportDto } from '../../src/areas/area-import.dto';
import type { AreaDto } from '../../src/areas/area.dto';
import type { AuditEntryDto } from '../../src/audit/audit.dto';
import type { BroadcastDto, DeliveryDto } from '../../src/broadcasts/broadcast.dto';
import type { BroadcastStatus } from '../../src/broadcasts/broadcast.entity';
import type { DeliveryReportItem, ReportGroup } from '../../src/reports/report.dto';
import type { ScheduleDto } from '../../src/schedules/schedule.dto';
import type { SchedulesService } from '../../src/schedules/schedules.service';
import type { SegmentDto } from '../../src/segments/segment.dto';
import type { SegmentStatus } from '../../src/segments/segment.entity';
import type { SpeakerDto } from '../../src/speakers/speaker.dto';
import type { UserDto } from '../../src/users/user.dto';

export type { BroadcastStatus, ReportGroup };
export type { AuditVerification } from '../../src/audit/audit.dto';
export type { Page } from '../../src/common/pagination';
export type { Priority } from '../../src/schedules/schedule.entity';
export type { Role } from '../../src/users/user.entity';

export type User = UserDto;
export type Area = AreaDto;
export type AreaImport = AreaImportDto;
export type Speaker = SpeakerDto;
export type Segment = SegmentDto;
export type Schedule = ScheduleDto;
export type Occurrence = Awaited<ReturnType<SchedulesService['occurrences']>>['items'][number];
export type Broadcast = BroadcastDto;
export type Delivery = DeliveryDto;
export type ReportRow = DeliveryReportItem;
export type AuditEntry = AuditEntryDto;

/**
 * The console's own copy of a server list of values (importing the server's array would bundle its
 * module): it type-checks only when it lists every member of T, and `const A extends readonly T[]`
 * rejects any value the server does not have.
 */
function allOf<T>() {
  return <const A extends readonly T[]>(values: A & ([T] extends [A[number]] ? unknown : { missing: Exclude<T, A[number]> })): A => values;
}

export const SEGMENT_STATUSES = allOf<SegmentStatus>()(['processing', 'ready', 'failed', 'retired']);
export const BROADCAST_STATUSES = allOf<BroadcastStatus>()(['scheduled', 'on_air', 'completed', 'partial', 'missed', 'skipped', 'cancelled', 'preempted']);
export const REPORT_GROUPS = allOf<ReportGroup>()(['day', 'commune', 'segment', 'topic', 'speaker']);
