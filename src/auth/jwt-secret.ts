import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config.js';

/** LOA_JWT_SECRET, or a random secret generated once and kept in LOA_DATA_DIR (never in the repo). */
export function resolveJwtSecret(config: AppConfig): string {
  if (config.LOA_JWT_SECRET) return config.LOA_JWT_SECRET;
  const file = join(config.LOA_DATA_DIR, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.LOA_DATA_DIR, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  // wx: if another process created it meanwhile, keep theirs.
  try {
    writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch {
    return readFileSync(file, 'utf8').trim();
  }
}
