import type { SegmentEntity } from '../segments/segment.entity.js';
import { finalStatus } from './broadcasts.repository.js';
import { airProblem, validityProblem } from './playlist.js';

const at = (iso: string) => new Date(iso);
const segment = (values: Partial<SegmentEntity> = {}) => ({ id: 's1', title: 'BHYT', status: 'ready', approved: true, validFrom: null, validUntil: null, ...values }) as SegmentEntity;
const span = { startsAt: at('2025-06-10T00:00:00Z'), endsAt: at('2025-06-10T00:05:00Z') };

describe('playlist checks', () => {
  it('keeps a broadcast inside the segment validity', () => {
    expect(validityProblem(segment({ validFrom: at('2025-06-01T00:00:00Z'), validUntil: at('2025-07-01T00:00:00Z') }), span.startsAt, span.endsAt)).toBeNull();
    expect(validityProblem(segment({ validFrom: at('2025-06-10T00:00:01Z') }), span.startsAt, span.endsAt)).toMatch(/valid only from 2025-06-10T00:00:01.000Z/);
    expect(validityProblem(segment({ validUntil: at('2025-06-10T00:04:59Z') }), span.startsAt, span.endsAt)).toMatch(/valid only until/);
    // An open-ended schedule outlives any validUntil.
    expect(validityProblem(segment({ validUntil: at('2030-01-01T00:00:00Z') }), span.startsAt, null)).toMatch(/valid only until/);
  });

  it('re-checks at dispatch: gone, retired, not ready, unapproved, expired', () => {
    expect(airProblem('s1', segment(), span)).toBeNull();
    expect(airProblem('s9', undefined, span)).toBe('segment s9 no longer exists');
    expect(airProblem('s1', segment({ status: 'retired' }), span)).toMatch(/"BHYT" \(s1\) was retired/);
    expect(airProblem('s1', segment({ status: 'failed' }), span)).toMatch(/is failed/);
    expect(airProblem('s1', segment({ approved: false }), span)).toMatch(/not approved/);
    expect(airProblem('s1', segment({ validUntil: at('2025-06-10T00:01:00Z') }), span)).toMatch(/valid only until/);
  });
});

describe('final status', () => {
  it('is completed when every delivery played, partial when some did, missed when none did', () => {
    expect(finalStatus({ total: 3, played: 3 })).toBe('completed');
    expect(finalStatus({ total: 3, played: 1 })).toBe('partial');
    expect(finalStatus({ total: 3, played: 0 })).toBe('missed');
    expect(finalStatus({ total: 0, played: 0 })).toBe('missed');
  });
});
