/**
 * Rows for device-API suites, written straight through the database (the way the dispatch engine and
 * the segments pipeline leave them), so receivers can be tested on exact, known states.
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AreaEntity } from '../../src/areas/area.entity.js';
import { BroadcastEntity } from '../../src/broadcasts/broadcast.entity.js';
import { DeliveryEntity } from '../../src/broadcasts/delivery.entity.js';
import { SegmentEntity } from '../../src/segments/segment.entity.js';
import type { TestApp } from './app.js';

const MINUTE = 60_000;

export async function areaPath(t: TestApp, areaId: string): Promise<string> {
  const area = await t.app.get(DataSource).getRepository(AreaEntity).findOneByOrFail({ id: areaId });
  return area.path;
}

export async function insertSegment(t: TestApp, values: Partial<SegmentEntity> & Pick<SegmentEntity, 'areaId' | 'areaPath'>): Promise<SegmentEntity> {
  const now = new Date();
  const sha = randomUUID().replaceAll('-', '').padEnd(64, '0');
  const segment: SegmentEntity = {
    id: randomUUID(), title: 'Bảo hiểm xã hội tự nguyện', topic: 'social-insurance', language: 'vi', status: 'ready', error: null,
    uploadedBy: null, originalName: 'bhxh.wav', source: 'upload', text: null, voice: null, spokenText: null, sha256: sha, liveSha256: sha, sourceBytes: 1000, durationSec: 90, loudnessLufs: -23,
    renditionLufs: -16, renditionTruePeakDb: -1.5, renditionSha256: sha.split('').reverse().join(''), renditionBytes: 1000,
    approved: true, approvedBy: null, approvedAt: now, validFrom: null, validUntil: null, createdAt: now, updatedAt: now, retiredAt: null,
    ...values,
  };
  await t.app.get(DataSource).getRepository(SegmentEntity).insert(segment);
  return segment;
}

export async function insertBroadcast(
  t: TestApp,
  values: Partial<BroadcastEntity> & Pick<BroadcastEntity, 'areaId' | 'areaPath' | 'status'> & { segments: Pick<SegmentEntity, 'id' | 'durationSec'>[] },
): Promise<BroadcastEntity> {
  const { segments, ...rest } = values;
  const startsAt = rest.startsAt ?? new Date(Date.now() + 10 * MINUTE);
  const seconds = segments.reduce((sum, s) => sum + (s.durationSec ?? 0), 0);
  const broadcast: BroadcastEntity = {
    id: randomUUID(), scheduleId: null, title: 'Bản tin', startsAt, endsAt: new Date(startsAt.getTime() + seconds * 1000), priority: 'normal',
    repeat: 1, gapSec: 30, segmentIds: segments.map((s) => s.id), segmentDurations: segments.map((s) => s.durationSec ?? 0), speakerIds: null,
    reason: null, createdBy: null, createdAt: new Date(), onAirAt: rest.status === 'scheduled' ? null : startsAt, finalisedAt: null, notBefore: null,
    ...rest,
  };
  await t.app.get(DataSource).getRepository(BroadcastEntity).insert(broadcast);
  return broadcast;
}

export async function insertDelivery(t: TestApp, values: Partial<DeliveryEntity> & Pick<DeliveryEntity, 'broadcastId' | 'speakerId' | 'communeId'>): Promise<DeliveryEntity> {
  const delivery: DeliveryEntity = { status: 'pending', startedAt: null, finishedAt: null, error: null, createdAt: new Date(), settledAt: null, ...values };
  await t.app.get(DataSource).getRepository(DeliveryEntity).insert(delivery);
  return delivery;
}

export async function deliveryOf(t: TestApp, broadcastId: string, speakerId: string): Promise<DeliveryEntity | null> {
  return t.app.get(DataSource).getRepository(DeliveryEntity).findOneBy({ broadcastId, speakerId });
}

export async function broadcastOf(t: TestApp, id: string): Promise<BroadcastEntity | null> {
  return t.app.get(DataSource).getRepository(BroadcastEntity).findOneBy({ id });
}
