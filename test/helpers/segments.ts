/**
 * Ready, approved segments written straight to the database, as the transcode pipeline leaves them,
 * so scheduling suites need no audio processing.
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AreaEntity } from '../../src/areas/area.entity.js';
import { SegmentEntity } from '../../src/segments/segment.entity.js';
import type { TestApp } from './app.js';

export async function createReadySegment(t: TestApp, values: { areaId: string | null; durationSec?: number } & Partial<SegmentEntity>): Promise<SegmentEntity> {
  const db = t.app.get(DataSource);
  const areaPath = values.areaId ? (await db.getRepository(AreaEntity).findOneByOrFail({ id: values.areaId })).path : '/';
  const now = new Date();
  const sha = randomUUID().replaceAll('-', '').padEnd(64, '0');
  const segment: SegmentEntity = {
    id: randomUUID(), title: 'Bảo hiểm y tế hộ gia đình', topic: 'health-insurance', language: 'vi', status: 'ready', error: null, areaPath,
    uploadedBy: null, originalName: 'bhyt.wav', source: 'upload', text: null, voice: null, spokenText: null, sha256: sha, liveSha256: sha, sourceBytes: 1000, durationSec: 60, loudnessLufs: -20,
    renditionLufs: -16, renditionTruePeakDb: -1.5, renditionSha256: sha, renditionBytes: 1000, approved: true, approvedBy: null, approvedAt: now,
    validFrom: null, validUntil: null, createdAt: now, updatedAt: now, retiredAt: null,
    ...values,
  };
  await db.getRepository(SegmentEntity).insert(segment);
  return segment;
}

export async function updateSegment(t: TestApp, id: string, changes: Partial<SegmentEntity>): Promise<void> {
  await t.app.get(DataSource).getRepository(SegmentEntity).update({ id }, changes);
}
