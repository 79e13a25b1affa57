import type { DeliveryTransition } from '../broadcasts/delivery-transition.js';
import type { DeliveryStatus } from '../broadcasts/delivery.entity.js';
import { bucketsOf, type Grain } from './buckets.js';

/** What every report row adds up. `broadcasts` counts distinct broadcasts with deliveries in the group. */
export interface DeliveryCounters {
  broadcasts: number;
  targeted: number;
  pending: number;
  played: number;
  interrupted: number;
  failed: number;
  missed: number;
  airtimeMs: number;
}
/** Counters of one report row, by its key (an area, a segment, a topic, a speaker, a bucket). */
export type KeyedCounters = DeliveryCounters & { key: string };
export const COUNTER_NAMES = ['broadcasts', 'targeted', 'pending', 'played', 'interrupted', 'failed', 'missed', 'airtimeMs'] as const satisfies ReadonlyArray<keyof DeliveryCounters>;
export const zeroCounters = (): DeliveryCounters => ({ broadcasts: 0, targeted: 0, pending: 0, played: 0, interrupted: 0, failed: 0, missed: 0, airtimeMs: 0 });

/** One distinct segment of a broadcast's playlist, as it was when the broadcast aired. */
export interface PlaylistSegment {
  segmentId: string;
  topic: string;
  /** duration x repeat x occurrences in the playlist. */
  airtimeMs: number;
  /** The first segment of its topic in the playlist: topic counts ride on it, so a delivery counts once per topic. */
  leadsTopic: boolean;
}

export interface BroadcastFacts {
  startsAt: number;
  /** endsAt - startsAt: what a played delivery adds to airtime. */
  airtimeMs: number;
  segments: PlaylistSegment[];
}

/** A playlist snapshot (ids, durations in seconds, repeat) as distinct segments with their airtime and topic. */
export function playlistSegments(segmentIds: string[], durationsSec: number[], repeat: number, topicOf: (segmentId: string) => string): PlaylistSegment[] {
  const bySegment = new Map<string, PlaylistSegment>();
  const topics = new Set<string>();
  segmentIds.forEach((segmentId, i) => {
    const airtimeMs = Math.round((durationsSec[i] ?? 0) * 1000) * repeat;
    const seen = bySegment.get(segmentId);
    if (seen) {
      seen.airtimeMs += airtimeMs;
      return;
    }
    const topic = topicOf(segmentId);
    bySegment.set(segmentId, { segmentId, topic, airtimeMs, leadsTopic: !topics.has(topic) });
    topics.add(topic);
  });
  return [...bySegment.values()];
}

/** Area ids of a materialised path `/a/b/c/` with each one's own path: [[a, /a/], [b, /a/b/], [c, /a/b/c/]]. */
export function pathNodes(path: string): Array<[string, string]> {
  const ids = path.split('/').filter(Boolean);
  return ids.map((id, i) => [id, `/${ids.slice(0, i + 1).join('/')}/`]);
}

/**
 * The areas (communes and their ancestors) where a broadcast gets its first delivery with this batch:
 * those above a commune new to the broadcast and not above any commune it already reached.
 */
export function firstDeliveryAreas(newCommunePaths: string[], earlierCommunePaths: string[]): Set<string> {
  const reached = new Set(earlierCommunePaths.flatMap((path) => pathNodes(path).map(([id]) => id)));
  return new Set(newCommunePaths.flatMap((path) => pathNodes(path).map(([id]) => id)).filter((id) => !reached.has(id)));
}

export interface AreaRollupRow extends DeliveryCounters {
  areaId: string;
  grain: Grain;
  bucket: number;
  areaPath: string;
  /** The delivery's commune itself rather than an area above it (not stored: the areas table knows). */
  isCommune: boolean;
}

/** Per segment; the topic* counters hold what groupBy topic adds up (a delivery once per topic). */
export interface SegmentRollupRow extends DeliveryCounters {
  areaId: string;
  grain: Grain;
  bucket: number;
  segmentId: string;
  topic: string;
  topicBroadcasts: number;
  topicTargeted: number;
  topicPending: number;
  topicPlayed: number;
  topicInterrupted: number;
  topicFailed: number;
  topicMissed: number;
}

/** Per speaker and the commune it played in; a speaker has one delivery per broadcast, so broadcasts = targeted. */
export interface SpeakerRollupRow extends Omit<DeliveryCounters, 'broadcasts'> {
  communeId: string;
  grain: Grain;
  bucket: number;
  speakerId: string;
  areaPath: string;
}

export interface RollupRows {
  areas: AreaRollupRow[];
  segments: SegmentRollupRow[];
  speakers: SpeakerRollupRow[];
}

export const AREA_GRAINS: readonly Grain[] = ['m', 'd', 'q'];
/**
 * A quarter-hour per speaker would be a copy of the deliveries: speakers roll up by day and up. Quarters,
 * half-years and years keep a long nationwide receiver report (it lists every receiver) to a few rows per
 * receiver.
 */
export const SPEAKER_GRAINS: readonly Grain[] = ['y', 'h', 't', 'm', 'd'];

type StatusCounts = Omit<DeliveryCounters, 'broadcasts' | 'airtimeMs'>;
const STATUS_FIELD: Record<DeliveryStatus, keyof StatusCounts> = { pending: 'pending', played: 'played', interrupted: 'interrupted', failed: 'failed', missed: 'missed' };

function addTransition(counts: StatusCounts, transition: DeliveryTransition): void {
  if (transition.from === null) counts.targeted += 1;
  else counts[STATUS_FIELD[transition.from]] -= 1;
  counts[STATUS_FIELD[transition.to]] += 1;
}

const noCounts = (): StatusCounts => ({ targeted: 0, pending: 0, played: 0, interrupted: 0, failed: 0, missed: 0 });

export interface RollupInput {
  transitions: DeliveryTransition[];
  broadcasts: ReadonlyMap<string, BroadcastFacts>;
  communePaths: ReadonlyMap<string, string>;
  /** Per broadcast: areas where this batch brings its first delivery (see firstDeliveryAreas). */
  firstDeliveryAreas: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * Folds a batch of delivery transitions into rollup row increments: one row per area (the commune and
 * each ancestor) x grain x bucket, per segment of the playlist likewise, and per speaker x grain x bucket.
 * Transitions are summed per (broadcast, commune) first, so a dispatch or a batch of receipts of one
 * broadcast costs a few rows, not a few rows per speaker.
 */
export function rollupRows(input: RollupInput): RollupRows {
  const perBroadcastCommune = new Map<string, { broadcastId: string; communeId: string; counts: StatusCounts }>();
  const perSpeaker = new Map<string, { broadcastId: string; communeId: string; speakerId: string; counts: StatusCounts }>();
  for (const transition of input.transitions) {
    const groupKey = `${transition.broadcastId}\n${transition.communeId}`;
    let group = perBroadcastCommune.get(groupKey);
    if (!group) perBroadcastCommune.set(groupKey, (group = { broadcastId: transition.broadcastId, communeId: transition.communeId, counts: noCounts() }));
    addTransition(group.counts, transition);
    const speakerKey = `${groupKey}\n${transition.speakerId}`;
    let speaker = perSpeaker.get(speakerKey);
    if (!speaker) perSpeaker.set(speakerKey, (speaker = { broadcastId: transition.broadcastId, communeId: transition.communeId, speakerId: transition.speakerId, counts: noCounts() }));
    addTransition(speaker.counts, transition);
  }

  const areas = new Map<string, AreaRollupRow>();
  const segments = new Map<string, SegmentRollupRow>();
  const speakers = new Map<string, SpeakerRollupRow>();
  const countedBroadcast = new Set<string>();

  for (const { broadcastId, communeId, counts } of perBroadcastCommune.values()) {
    const broadcast = facts(input, broadcastId);
    const firstAreas = input.firstDeliveryAreas.get(broadcastId);
    for (const [areaId, areaPath] of pathNodes(communePath(input, communeId))) {
      // A broadcast counts once per area, however many of its communes below the area this batch touches.
      const countKey = `${broadcastId}\n${areaId}`;
      const broadcasts = firstAreas?.has(areaId) && !countedBroadcast.has(countKey) ? 1 : 0;
      if (broadcasts) countedBroadcast.add(countKey);
      for (const [grain, bucket] of bucketsOf(broadcast.startsAt, AREA_GRAINS)) {
        const key = `${areaId}\n${grain}\n${bucket}`;
        let row = areas.get(key);
        if (!row) areas.set(key, (row = { areaId, grain, bucket, areaPath, isCommune: areaId === communeId, ...zeroCounters() }));
        addCounts(row, counts, broadcasts, broadcast.airtimeMs);
        for (const segment of broadcast.segments) {
          const segmentKey = `${key}\n${segment.segmentId}`;
          let segmentRow = segments.get(segmentKey);
          if (!segmentRow) segments.set(segmentKey, (segmentRow = emptySegmentRow(areaId, grain, bucket, segment)));
          addCounts(segmentRow, counts, broadcasts, segment.airtimeMs);
          if (segment.leadsTopic) addTopicCounts(segmentRow, counts, broadcasts);
        }
      }
    }
  }

  for (const { broadcastId, communeId, speakerId, counts } of perSpeaker.values()) {
    const broadcast = facts(input, broadcastId);
    for (const [grain, bucket] of bucketsOf(broadcast.startsAt, SPEAKER_GRAINS)) {
      const key = `${communeId}\n${grain}\n${bucket}\n${speakerId}`;
      let row = speakers.get(key);
      if (!row) speakers.set(key, (row = { communeId, grain, bucket, speakerId, areaPath: communePath(input, communeId), targeted: 0, pending: 0, played: 0, interrupted: 0, failed: 0, missed: 0, airtimeMs: 0 }));
      row.targeted += counts.targeted;
      row.pending += counts.pending;
      row.played += counts.played;
      row.interrupted += counts.interrupted;
      row.failed += counts.failed;
      row.missed += counts.missed;
      row.airtimeMs += counts.played * broadcast.airtimeMs;
    }
  }
  return { areas: [...areas.values()], segments: [...segments.values()], speakers: [...speakers.values()] };
}

function facts(input: RollupInput, broadcastId: string): BroadcastFacts {
  const broadcast = input.broadcasts.get(broadcastId);
  if (!broadcast) throw new Error(`rollups: broadcast ${broadcastId} not found`);
  return broadcast;
}

function communePath(input: RollupInput, communeId: string): string {
  const path = input.communePaths.get(communeId);
  if (!path) throw new Error(`rollups: commune ${communeId} not found`);
  return path;
}

function addCounts(row: DeliveryCounters, counts: StatusCounts, broadcasts: number, airtimePerPlay: number): void {
  row.broadcasts += broadcasts;
  row.targeted += counts.targeted;
  row.pending += counts.pending;
  row.played += counts.played;
  row.interrupted += counts.interrupted;
  row.failed += counts.failed;
  row.missed += counts.missed;
  row.airtimeMs += counts.played * airtimePerPlay;
}

function addTopicCounts(row: SegmentRollupRow, counts: StatusCounts, broadcasts: number): void {
  row.topicBroadcasts += broadcasts;
  row.topicTargeted += counts.targeted;
  row.topicPending += counts.pending;
  row.topicPlayed += counts.played;
  row.topicInterrupted += counts.interrupted;
  row.topicFailed += counts.failed;
  row.topicMissed += counts.missed;
}

function emptySegmentRow(areaId: string, grain: Grain, bucket: number, segment: PlaylistSegment): SegmentRollupRow {
  return {
    areaId, grain, bucket, segmentId: segment.segmentId, topic: segment.topic, ...zeroCounters(),
    topicBroadcasts: 0, topicTargeted: 0, topicPending: 0, topicPlayed: 0, topicInterrupted: 0, topicFailed: 0, topicMissed: 0,
  };
}
