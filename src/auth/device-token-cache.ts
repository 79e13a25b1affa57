import type { AuthDevice } from './auth-user.js';

const TTL_MS = 30_000;
const MAX_ENTRIES = 100_000;

/**
 * Receivers poll every few seconds; remembering a token for half a minute spares the database a
 * lookup per poll. Rotation and moves in this process forget at once; other api processes
 * follow within the TTL.
 */
export class DeviceTokenCache {
  private readonly entries = new Map<string, { device: AuthDevice; expires: number }>();

  get(tokenHash: string, now = Date.now()): AuthDevice | undefined {
    const entry = this.entries.get(tokenHash);
    if (entry && entry.expires > now) return entry.device;
    if (entry) this.entries.delete(tokenHash);
    return undefined;
  }

  set(tokenHash: string, device: AuthDevice, now = Date.now()): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(tokenHash, { device, expires: now + TTL_MS });
  }

  forgetSpeaker(speakerId: string): void {
    for (const [hash, entry] of this.entries) if (entry.device.speakerId === speakerId) this.entries.delete(hash);
  }
}
