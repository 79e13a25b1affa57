import { DeviceTokenCache } from './device-token-cache.js';

describe('DeviceTokenCache', () => {
  const device = { speakerId: 's1', communeId: 'c1' };

  it('remembers a token for half a minute only', () => {
    const cache = new DeviceTokenCache();
    cache.set('h1', device, 1_000);
    expect(cache.get('h1', 30_999)).toEqual(device);
    expect(cache.get('h1', 31_000)).toBeUndefined();
    expect(cache.get('h2', 1_000)).toBeUndefined();
  });

  it('forgets every token of a speaker at once (rotation, move)', () => {
    const cache = new DeviceTokenCache();
    cache.set('old', device, 1_000);
    cache.set('other', { speakerId: 's2', communeId: 'c1' }, 1_000);
    cache.forgetSpeaker('s1');
    expect(cache.get('old', 1_001)).toBeUndefined();
    expect(cache.get('other', 1_001)).toEqual({ speakerId: 's2', communeId: 'c1' });
  });
});
