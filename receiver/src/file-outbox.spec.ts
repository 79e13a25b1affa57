import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileOutboxStore } from './file-outbox.js';
import { Outbox } from './protocol/outbox.js';
import type { Receipt } from './protocol/types.js';

const NOW = Date.parse('2026-12-01T06:30:00Z');
const receipt = (broadcastId: string, status: Receipt['status'] = 'played'): Receipt => ({ broadcastId, status, startedAt: new Date(NOW).toISOString(), finishedAt: new Date(NOW + 60_000).toISOString() });

describe('receipt outbox on disk', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loa-outbox-'));
    path = join(dir, 'outbox.jsonl');
  });
  const stores: FileOutboxStore[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Opens the journal as a restarted agent would: a new store on the same file. */
  const reopen = (now = NOW) => {
    const store = new FileOutboxStore(path);
    stores.push(store);
    return Outbox.open(store, now);
  };

  it('keeps a receipt from the moment add() resolves, until the server answered for it', async () => {
    const outbox = await reopen();
    await outbox.add(receipt('b1'), NOW + 60_000);
    await outbox.add(receipt('b2', 'failed'), NOW + 60_000);
    expect((await readFile(path, 'utf8')).split('\n').filter(Boolean)).toHaveLength(2); // on disk, not only in memory

    const afterCrash = await reopen();
    expect(afterCrash.pending().map((r) => r.broadcastId)).toEqual(['b1', 'b2']);
    await afterCrash.answered(['b1']);

    const again = await reopen();
    expect(again.pending().map((r) => r.broadcastId)).toEqual(['b2']);
    expect(again.isHandled('b1')).toBe(true); // answered: never played or reported again
    expect(again.isHandled('b2')).toBe(true);
    expect(again.isHandled('b3')).toBe(false);
  });

  it('never doubles a receipt: a second one for the same broadcast is ignored, before and after the answer', async () => {
    const outbox = await reopen();
    await outbox.add(receipt('b1'), NOW);
    await outbox.add(receipt('b1', 'failed'), NOW);
    expect(outbox.pending()).toEqual([receipt('b1')]);
    await outbox.answered(['b1']);
    await outbox.add(receipt('b1'), NOW);
    expect(outbox.size).toBe(0);
    expect((await reopen()).size).toBe(0);
  });

  it('reads past a torn last line (power lost mid-write) and loses nothing written before it', async () => {
    const outbox = await reopen();
    await outbox.add(receipt('b1'), NOW);
    await appendFile(path, '{"t":"queued","receipt":{"broadcastId":"b2","sta');
    const reopened = await reopen();
    expect(reopened.pending().map((r) => r.broadcastId)).toEqual(['b1']);
    await reopened.add(receipt('b3'), NOW); // appends after the compaction, not onto the torn line
    expect((await reopen()).pending().map((r) => r.broadcastId)).toEqual(['b1', 'b3']);
  });

  it('turns a playback cut by a crash into an interrupted receipt, once', async () => {
    const outbox = await reopen();
    await outbox.begin('b1', new Date(NOW).toISOString(), NOW + 60_000);
    expect(outbox.isHandled('b1')).toBe(true);
    const restarted = await reopen();
    expect(restarted.pending()).toEqual([expect.objectContaining({ broadcastId: 'b1', status: 'interrupted', startedAt: new Date(NOW).toISOString(), finishedAt: null })]);
    expect((await reopen()).pending()).toHaveLength(1);

    // A playback that ended normally leaves its own receipt, not an interrupted one.
    await restarted.begin('b2', new Date(NOW).toISOString(), NOW);
    await restarted.add(receipt('b2'), NOW);
    expect((await reopen()).pending().find((r) => r.broadcastId === 'b2')?.status).toBe('played');
  });

  it('compacts: answered receipts leave the file, handled broadcasts are remembered until long after their end', async () => {
    const outbox = await reopen();
    for (let i = 0; i < 50; i++) await outbox.add(receipt(`b${i}`), NOW);
    await outbox.answered(Array.from({ length: 50 }, (_, i) => `b${i}`));
    await reopen();
    const lines = (await readFile(path, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { t: string });
    expect(lines).toHaveLength(50);
    expect(lines.every((l) => l.t === 'handled')).toBe(true);
    const muchLater = await reopen(NOW + 3 * 86_400_000);
    expect(muchLater.isHandled('b0')).toBe(false);
  });
});
