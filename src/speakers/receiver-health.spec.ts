import type { DeviceStatusReport } from '../device/device-status.dto.js';
import { behindReasons, connectionOf, newestVersion } from './receiver-health.js';

const status = (changes: Partial<DeviceStatusReport> = {}): DeviceStatusReport => ({
  agent: 'loa-receiver linux-arm64', version: '1.2.0', playing: null, cacheBytes: 0, freeBytes: 1e9, outbox: 0, clockOffsetMs: 12, ...changes,
});

describe('receiver health', () => {
  it('tells push from polling from offline', () => {
    expect(connectionOf(true, true)).toBe('push');
    expect(connectionOf(false, true)).toBe('push');
    expect(connectionOf(true, false)).toBe('polling');
    expect(connectionOf(false, false)).toBe('offline');
  });

  it('marks a receiver behind for each thing that needs a look, and a healthy one for none', () => {
    expect(behindReasons(true, status(), '1.2.0')).toEqual([]);
    expect(behindReasons(false, null, '1.2.0')).toEqual(['offline']);
    expect(behindReasons(true, null, '1.2.0')).toEqual([]);
    expect(behindReasons(true, status({ outbox: 11 }), null)).toEqual(['outbox']);
    expect(behindReasons(true, status({ outbox: 10 }), null)).toEqual([]);
    expect(behindReasons(true, status({ clockOffsetMs: -1500 }), null)).toEqual(['clock']);
    expect(behindReasons(true, status({ clockOffsetMs: 999 }), null)).toEqual([]);
    expect(behindReasons(false, status({ version: '1.1.9', outbox: 50, clockOffsetMs: 2000 }), '1.10.0')).toEqual(['offline', 'outbox', 'clock', 'version']);
  });

  it('compares versions as versions, not text, and ignores what is not one', () => {
    expect(newestVersion(['1.9.0', '1.10.0', 'dev', '1.2'])).toBe('1.10.0');
    expect(newestVersion(['garbage'])).toBeNull();
    expect(behindReasons(true, status({ version: '1.9.0' }), '1.10.0')).toEqual(['version']);
    expect(behindReasons(true, status({ version: 'dev' }), '1.10.0')).toEqual([]);
  });
});
