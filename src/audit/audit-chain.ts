import type { AuditEntryEntity } from './audit-entry.entity.js';
import { chainHash, GENESIS_HASH } from './audit-hash.js';

/**
 * Re-checks the chain entry by entry, in seq order, without holding more than one entry: seqs run
 * 1, 2, 3... without gaps, each entry names the previous one's hash, and its own hash matches its
 * content. An edited entry fails its own hash; a deleted one leaves a gap; a forged hash breaks the
 * next link. Rewriting the whole tail consistently (or cutting it off) needs a head hash recorded
 * outside the database to detect: `headHash` is there for that.
 */
export class ChainVerifier {
  private expectedSeq = 1;
  private previousHash = GENESIS_HASH;
  entries = 0;
  firstBadSeq: number | null = null;

  check(entry: AuditEntryEntity): void {
    this.entries++;
    if (this.firstBadSeq === null) {
      if (entry.seq !== this.expectedSeq) this.firstBadSeq = Math.min(entry.seq, this.expectedSeq);
      else if (entry.prevHash !== this.previousHash || entry.hash !== chainHash(entry.prevHash, entry)) this.firstBadSeq = entry.seq;
    }
    this.expectedSeq = entry.seq + 1;
    this.previousHash = entry.hash;
  }

  get headHash(): string {
    return this.previousHash;
  }
}
