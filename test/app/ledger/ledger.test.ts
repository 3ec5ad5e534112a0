import assert from 'node:assert/strict';
import { it } from 'node:test';
import { verifyLedger } from '../../../src/app/ledger/verify.ts';
import { leafHash, verifyConsistency, verifyInclusion } from '../../../src/ledger/merkle/index.ts';
import { leafInput } from '../../../src/ledger/entry/entry.ts';
import { openCheckpoint, parseVerifierKey } from '../../../src/ledger/note/index.ts';
import { isPortcullisError } from '../../../src/domain/errors.ts';
import { forEachStore } from '../../support/stores.ts';
import { ledgerApp, recordSome } from './support.ts';

forEachStore('ledger: sequencing, checkpoints, proofs', (h) => {
  it('entries get consecutive indices, acknowledged once stored, and verify', async () => {
    const { ledger } = ledgerApp(await h.open());
    assert.deepEqual(await recordSome(ledger, 3), [0, 1, 2]);
    assert.deepEqual(await recordSome(ledger, 2, 3), [3, 4]);
    assert.equal(await ledger.repo.size(), 5);
    const stored = await ledger.repo.entries(0, 5);
    assert.deepEqual(stored.map((e) => e.subject), ['declaration:D-0', 'declaration:D-1', 'declaration:D-2', 'declaration:D-3', 'declaration:D-4']);
    await ledger.checkpoint();
    const r = await verifyLedger(ledger.repo, { logKey: ledger.verifierKey, signatures: true, payloads: true });
    assert.equal(r.ok, true, JSON.stringify(r.findings));
    assert.equal(r.checked.signatures, 5);
    assert.equal(r.checked.payloads, 5);
  });

  it('concurrent callers share batches and each gets its own indices', async () => {
    const { ledger } = ledgerApp(await h.open());
    const got = await Promise.all(Array.from({ length: 40 }, (_, i) => recordSome(ledger, 5, i * 5)));
    const all = got.flat().sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: 200 }, (_, i) => i));
    // Each caller's entries are contiguous and hold its own subjects.
    for (const [i, indices] of got.entries()) {
      const es = await ledger.repo.entries(indices[0]!, indices[4]! + 1);
      assert.deepEqual(es.map((e) => e.subject), Array.from({ length: 5 }, (_, k) => `declaration:D-${i * 5 + k}`));
    }
  });

  it('a checkpoint is a C2SP signed note of the tree, and later ones are consistent with it', async () => {
    const { ledger } = ledgerApp(await h.open());
    await recordSome(ledger, 7);
    const c1 = (await ledger.checkpoint())!;
    assert.equal(c1.size, 7);
    assert.equal(await ledger.checkpoint(), undefined, 'nothing new: no second checkpoint');
    await recordSome(ledger, 6, 7);
    // The ledger may have signed this size on its own meanwhile (it signs at most once a second while entries come).
    const c2 = (await ledger.checkpoint()) ?? (await ledger.repo.latestCheckpoint())!;
    const log = parseVerifierKey(ledger.verifierKey);
    const o1 = openCheckpoint(c1.note, log);
    const o2 = openCheckpoint(c2.note, log);
    assert.equal(o1.checkpoint.origin, ledger.origin);
    assert.equal(o2.checkpoint.size, 13);
    verifyConsistency(7, 13, await ledger.consistencyProof(7, 13), o1.checkpoint.root, o2.checkpoint.root);
    for (const index of [0, 6, 7, 12]) {
      const e = (await ledger.repo.entry(index))!;
      verifyInclusion(leafHash(leafInput(e)), index, 13, await ledger.inclusionProof(index, 13), o2.checkpoint.root);
    }
  });

  it('refuses to sign a checkpoint inconsistent with the last one signed', async () => {
    const store = await h.open();
    const { ledger } = ledgerApp(store);
    await recordSome(ledger, 4);
    await ledger.checkpoint();
    // The ledger signs on its own no sooner than a second after that checkpoint (next test), so
    // the tree of 8 is not signed before it is tampered with.
    await recordSome(ledger, 4, 4);
    // Rewrite the stored tree under the log: the node over entries 4 to 7, which the proof uses.
    await store.db.updateTable('ledger_nodes').set({ hash: Buffer.alloc(32, 7) }).where('level', '=', 2).where('idx', '=', 1).execute();
    await assert.rejects(ledger.checkpoint(), (e) => isPortcullisError(e) && e.code === 'STORE_ERROR' && /not consistent/.test(e.message));
    assert.equal((await ledger.repo.latestCheckpoint())!.size, 4);
  });

  it('signs on its own at most once a second, counting the checkpoints asked for', async () => {
    const { ledger } = ledgerApp(await h.open());
    // Nothing signed yet: this schedules a checkpoint of its own at once, which comes while the
    // one asked for below is being signed, or just before it.
    await recordSome(ledger, 4);
    await ledger.checkpoint();
    const asked = (await ledger.repo.latestCheckpoint())!;
    assert.equal(asked.size, 4);
    await recordSome(ledger, 4, 4);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await ledger.repo.latestCheckpoint())!.size, 4, 'no second checkpoint within a second of the last');
    const until = Date.now() + 5000;
    while ((await ledger.repo.latestCheckpoint())!.size < 8 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.equal((await ledger.repo.latestCheckpoint())!.size, 8, 'the entries after it are signed on their own a second later');
  });

  it('a corrected entry points at the one it corrects; nothing is deleted', async () => {
    const { app, ledger } = ledgerApp(await h.open());
    const { recordInLedger } = await import('../../../src/app/ledger/record.ts');
    const [first] = await recordInLedger(app, 'decision.made', [{ subject: 'declaration:X', payload: { lane: 'green' } }]);
    const [second] = await recordInLedger(app, 'decision.made', [{ subject: 'declaration:X', payload: { lane: 'red' } }]);
    assert.equal((await ledger.repo.entry(second!))!.corrects, first);
    assert.equal((await ledger.repo.entry(first!))!.corrects, null);
    assert.equal((await ledger.repo.entriesAbout('declaration:X')).length, 2);
  });
});
