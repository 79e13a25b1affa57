/** Shapes of the Loa API (SPEC section 6). */
export type Role = 'admin' | 'district_staff' | 'commune_operator' | 'auditor';

export interface User {
  id: string;
  username: string;
  role: Role;
  areaId: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export type AreaKind = 'province' | 'district' | 'commune';

export interface Area {
  id: string;
  name: string;
  code: string;
  kind: AreaKind;
  parentId: string | null;
  maxBroadcastMinutes: number | null;
}

export interface Speaker {
  id: string;
  name: string;
  communeId: string;
  location: string | null;
  lastSeenAt: string | null;
  online: boolean;
}

export type SegmentStatus = 'processing' | 'ready' | 'failed' | 'retired';

export interface Segment {
  id: string;
  title: string;
  topic: string;
  language: string;
  status: SegmentStatus;
  error: string | null;
  durationSec: number | null;
  loudnessLufs: number | null;
  sha256: string;
  approved: boolean;
  validFrom: string | null;
  validUntil: string | null;
  createdAt: string;
}

export type Priority = 'normal' | 'priority' | 'emergency';

export interface Schedule {
  id: string;
  communeId: string;
  title: string;
  segmentIds: string[];
  speakerIds: string[] | null;
  cron: string | null;
  timezone: string;
  startDate: string | null;
  endDate: string | null;
  at: string | null;
  priority: Priority;
  repeat: number;
  gapSec: number;
}

export interface Occurrence {
  startsAt: string;
  endsAt: string;
}

export const BROADCAST_STATUSES = ['scheduled', 'on_air', 'completed', 'partial', 'missed', 'skipped', 'cancelled', 'preempted'] as const;
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];

export interface DeliveryCounts {
  targeted: number;
  played: number;
  failed: number;
  missed: number;
  pending: number;
}

export interface Broadcast {
  id: string;
  scheduleId: string | null;
  /** The commune (or, for an emergency, the area) it airs in. */
  areaId: string;
  title: string;
  startsAt: string;
  endsAt: string;
  priority: Priority;
  status: BroadcastStatus;
  reason?: string | null;
  segmentIds?: string[];
  counts?: DeliveryCounts;
}

export type DeliveryStatus = 'pending' | 'played' | 'failed' | 'missed';

export interface Delivery {
  speakerId: string;
  /** The speaker's commune when the broadcast aired. */
  communeId: string;
  status: DeliveryStatus;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

export const REPORT_GROUPS = ['day', 'commune', 'segment', 'topic', 'speaker'] as const;
export type ReportGroup = (typeof REPORT_GROUPS)[number];

export interface ReportRow {
  key: string;
  label: string;
  broadcasts: number;
  targeted: number;
  played: number;
  failed: number;
  missed: number;
  airtimeSec: number;
}

export interface AuditEntry {
  seq: number;
  at: string;
  userId: string | null;
  action: string;
  resource: string;
  resourceId: string | null;
  hash: string;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  firstBadSeq: number | null;
}
