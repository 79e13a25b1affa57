import { ServerClock } from './clock.js';

/** A fake monotonic clock and wall clock the test moves by hand. */
function clocks(wallStart = 1_000_000) {
  const t = { mono: 0, wall: wallStart };
  const clock = new ServerClock(() => t.mono, () => t.wall);
  const advance = (ms: number) => {
    t.mono += ms;
    t.wall += ms;
  };
  return { t, clock, advance };
}

describe('ServerClock', () => {
  it('uses the box clock until the first exchange', () => {
    const { clock } = clocks(5_000);
    expect(clock.synced).toBe(false);
    expect(clock.now()).toBe(5_000);
  });

  it('takes the server time at the middle of the round trip', () => {
    const { t, clock, advance } = clocks();
    const server = t.wall + 42_000; // the server is 42 s ahead
    const sentAt = clock.mark();
    advance(100); // 50 ms out, the server reads its clock, 50 ms back
    clock.observe(new Date(server + 50).toISOString(), sentAt, clock.mark());
    expect(clock.synced).toBe(true);
    expect(clock.now()).toBe(server + 100);
    expect(clock.offsetMs()).toBe(42_000);
  });

  it('follows the fastest recent exchange, so one slow answer does not move it', () => {
    const { t, clock, advance } = clocks();
    const offset = 3_000;
    const exchange = (outMs: number, backMs: number) => {
      const sentAt = clock.mark();
      advance(outMs);
      const server = t.wall + offset;
      advance(backMs);
      clock.observe(server, sentAt, clock.mark());
    };
    exchange(10, 10);
    expect(clock.offsetMs()).toBe(offset);
    exchange(900, 20); // queued 900 ms on the way out: its midpoint is 440 ms off
    expect(Math.abs(clock.offsetMs() - offset)).toBeLessThanOrEqual(1);
  });

  it('smooths small differences and steps at once on a large one', () => {
    const { t, clock } = clocks();
    clock.observe(t.wall + 1_000, 0, 0);
    clock.observe(t.wall + 1_100, 0, 0); // same round trip: the newest fastest sample, smoothed
    const smoothed = clock.offsetMs();
    expect(smoothed).toBeGreaterThan(1_000);
    expect(smoothed).toBeLessThan(1_100);
    clock.observe(t.wall + 60_000, 0, 0); // the server's clock was corrected by a minute
    expect(clock.offsetMs()).toBe(60_000);
  });

  it('is not moved when the box steps its wall clock (no RTC, NTP syncs late)', () => {
    const { t, clock } = clocks();
    clock.observe(t.wall, 0, 0);
    const before = clock.now();
    t.wall += 3_600_000; // NTP moves the box an hour; the monotonic clock does not move
    expect(clock.now()).toBe(before);
    expect(clock.offsetMs()).toBe(-3_600_000);
  });

  it('ignores unreadable samples', () => {
    const { clock } = clocks();
    clock.observe('not a date', 0, 10);
    clock.observe(5, 10, 0);
    expect(clock.synced).toBe(false);
  });
});
