import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

// scrypt (a memory-hard KDF, in Node's crypto): N=2^15, r=8, p=1 costs ~32 MiB and ~50 ms per hash.
const N = 1 << 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const MAX_MEM = 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, { N: n, r, p, maxmem: MAX_MEM }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A password nobody knows, to burn the same time on unknown usernames. */
export const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/** How many earlier passwords a user may not reuse, besides the current one. */
export const PASSWORD_HISTORY = 4;

/** The hashes to keep as "previous" once the current password is replaced. */
export const recentHashes = (user: { passwordHash: string; previousPasswordHashes: string[] | null }): string[] =>
  [user.passwordHash, ...(user.previousPasswordHashes ?? [])].slice(0, PASSWORD_HISTORY);
