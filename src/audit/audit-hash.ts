import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface HashedContent {
  seq: number;
  at: Date;
  userId: string | null;
  /** Whose subtree the entry belongs to: covered, so nobody can hide an entry from an auditor's view. */
  areaPath: string | null;
  action: string;
  resource: string;
  resourceId: string | null;
  details: Record<string, unknown> | null;
  ip: string | null;
}

/** Each entry's hash covers its content and the previous hash, so any edit breaks the chain from there on. */
export function chainHash(prevHash: string, entry: HashedContent): string {
  const content = JSON.stringify([entry.seq, entry.at.getTime(), entry.userId, entry.areaPath, entry.action, entry.resource, entry.resourceId, entry.details, entry.ip]);
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}
