import semver from 'semver';
import type { DeviceStatusReport } from '../device/device-status.dto.js';

/** How each receiver is connected now: an open event stream, polling only, or not heard from lately. */
export const CONNECTIONS = ['push', 'polling', 'offline'] as const;
export type Connection = (typeof CONNECTIONS)[number];

/**
 * Why a receiver needs a look: not seen within LOA_SPEAKER_OFFLINE_SEC; receipts piling up in its outbox
 * (the server is not taking them, or it cannot reach it); its clock more than a second off the server's
 * (starts would drift from what was scheduled); a version older than the newest any receiver reports.
 */
export const BEHIND_REASONS = ['offline', 'outbox', 'clock', 'version'] as const;
export type BehindReason = (typeof BEHIND_REASONS)[number];

/** More receipts than this waiting: a healthy receiver sends each within seconds of playing it. */
export const OUTBOX_BEHIND = 10;
export const CLOCK_BEHIND_MS = 1000;

export function connectionOf(online: boolean, streaming: boolean): Connection {
  if (streaming) return 'push';
  return online ? 'polling' : 'offline';
}

export function behindReasons(online: boolean, status: DeviceStatusReport | null, newestVersion: string | null): BehindReason[] {
  const reasons: BehindReason[] = [];
  if (!online) reasons.push('offline');
  if (!status) return reasons;
  if (status.outbox > OUTBOX_BEHIND) reasons.push('outbox');
  if (Math.abs(status.clockOffsetMs) > CLOCK_BEHIND_MS) reasons.push('clock');
  const version = semver.valid(semver.coerce(status.version));
  if (newestVersion && version && semver.lt(version, newestVersion)) reasons.push('version');
  return reasons;
}

/** The newest of the versions receivers report (semver; ones that are not versions are ignored). */
export function newestVersion(versions: string[]): string | null {
  const valid = versions.map((v) => semver.valid(semver.coerce(v))).filter((v): v is string => !!v);
  return valid.length ? semver.rsort(valid)[0] : null;
}
