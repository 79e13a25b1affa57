import { Backoff, pollWait, Waker } from './backoff.js';
import { evictionsFor } from './cache-budget.js';

describe('Backoff', () => {
  it('doubles its window up to the ceiling, each wait anywhere within it', () => {
    const highest = new Backoff(1000, 10_000, () => 1);
    expect([1, 2, 3, 4, 5, 6].map(() => highest.next())).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    highest.reset();
    expect(highest.next()).toBe(1000);
    const lowest = new Backoff(1000, 10_000, () => 0);
    expect(lowest.next()).toBe(0);
  });

  it('spreads a fleet reconnecting at once over the whole first window', () => {
    const waits = Array.from({ length: 20_000 }, () => new Backoff(10_000, 120_000).next());
    const perSecond = new Array(10).fill(0);
    for (const wait of waits) perSecond[Math.min(9, Math.floor(wait / 1000))]++;
    // Uniform over 10 s: about 2,000 a second, none of the seconds crowded.
    for (const count of perSecond) expect(count).toBeLessThan(2_400);
  });
});

describe('pollWait', () => {
  it('keeps the poll interval within 20% while nothing changed', () => {
    expect(pollWait(30_000, false, () => 0)).toBe(24_000);
    expect(pollWait(30_000, false, () => 1)).toBe(36_000);
  });

  it('spreads the first polls of a fleet that lost push together over the whole interval', () => {
    expect(pollWait(30_000, true, () => 0)).toBe(0);
    const perSecond = new Array(30).fill(0);
    for (let i = 0; i < 30_000; i++) perSecond[Math.min(29, Math.floor(pollWait(30_000, true) / 1000))]++;
    // Uniform over 30 s: about 1,000 a second, where ±20% jitter would put 2,500 a second into 24–36 s.
    for (const count of perSecond) expect(count).toBeLessThan(1_200);
  });
});

describe('Waker', () => {
  it('sleeps the whole time unless woken or stopped, and forgets a wake that came while it was awake', async () => {
    const waker = new Waker();
    const running = new AbortController();
    expect(await waker.sleep(5, running.signal)).toBe(true);
    waker.wake(); // nobody asleep: not kept for the next sleep
    expect(await waker.sleep(5, running.signal)).toBe(true);

    const woken = waker.sleep(60_000, running.signal);
    waker.wake();
    expect(await woken).toBe(false);

    const stopped = waker.sleep(60_000, running.signal);
    running.abort();
    expect(await stopped).toBe(false);
    expect(await waker.sleep(60_000, running.signal)).toBe(false); // already stopped: at once
  });
});

describe('evictionsFor', () => {
  const entries = [
    { id: 'old', bytes: 40, usedAt: 1 },
    { id: 'queued', bytes: 40, usedAt: 2 },
    { id: 'recent', bytes: 40, usedAt: 3 },
  ];

  it('evicts nothing while it fits', () => {
    expect(evictionsFor(entries, 200, 40, new Set())).toEqual([]);
  });

  it('evicts the least recently used first, never what is still queued', () => {
    expect(evictionsFor(entries, 130, 40, new Set(['queued']))).toEqual(['old']);
    expect(evictionsFor(entries, 100, 40, new Set(['queued']))).toEqual(['old', 'recent']);
  });

  it('says so when even evicting all that may go is not enough', () => {
    expect(evictionsFor(entries, 100, 40, new Set(['queued', 'recent']))).toBeNull();
  });
});
