import { createHash, randomBytes } from 'node:crypto';

/** Device tokens are 256 random bits: a fast hash is enough to store them safely. */
export function newDeviceToken(): { token: string; hash: string } {
  const token = `loa_dev_${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashDeviceToken(token) };
}

export const hashDeviceToken = (token: string): string => createHash('sha256').update(token).digest('hex');
