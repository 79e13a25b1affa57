/**
 * Shapes of the Loa API, from the client generated from its OpenAPI document
 * (open-api/typescript-sdk), so the console cannot drift from the server.
 */
import type { Schemas } from '../../open-api/typescript-sdk/src/index';

export type User = Schemas['UserDto'];
/** The signed-in user: a user, and whether it must enrol a second factor before anything else. */
export type SessionUser = Schemas['SessionUserDto'];
export type LoginResult = Schemas['LoginResult'];
export type TotpEnrolment = Schemas['TotpEnrolmentDto'];
export type Role = Schemas['Role'];
export type Area = Schemas['AreaDto'];
export type AreaImport = Schemas['AreaImportDto'];
export type Speaker = Schemas['SpeakerDto'];
export type NewSpeaker = Schemas['NewSpeakerDto'];
export type Segment = Schemas['SegmentDto'];
export type SegmentStatus = Schemas['SegmentStatus'];
export type Schedule = Schemas['ScheduleDto'];
export type Priority = Schemas['Priority'];
export type Occurrence = Schemas['OccurrenceDto'];
export type Broadcast = Schemas['BroadcastDto'];
export type BroadcastStatus = Schemas['BroadcastStatus'];
export type Delivery = Schemas['DeliveryDto'];
export type ReportRow = Schemas['DeliveryReportItem'];
export type DeliveryReport = Schemas['DeliveryReport'];
export type ReportGroup = Schemas['ReportGroup'];
export type AuditEntry = Schemas['AuditEntryDto'];
export type AuditVerification = Schemas['AuditVerification'];
export type ScheduleClash = Schemas['ScheduleClashDto'];
export type ScheduleChanges = Schemas['UpdateScheduleDto'];

/**
 * The console's own copy of a list of values of the API: it type-checks only when it lists every
 * member of T, and `const A extends readonly T[]` rejects any value the API does not have.
 */
function allOf<T>() {
  return <const A extends readonly T[]>(values: A & ([T] extends [A[number]] ? unknown : { missing: Exclude<T, A[number]> })): A => values;
}

export const SEGMENT_STATUSES = allOf<SegmentStatus>()(['processing', 'ready', 'failed', 'retired']);
export const BROADCAST_STATUSES = allOf<BroadcastStatus>()(['scheduled', 'on_air', 'completed', 'partial', 'missed', 'skipped', 'cancelled', 'preempted', 'stopped']);
export const ROLES = allOf<Role>()(['admin', 'district_staff', 'commune_operator', 'auditor', 'alert_source']);
export const REPORT_GROUPS = allOf<ReportGroup>()(['day', 'commune', 'segment', 'topic', 'speaker']);
