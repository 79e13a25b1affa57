import type { AuditEntryEntity } from './audit-entry.entity.js';
import { chainHash, GENESIS_HASH } from './audit-hash.js';
import { ChainVerifier } from './audit-chain.js';

function chain(length: number): AuditEntryEntity[] {
  const entries: AuditEntryEntity[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq++) {
    const content = { seq, at: new Date(1_750_000_000_000 + seq), userId: 'u1', areaPath: null, action: 'area.create', resource: 'area', resourceId: `a${seq}`, details: { name: `Xã ${seq}` }, ip: '127.0.0.1' };
    const entry = { ...content, prevHash, hash: chainHash(prevHash, content) };
    entries.push(entry);
    prevHash = entry.hash;
  }
  return entries;
}

function verify(entries: AuditEntryEntity[]) {
  const verifier = new ChainVerifier();
  for (const entry of entries) verifier.check(entry);
  return { entries: verifier.entries, firstBadSeq: verifier.firstBadSeq, headHash: verifier.headHash };
}

describe('ChainVerifier', () => {
  it('accepts an intact chain and an empty one', () => {
    const entries = chain(5);
    expect(verify(entries)).toEqual({ entries: 5, firstBadSeq: null, headHash: entries[4].hash });
    expect(verify([])).toEqual({ entries: 0, firstBadSeq: null, headHash: GENESIS_HASH });
  });

  it('finds an edited entry by its own hash', () => {
    const entries = chain(5);
    entries[2] = { ...entries[2], details: { name: 'Xã khác' } };
    expect(verify(entries).firstBadSeq).toBe(3);
    const moved = chain(5);
    moved[1] = { ...moved[1], at: new Date(moved[1].at.getTime() + 1) };
    expect(verify(moved).firstBadSeq).toBe(2);
    const hidden = chain(5);
    hidden[3] = { ...hidden[3], areaPath: '/elsewhere/' };
    expect(verify(hidden).firstBadSeq).toBe(4);
  });

  it('finds a re-hashed entry by the broken link after it', () => {
    const entries = chain(5);
    const forged = { ...entries[2], userId: 'someone-else' };
    entries[2] = { ...forged, hash: chainHash(forged.prevHash, forged) };
    expect(verify(entries).firstBadSeq).toBe(4);
  });

  it('names the seq of a deleted entry', () => {
    const entries = chain(5);
    expect(verify([...entries.slice(0, 2), ...entries.slice(3)]).firstBadSeq).toBe(3);
    expect(verify(entries.slice(1)).firstBadSeq).toBe(1);
  });
});
