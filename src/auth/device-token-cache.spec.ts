import { DeviceTokenCache } from './device-token-cache.js';

describe('DeviceTokenCache', () => {
  const device = { speakerId: 's1', communeId: 'c1' };
  const clock = { at: 1_000, now() { return this.at; } };

  it('remembers a token for half a minute only', () => {
    clock.at = 1_000;
    const cache = new DeviceTokenCache(clock);
    cache.set('h1', device);
    clock.at = 30_999;
    expect(cache.get('h1')).toEqual(device);
    expect(cache.get('h2')).toBeUndefined();
    clock.at = 31_001;
    expect(cache.get('h1')).toBeUndefined();
  });

  it('forgets every token of a speaker at once (rotation, move)', () => {
    clock.at = 1_000;
    const cache = new DeviceTokenCache(clock);
    cache.set('old', device);
    cache.set('other', { speakerId: 's2', communeId: 'c1' });
    cache.forgetSpeaker('s1');
    clock.at = 1_001;
    expect(cache.get('old')).toBeUndefined();
    expect(cache.get('other')).toEqual({ speakerId: 's2', communeId: 'c1' });
  });
});
