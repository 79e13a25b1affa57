import { timingProblem } from './schedule-rules.js';
import type { Timing } from './timing.js';

const now = new Date('2025-06-10T03:00:00Z'); // 10:00 in Hanoi
const cron = (overrides: Partial<Timing> = {}): Timing => ({ cron: '0 7 * * *', at: null, timezone: 'Asia/Ho_Chi_Minh', startDate: null, endDate: null, ...overrides });
const once = (at: string, overrides: Partial<Timing> = {}): Timing => ({ cron: null, at: new Date(at), timezone: 'Asia/Ho_Chi_Minh', startDate: null, endDate: null, ...overrides });

describe('schedule timing rules', () => {
  it('accepts a cron with dates, and a future one-off', () => {
    expect(timingProblem(cron({ startDate: '2025-06-01', endDate: '2025-06-30' }), now)).toBeNull();
    expect(timingProblem(once('2025-06-10T03:00:01Z'), now)).toBeNull();
  });

  it('wants exactly one of cron and at', () => {
    expect(timingProblem(cron({ at: new Date('2025-07-01T00:00:00Z') }), now)).toMatch(/^cron: give exactly one/);
    expect(timingProblem(cron({ cron: null }), now)).toMatch(/^cron: give exactly one/);
  });

  it('names the bad field', () => {
    expect(timingProblem(cron({ timezone: 'Hanoi' }), now)).toMatch(/^timezone: "Hanoi"/);
    expect(timingProblem(cron({ cron: '0 7 * *' }), now)).toMatch(/^cron must have 5 fields/);
    expect(timingProblem(cron({ startDate: '2025-02-29' }), now)).toMatch(/^startDate: "2025-02-29" is not a calendar date/);
    expect(timingProblem(cron({ endDate: '10/06/2025' }), now)).toMatch(/^endDate:/);
    expect(timingProblem(cron({ startDate: '2025-07-02', endDate: '2025-07-01' }), now)).toMatch(/^endDate: 2025-07-01 is before startDate/);
    expect(timingProblem(once('2025-06-10T02:59:59Z'), now)).toMatch(/^at: .* is in the past/);
    expect(timingProblem(once('2025-07-01T00:00:00Z', { endDate: '2025-07-02' }), now)).toMatch(/^endDate: only a recurring/);
  });

  it('judges an end date by the end of that local day', () => {
    // 2025-06-10 ends at 17:00Z in Hanoi: still running at 03:00Z.
    expect(timingProblem(cron({ endDate: '2025-06-10' }), now)).toBeNull();
    expect(timingProblem(cron({ endDate: '2025-06-09' }), now)).toMatch(/^endDate: 2025-06-09 is in the past/);
    // In Honolulu (UTC-10) 2025-06-09 runs until 2025-06-10T10:00Z.
    expect(timingProblem(cron({ endDate: '2025-06-09', timezone: 'Pacific/Honolulu' }), now)).toBeNull();
  });
});
