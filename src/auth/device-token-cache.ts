import { LRUCache } from 'lru-cache';
import type { AuthDevice } from './auth-user.js';

const TTL_MS = 30_000;
const MAX_ENTRIES = 100_000;

/**
 * Receivers poll every few seconds; remembering a token for half a minute spares the database a
 * lookup per poll. Rotation and moves in this process forget at once; other api processes
 * follow within the TTL.
 */
export class DeviceTokenCache {
  private readonly devices: LRUCache<string, AuthDevice>;

  constructor(clock: { now(): number } = performance) {
    this.devices = new LRUCache({ max: MAX_ENTRIES, ttl: TTL_MS, ttlResolution: 0, perf: clock });
  }

  get(tokenHash: string): AuthDevice | undefined {
    return this.devices.get(tokenHash);
  }

  set(tokenHash: string, device: AuthDevice): void {
    this.devices.set(tokenHash, device);
  }

  forgetSpeaker(speakerId: string): void {
    for (const [hash, device] of this.devices.entries()) if (device.speakerId === speakerId) this.devices.delete(hash);
  }
}
