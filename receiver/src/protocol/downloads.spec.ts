import { downloadSpreadMs, Downloads, type AudioCache } from './downloads.js';
import type { QueueItem, QueueSegment } from './types.js';

const NOW = Date.parse('2026-12-06T06:00:00Z');

function item(id: string, leadMs: number, priority: QueueItem['priority'] = 'normal'): QueueItem {
  const startsAt = new Date(NOW + leadMs).toISOString();
  const segments = [{ id: `${id}-audio`, url: `/api/v1/device/audio/${id}-audio`, sha256: 'a'.repeat(64), durationSec: 3 }];
  return { broadcastId: id, startsAt, endsAt: new Date(NOW + leadMs + 3000).toISOString(), priority, repeat: 1, gapSec: 0, segments };
}

/** A cache that notes when each segment was fetched (ms after the test began). */
class RecordingCache implements AudioCache {
  readonly fetchedAt = new Map<string, number>();
  constructor(private readonly began: number) {}
  has(segment: QueueSegment) {
    return this.fetchedAt.has(segment.id);
  }
  async fetch(segment: QueueSegment) {
    this.fetchedAt.set(segment.id, performance.now() - this.began);
  }
  bytes() {
    return 0;
  }
}

describe('downloadSpreadMs', () => {
  it.each([
    [0, 0],
    [-5000, 0],
    [20_000, 0],
    [30_000, 5000],
    [100_000, 40_000],
    [140_000, 60_000],
    [3 * 3_600_000, 60_000],
  ])('a broadcast %i ms ahead may wait up to %i ms', (leadMs, spreadMs) => {
    expect(downloadSpreadMs(leadMs)).toBe(spreadMs);
  });

  it('always leaves at least half the lead beyond 20 s to download and retry in', () => {
    for (let lead = 0; lead <= 600_000; lead += 7_000) expect(lead - downloadSpreadMs(lead)).toBeGreaterThanOrEqual(Math.min(lead, 20_000 + (lead - 20_000) / 2));
  });
});

describe('Downloads', () => {
  const waitFor = async (done: () => boolean) => {
    for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  };

  it('fetches an emergency at once, and waits its random share of the spread for a broadcast minutes ahead', async () => {
    const cache = new RecordingCache(performance.now());
    // A random draw of 1/300 of a 60 s spread: 200 ms.
    const downloads = new Downloads(cache, () => undefined, () => undefined, () => 1 / 300);
    const stop = new AbortController();
    const running = downloads.run(stop.signal);
    downloads.want([item('alert', 0, 'emergency'), item('bulletin', 180_000)], NOW);
    await waitFor(() => cache.fetchedAt.size === 2);
    stop.abort();
    await running;
    expect(cache.fetchedAt.get('alert-audio')).toBeLessThan(100);
    expect(cache.fetchedAt.get('bulletin-audio')).toBeGreaterThanOrEqual(190);
  });

  it('fetches at once audio it was waiting to fetch when a broadcast due now comes to need it', async () => {
    const cache = new RecordingCache(performance.now());
    const downloads = new Downloads(cache, () => undefined, () => undefined, () => 1);
    const stop = new AbortController();
    const running = downloads.run(stop.signal);
    const later = item('later', 180_000);
    downloads.want([later], NOW);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(cache.fetchedAt.size).toBe(0);
    downloads.want([{ ...item('now', 0, 'emergency'), segments: later.segments }, later], NOW);
    await waitFor(() => cache.fetchedAt.size === 1);
    stop.abort();
    await running;
    expect(cache.fetchedAt.get('later-audio')).toBeLessThan(200);
  });
});
