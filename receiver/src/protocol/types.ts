/** The device API's shapes (SPEC §6, §8, §9), as a receiver sees them. */

export type Priority = 'normal' | 'priority' | 'emergency';

export interface QueueSegment {
  id: string;
  /** Where to download the rendition, relative to the server origin. */
  url: string;
  /** sha256 of the rendition; null only if the server lost it. */
  sha256: string | null;
  durationSec: number;
}

/** One item of GET /device/queue, and the data of a pushed `broadcast` event. */
export interface QueueItem {
  broadcastId: string;
  startsAt: string;
  endsAt: string;
  priority: Priority;
  repeat: number;
  gapSec: number;
  segments: QueueSegment[];
}

export interface DeviceQueue {
  now: string;
  items: QueueItem[];
}

export type ReceiptStatus = 'played' | 'failed' | 'interrupted';

export interface Receipt {
  broadcastId: string;
  status: ReceiptStatus;
  startedAt: string;
  finishedAt?: string | null;
  error?: string | null;
}

export interface ReceiptAnswer {
  accepted: number;
  duplicates: number;
}

/** POST /device/status (SPEC §9). */
export interface DeviceStatus {
  agent: string;
  version: string;
  playing: { broadcastId: string; priority: Priority; startedAt: string } | null;
  cacheBytes: number;
  freeBytes: number | null;
  outbox: number;
  clockOffsetMs: number;
  lastError?: string;
}

export const PRIORITY_RANK: Record<Priority, number> = { normal: 0, priority: 1, emergency: 2 };
