import type { DeliveryTransition } from '../broadcasts/delivery-transition.js';
import { firstDeliveryAreas, pathNodes, playlistSegments, rollupRows, type BroadcastFacts } from './rollup-rows.js';

const STARTS = Date.parse('2025-03-01T23:30:00Z'); // 06:30 on 2 March in Vietnam
const communePaths = new Map([['c1', '/p/d1/c1/'], ['c2', '/p/d1/c2/'], ['c3', '/p/d2/c3/']]);
const topics: Record<string, string> = { s1: 'social-insurance', s2: 'social-insurance', s3: 'health' };
const broadcast: BroadcastFacts = { startsAt: STARTS, airtimeMs: 600_000, segments: playlistSegments(['s1', 's2', 's3', 's1'], [60, 30, 90, 60], 2, (id) => topics[id]) };
const create = (speakerId: string, communeId: string): DeliveryTransition => ({ broadcastId: 'b1', speakerId, communeId, from: null, to: 'pending' });
const settle = (speakerId: string, communeId: string, from: 'pending' | 'missed', to: 'played' | 'failed' | 'missed'): DeliveryTransition => ({ broadcastId: 'b1', speakerId, communeId, from, to });

describe('playlistSegments', () => {
  it('merges repeated segments, multiplies by repeat and marks the first segment of each topic', () => {
    expect(broadcast.segments).toEqual([
      { segmentId: 's1', topic: 'social-insurance', airtimeMs: 240_000, leadsTopic: true },
      { segmentId: 's2', topic: 'social-insurance', airtimeMs: 60_000, leadsTopic: false },
      { segmentId: 's3', topic: 'health', airtimeMs: 180_000, leadsTopic: true },
    ]);
  });
});

describe('pathNodes and firstDeliveryAreas', () => {
  it('lists each area of a path with its own path', () => {
    expect(pathNodes('/p/d1/c1/')).toEqual([['p', '/p/'], ['d1', '/p/d1/'], ['c1', '/p/d1/c1/']]);
  });

  it('counts a broadcast in an area only where it had no delivery before', () => {
    expect([...firstDeliveryAreas(['/p/d1/c1/'], [])].sort()).toEqual(['c1', 'd1', 'p']);
    expect([...firstDeliveryAreas(['/p/d1/c2/', '/p/d2/c3/'], ['/p/d1/c1/'])].sort()).toEqual(['c2', 'c3', 'd2']);
    expect([...firstDeliveryAreas(['/p/d1/c1/'], ['/p/d1/c1/'])]).toEqual([]);
  });
});

describe('rollupRows', () => {
  const input = (transitions: DeliveryTransition[], first: string[]) => ({
    transitions, communePaths, broadcasts: new Map([['b1', broadcast]]), firstDeliveryAreas: new Map([['b1', new Set(first)]]),
  });

  it('fans a dispatch out to every area above the commune, in each grain, once per broadcast', () => {
    const rows = rollupRows(input([create('k1', 'c1'), create('k2', 'c1'), create('k3', 'c2')], ['p', 'd1', 'c1', 'c2']));
    const quarter = (areaId: string) => rows.areas.find((r) => r.areaId === areaId && r.grain === 'q');
    expect(quarter('p')).toMatchObject({ bucket: Date.parse('2025-03-01T23:30:00Z'), areaPath: '/p/', broadcasts: 1, targeted: 3, pending: 3, played: 0, airtimeMs: 0 });
    expect(quarter('c1')).toMatchObject({ broadcasts: 1, targeted: 2, pending: 2 });
    expect(quarter('c2')).toMatchObject({ broadcasts: 1, targeted: 1 });
    expect(rows.areas.find((r) => r.areaId === 'p' && r.grain === 'd')?.bucket).toBe(Date.parse('2025-03-02T00:00:00+07:00'));
    expect(rows.areas.find((r) => r.areaId === 'p' && r.grain === 'm')?.bucket).toBe(Date.parse('2025-03-01T00:00:00+07:00'));
    expect(rows.areas).toHaveLength(4 * 3);
    expect(rows.segments).toHaveLength(4 * 3 * 3);
    expect(rows.speakers).toHaveLength(3 * 5);
  });

  it('rolls a speaker up by Vietnam day, month, quarter, half-year and year: 00:30 on 1 January in Vietnam is still 2024 in UTC', () => {
    const newYear: BroadcastFacts = { ...broadcast, startsAt: Date.parse('2024-12-31T17:30:00Z') };
    const rows = rollupRows({ ...input([create('k1', 'c1')], ['p', 'd1', 'c1']), broadcasts: new Map([['b1', newYear]]) });
    const start = Date.parse('2025-01-01T00:00:00+07:00');
    expect(rows.speakers.map((r) => [r.grain, r.bucket, r.targeted])).toEqual([['y', start, 1], ['h', start, 1], ['t', start, 1], ['m', start, 1], ['d', start, 1]]);
  });

  it('moves counts between statuses on receipts, adds airtime per played delivery, and counts topics once', () => {
    const rows = rollupRows(input([settle('k1', 'c1', 'pending', 'played'), settle('k2', 'c1', 'pending', 'missed'), settle('k2', 'c1', 'missed', 'played')], []));
    const commune = rows.areas.find((r) => r.areaId === 'c1' && r.grain === 'd');
    expect(commune).toMatchObject({ broadcasts: 0, targeted: 0, pending: -2, played: 2, missed: 0, airtimeMs: 2 * 600_000 });
    const segment = (id: string) => rows.segments.find((r) => r.areaId === 'p' && r.grain === 'm' && r.segmentId === id);
    expect(segment('s1')).toMatchObject({ played: 2, airtimeMs: 2 * 240_000, topicPlayed: 2, topicPending: -2 });
    expect(segment('s2')).toMatchObject({ played: 2, airtimeMs: 2 * 60_000, topicPlayed: 0, topicPending: 0 });
    expect(segment('s3')).toMatchObject({ topic: 'health', played: 2, topicPlayed: 2 });
    expect(rows.speakers.find((r) => r.speakerId === 'k2' && r.grain === 'd')).toMatchObject({ communeId: 'c1', areaPath: '/p/d1/c1/', pending: -1, played: 1, missed: 0, airtimeMs: 600_000 });
  });
});
