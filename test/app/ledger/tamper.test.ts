import assert from 'node:assert/strict';
import { it } from 'node:test';
import { verifyLedger, type LedgerCheck, type VerifyReport } from '../../../src/app/ledger/verify.ts';
import type { StoreAdapter } from '../../../src/store/index.ts';
import { forEachStore } from '../../support/stores.ts';
import { ledgerApp, recordSome } from './support.ts';

/**
 * Every kind of tampering with the stored ledger — by editing the database directly, as an insider
 * could — is found by verification and named: which entry, node or checkpoint, and which check.
 */
async function ledgerOf40(store: StoreAdapter) {
  const { ledger } = ledgerApp(store);
  await recordSome(ledger, 25);
  await ledger.checkpoint();
  await recordSome(ledger, 15, 25);
  await ledger.checkpoint();
  return ledger;
}

const verify = (l: Awaited<ReturnType<typeof ledgerOf40>>) => verifyLedger(l.repo, { logKey: l.verifierKey, signatures: true, payloads: true });
const checks = (r: VerifyReport) => r.findings.map((f) => f.check);
const named = (r: VerifyReport, check: LedgerCheck) => r.findings.find((f) => f.check === check);

forEachStore('ledger verify names what was tampered with', (h) => {
  it('an untouched ledger verifies', async () => {
    const l = await ledgerOf40(await h.open());
    const r = await verify(l);
    assert.equal(r.ok, true, JSON.stringify(r.findings));
    assert.equal(r.entries, 40);
    assert.equal(r.checkpoints, 2);
  });

  it('an entry field changed: its leaf hash, its signature, and the checkpoints over it', async () => {
    const store = await h.open();
    const l = await ledgerOf40(store);
    await store.db.updateTable('ledger_entries').set({ time: '2026-03-01T09:00:00.000Z' }).where('idx', '=', 17).execute();
    const r = await verify(l);
    assert.equal(r.ok, false);
    assert.equal(named(r, 'leaf-hash')?.entry, 17);
    assert.equal(named(r, 'entry-signature')?.entry, 17);
    assert.deepEqual(r.findings.filter((f) => f.check === 'checkpoint-root').map((f) => f.checkpoint), [25, 40]);
    assert.ok(!checks(r).includes('node'), 'the nodes above a changed entry are not reported again');
  });

  it('a single flipped bit in a stored leaf hash', async () => {
    const store = await h.open();
    const l = await ledgerOf40(store);
    const row = await store.db.selectFrom('ledger_nodes').select('hash').where('level', '=', 0).where('idx', '=', 30).executeTakeFirstOrThrow();
    const bytes = Buffer.from(row.hash);
    bytes[5]! ^= 0x10;
    await store.db.updateTable('ledger_nodes').set({ hash: bytes }).where('level', '=', 0).where('idx', '=', 30).execute();
    const r = await verify(l);
    assert.deepEqual(r.findings.map((f) => [f.check, f.entry]), [['leaf-hash', 30]]);
  });

  it('an inner node of the stored tree', async () => {
    const store = await h.open();
    const l = await ledgerOf40(store);
    await store.db.updateTable('ledger_nodes').set({ hash: Buffer.alloc(32, 1) }).where('level', '=', 3).where('idx', '=', 2).execute();
    const r = await verify(l);
    assert.deepEqual(r.findings.map((f) => [f.check, f.node?.level, f.node?.index]), [['node', 3, 2]]);
    assert.match(r.findings[0]!.message, /entries 16 to 23/);
  });

  // Verification reads a level's hashes end to end in one buffer: a row gone, or a hash a byte
  // short next to one a byte long (the same total), must still be named at its own index.
  it('stored hashes deleted, or of the wrong length, are named where they are', async () => {
    const store = await h.open();
    const l = await ledgerOf40(store);
    const leaf = await store.db.selectFrom('ledger_nodes').select('hash').where('level', '=', 0).where('idx', '=', 12).executeTakeFirstOrThrow();
    const next = await store.db.selectFrom('ledger_nodes').select('hash').where('level', '=', 0).where('idx', '=', 13).executeTakeFirstOrThrow();
    await store.db.updateTable('ledger_nodes').set({ hash: Buffer.from(leaf.hash).subarray(0, 31) }).where('level', '=', 0).where('idx', '=', 12).execute();
    await store.db.updateTable('ledger_nodes').set({ hash: Buffer.concat([Buffer.from(next.hash), Buffer.of(0)]) }).where('level', '=', 0).where('idx', '=', 13).execute();
    await store.db.deleteFrom('ledger_nodes').where('level', '=', 2).where('idx', '=', 1).execute();
    const r = await verify(l);
    assert.deepEqual(r.findings.map((f) => [f.check, f.entry ?? f.node?.level, f.node?.index]), [['leaf-hash', 12, undefined], ['leaf-hash', 13, undefined], ['node', 2, 1]]);
    assert.match(r.findings[2]!.message, /is missing/);
  });

  it("a checkpoint's stored root, and a checkpoint's signed note", async () => {
    const store = await h.open();
    const l = await ledgerOf40(store);
    await store.db.updateTable('ledger_checkpoints').set({ root: Buffer.alloc(32, 2).toString('base64') }).where('size', '=', 25).execute();
    let r = await verify(l);
    assert.deepEqual(r.findings.map((f) => [f.check, f.checkpoint]), [['checkpoint-body', 25], ['checkpoint-root', 25]]);
    const c = (await l.repo.checkpoint(40))!;
    const forged = c.note.replace('\n40\n', '\n41\n');
    await store.db.updateTable('ledger_checkpoints').set({ note: forged }).where('size', '=', 40).execute();
    r = await verify(l);
    assert.ok(r.findings.some((f) => f.check === 'checkpoint-signature' && f.checkpoint === 40), JSON.stringify(r.findings));
  });

  it('a payload edited, and an entry deleted', async () => {
    const store = await h.open();
    const l = await ledgerOf40(store);
    await store.db.updateTable('ledger_payloads').set({ payload: '{"id":"D-3","value":31}' }).where('idx', '=', 3).execute();
    await store.db.deleteFrom('ledger_entries').where('idx', '=', 12).execute();
    const r = await verify(l);
    assert.deepEqual(r.findings.filter((f) => f.entry !== undefined).map((f) => [f.check, f.entry]), [['payload-commitment', 3], ['entry-missing', 12]]);
  });

  it('entries cut off the end, below the latest checkpoint', async () => {
    const store = await h.open();
    const l = await ledgerOf40(store);
    await store.db.deleteFrom('ledger_entries').where('idx', '>=', 38).execute();
    const r = await verify(l);
    assert.ok(r.findings.some((f) => f.check === 'checkpoint-beyond-entries' && f.checkpoint === 40), JSON.stringify(r.findings));
  });
});
