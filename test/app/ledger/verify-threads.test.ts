import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { ledgerOf } from '../../../src/app/ledger/ledger.ts';
import { verifyLedger, type VerifyReport } from '../../../src/app/ledger/verify.ts';
import { PAGE } from '../../../src/ledger/verify/page-audit.ts';
import { openStore } from '../../../src/store/index.ts';
import { appOf, tempDir } from '../targeting/fixtures.ts';

const dir = tempDir('verify-threads');
after(() => dir.cleanup());

/**
 * Verification audits pages of 2^14 entries in threads, each with its own connection, and builds
 * the tree above the pages in order: it must find exactly what the one-thread audit finds, in the
 * same order, wherever the tampering sits (inside a page, across pages, above them).
 */
it('threads find what one thread finds, named alike, across pages and above them', { timeout: 180_000 }, async () => {
  const file = dir.path('big.db');
  const store = await openStore({ sqliteFile: file });
  after(() => store.close());
  const app = appOf(store);
  const ledger = ledgerOf(app);
  const size = 2 * PAGE + 5000;
  for (let from = 0; from < size; from += 5000) {
    await ledger.record(Array.from({ length: Math.min(5000, size - from) }, (_, i) => ({ type: 'telemetry.recorded' as const, subject: `container:C${(from + i) % 97}`, payload: { seq: from + i } })));
    if (from === 20_000) await ledger.checkpoint();
  }
  await ledger.checkpoint();
  const config = { sqliteFile: file, databaseUrl: undefined, pgSchema: undefined };
  const run = (threads: number): Promise<VerifyReport> => verifyLedger(ledger.repo, { logKey: ledger.verifierKey, signatures: false, payloads: true, store: config, threads });
  const clean = await run(2);
  assert.equal(clean.ok, true, JSON.stringify(clean.findings));
  assert.equal(clean.entries, size);
  assert.equal(clean.checked.leaves, size);
  assert.equal(clean.root, (await run(1)).root);

  // Inside the first page, in the second page, a node inside the third, a node above the pages.
  await store.db.updateTable('ledger_entries').set({ time: '2020-01-01T00:00:00.000Z' }).where('idx', '=', 7).execute();
  await store.db.updateTable('ledger_payloads').set({ payload: '{"seq":-1}' }).where('idx', '=', PAGE + 3).execute();
  await store.db.updateTable('ledger_nodes').set({ hash: Buffer.alloc(32, 9) }).where('level', '=', 3).where('idx', '=', (2 * PAGE + 64) / 8).execute();
  await store.db.updateTable('ledger_nodes').set({ hash: Buffer.alloc(32, 8) }).where('level', '=', 15).where('idx', '=', 0).execute();
  const one = await run(1);
  const two = await run(2);
  assert.deepEqual(two.findings, one.findings);
  assert.deepEqual((await run(3)).findings, one.findings);
  const named = two.findings.map((f) => [f.check, f.entry ?? f.node?.level ?? f.checkpoint]);
  // (Checkpoints the ledger signed on its own while the entries were recorded are named too.)
  assert.deepEqual(named.filter(([c]) => c !== 'checkpoint-root').slice(0, 2), [['leaf-hash', 7], ['payload-commitment', PAGE + 3]]);
  assert.ok(named.some(([c, l]) => c === 'node' && l === 3), JSON.stringify(named));
  assert.ok(two.findings.some((f) => f.check === 'checkpoint-root' && f.checkpoint === 25_000));
});
