import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { hashDeviceToken } from '../../src/auth/device-token.js';

type Row = Record<string, string | number | boolean | null>;

/** Multi-row INSERTs in one transaction: seeding 10^5 rows takes seconds, not minutes. */
export async function insertRows(db: DataSource, table: string, rows: Row[]): Promise<void> {
  if (!rows.length) return;
  const columns = Object.keys(rows[0]);
  const perStatement = Math.floor(30_000 / columns.length);
  await db.transaction(async (manager) => {
    for (let i = 0; i < rows.length; i += perStatement) {
      const chunk = rows.slice(i, i + perStatement);
      const tuple = `(${columns.map(() => '?').join(', ')})`;
      await manager.query(
        `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${chunk.map(() => tuple).join(', ')}`,
        chunk.flatMap((row) => columns.map((c) => (typeof row[c] === 'boolean' ? (row[c] ? 1 : 0) : row[c]))),
      );
    }
  });
}

export interface Fleet {
  communes: Array<{ id: string; path: string }>;
  speakers: Array<{ id: string; communeId: string; token: string }>;
  segmentIds: string[];
}

/**
 * One province with `communeCount` communes and `speakerCount` speakers spread over them, each with a
 * known device token, and `segmentCount` ready, approved segments of the province.
 */
export async function seedFleet(db: DataSource, opts: { communeCount: number; speakerCount: number; segmentCount: number }): Promise<Fleet> {
  const now = Date.now();
  const provinceId = randomUUID();
  const provincePath = `/${provinceId}/`;
  const area = (id: string, kind: string, parentId: string | null, path: string): Row => ({
    id, name: `${kind} ${id.slice(0, 8)}`, code: `${kind}-${id}`, kind, parentId, path, maxBroadcastMinutes: null, createdAt: now,
  });
  const communes = Array.from({ length: opts.communeCount }, () => {
    const id = randomUUID();
    return { id, path: `${provincePath}${id}/` };
  });
  await insertRows(db, 'areas', [area(provinceId, 'province', null, provincePath), ...communes.map((c) => area(c.id, 'commune', provinceId, c.path))]);

  const speakers = Array.from({ length: opts.speakerCount }, (_, i) => ({ id: randomUUID(), communeId: communes[i % communes.length].id, token: `loa_dev_bench_${i}_${randomUUID()}` }));
  await insertRows(db, 'speakers', speakers.map((s, i) => ({ id: s.id, name: `speaker ${i}`, communeId: s.communeId, location: null, tokenHash: hashDeviceToken(s.token), lastSeenAt: null, createdAt: now })));

  const segmentIds = Array.from({ length: opts.segmentCount }, () => randomUUID());
  await insertRows(db, 'segments', segmentIds.map((id, i) => {
    const sha = (id.replaceAll('-', '') + id.replaceAll('-', '')).slice(0, 64);
    return {
      id, title: `segment ${i}`, topic: 'social-insurance', language: 'vi', status: 'ready', error: null, areaId: provinceId, areaPath: provincePath,
      uploadedBy: null, originalName: 'bench.wav', sha256: sha, liveSha256: sha, sourceBytes: 1, durationSec: 120, loudnessLufs: -20,
      renditionLufs: -16, renditionTruePeakDb: -1.2, renditionSha256: sha.split('').reverse().join(''), renditionBytes: 1, approved: true,
      approvedBy: null, approvedAt: now, validFrom: null, validUntil: null, createdAt: now, updatedAt: now, retiredAt: null,
    };
  }));
  return { communes, speakers, segmentIds };
}

export interface BroadcastSeed {
  id: string;
  areaId: string;
  areaPath: string;
  startsAt: number;
  status: string;
  segmentIds: string[];
  speakerIds?: string[] | null;
  priority?: string;
}

export function broadcastRow(b: BroadcastSeed): Row {
  const durations = b.segmentIds.map(() => 120);
  const startsAt = b.startsAt;
  return {
    id: b.id, scheduleId: null, areaId: b.areaId, areaPath: b.areaPath, title: 'bench broadcast', startsAt, endsAt: startsAt + durations.length * 120_000,
    priority: b.priority ?? 'normal', repeat: 1, gapSec: 30, segmentIds: JSON.stringify(b.segmentIds), segmentDurations: JSON.stringify(durations),
    speakerIds: b.speakerIds ? JSON.stringify(b.speakerIds) : null, status: b.status, reason: null, createdBy: null, createdAt: Date.now(),
    onAirAt: b.status === 'scheduled' ? null : startsAt, finalisedAt: ['completed', 'partial', 'missed'].includes(b.status) ? startsAt + 900_000 : null,
  };
}

export function deliveryRow(d: { broadcastId: string; speakerId: string; communeId: string; status: string; at: number }): Row {
  const settled = d.status !== 'pending';
  return {
    broadcastId: d.broadcastId, speakerId: d.speakerId, communeId: d.communeId, status: d.status,
    startedAt: settled ? d.at : null, finishedAt: settled ? d.at + 240_000 : null, error: null, createdAt: d.at, settledAt: settled ? d.at + 240_000 : null,
  };
}
