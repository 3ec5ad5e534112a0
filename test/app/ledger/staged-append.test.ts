import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ledgerOf } from '../../../src/app/ledger/ledger.ts';
import type { StoreAdapter } from '../../../src/store/index.ts';
import { appOf } from '../targeting/fixtures.ts';
import { forEachStore } from '../../support/stores.ts';

/** The store, with its `durable` held until `open()` (or failed by `fail(e)`): the disk, slowed down at will. */
function gated() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function heldDisk(store: StoreAdapter) {
  let gate = gated();
  const rows = store.ledgerRows;
  const held: StoreAdapter = { ...store, ledgerRows: { ...rows, durable: async () => { await gate.promise; await rows.durable(); } } };
  return {
    store: held,
    open: () => gate.resolve(),
    fail: (e: Error) => gate.reject(e),
    reset: () => (gate = gated()),
  };
}

const entry = (i: number) => ({ type: 'declaration.filed' as const, subject: `declaration:D-${i}`, payload: { id: `D-${i}` } });
const settled = async (p: Promise<unknown>) => (await Promise.race([p.then(() => 'resolved', () => 'rejected'), new Promise((r) => setTimeout(() => r('pending'), 50))])) as string;

forEachStore('ledger: appends committed, then durable', (h) => {
  it('the next append is sequenced while the disk makes the one before durable; record waits for the disk', async () => {
    const disk = heldDisk(await h.open());
    const ledger = ledgerOf(appOf(disk.store, () => new Date('2026-03-01T08:00:00Z')));
    const first = await ledger.append([entry(0), entry(1)]);
    assert.deepEqual(await first.committed, [0, 1]);
    assert.equal(await ledger.repo.size(), 2, 'committed: readable in the store');
    const second = await ledger.append([entry(2)]);
    assert.deepEqual(await second.committed, [2], 'sequenced after the first, before the first is durable');
    const recorded = ledger.record([entry(3)]);
    assert.equal(await settled(first.durable), 'pending');
    assert.equal(await settled(recorded), 'pending', 'record answers only once durable');
    disk.open();
    assert.deepEqual(await first.durable, [0, 1]);
    assert.deepEqual(await second.durable, [2]);
    assert.deepEqual(await recorded, [3]);
    await ledger.close();
  });

  it('a failed disk fails durable, never committed', async () => {
    const disk = heldDisk(await h.open());
    const ledger = ledgerOf(appOf(disk.store, () => new Date('2026-03-01T08:00:00Z')));
    const a = await ledger.append([entry(0)]);
    assert.deepEqual(await a.committed, [0]);
    disk.fail(new Error('EIO: the disk failed'));
    await assert.rejects(a.durable, /EIO/);
    disk.reset();
    disk.open();
  });
});
