import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDecisionQueue } from '../../../src/app/filing/decision-queue.ts';
import { fileDeclarations } from '../../../src/app/filing/file-declarations.ts';
import { openFilingQueue } from '../../../src/app/filing/filing-queue.ts';
import { closeLedger, ledgerOf } from '../../../src/app/ledger/ledger.ts';
import { decisionsRepo, filingRepo } from '../../../src/store/index.ts';
import { declarationInput, forEachStore } from '../../support/stores.ts';
import { appOf } from '../targeting/fixtures.ts';
import { Declaration } from '../../../src/domain/declaration.ts';
import { decision } from '../../support/targeting-fixtures.ts';

const input = (i: number) => ({ ...declarationInput(i), id: `Q-${i}` });

forEachStore('the service\'s filing queue', (h) => {
  const open = async () => {
    const app = appOf(await h.open());
    const decisions = openDecisionQueue(app);
    const filings = openFilingQueue(app, { decide: (ds) => decisions.decide(ds), decideFiled: (ds) => decisions.decideFiled(ds) });
    const file = (inputs: unknown[]) => fileDeclarations(app, inputs, { source: 'test', decide: (ds) => decisions.decide(ds), file: (rs) => filings.file(rs) });
    const close = async () => {
      await filings.close();
      await decisions.close();
      await closeLedger(app);
    };
    return { app, file, close };
  };
  const types = async (app: Awaited<ReturnType<typeof open>>['app'], id: string) => (await ledgerOf(app).repo.entriesAbout(`declaration:${id}`)).map((e) => e.type);

  test('concurrent filings are stored in gathered batches, each decided once, its filing before its decision in the ledger', async () => {
    const { app, file, close } = await open();
    try {
      // The same declaration filed twice at once: stored once, decided once, the second a duplicate with the first's decision.
      const all = await Promise.all([...Array.from({ length: 40 }, (_, i) => file([input(i)])), file([input(0)])]);
      const statuses = all.flat().map((f) => f.status);
      assert.equal(statuses.filter((s) => s === 'inserted').length, 40);
      assert.equal(statuses.filter((s) => s === 'duplicate').length, 1);
      assert.ok(all.flat().every((f) => f.decision?.revision === 1));
      assert.equal(all[40]![0]!.decision?.lane, all[0]![0]!.decision?.lane);
      assert.equal((await decisionsRepo(app.store.db).counts()).total, 40);
      for (const i of [0, 17, 39]) assert.deepEqual(await types(app, `Q-${i}`), ['declaration.filed', 'decision.made']);
    } finally {
      await close();
    }
  });

  test('a declaration stored by a process that stopped before its ledger append is decided and put in the ledger when filed again', async () => {
    const { app, file, close } = await open();
    try {
      // Stored, never decided nor filed (the process stopped right after the transaction).
      const lost = Declaration.parse(input(100));
      await filingRepo(app.store.db).insert([{ declaration: lost, labels: {}, source: 'test', ingestedAt: '2026-01-01T00:00:00.000Z' }]);
      // Stored and decided, but the append of its filing and decision never happened.
      const half = Declaration.parse(input(101));
      await filingRepo(app.store.db).insert([{ declaration: half, labels: {}, source: 'test', ingestedAt: '2026-01-01T00:00:00.000Z' }]);
      await decisionsRepo(app.store.db).insert([decision(half.id, 1, { lane: 'yellow', office: half.customsOffice })]);
      const again = await file([input(100), input(101)]);
      assert.deepEqual(again.map((f) => f.status), ['duplicate', 'duplicate']);
      assert.equal(again[0]!.decision?.revision, 1, 'decided when filed again');
      assert.equal(again[1]!.decision?.revision, 1, 'the stored decision, not a new one');
      assert.deepEqual(await types(app, 'Q-100'), ['declaration.filed', 'decision.made']);
      assert.equal(again[1]!.decision?.lane, 'yellow');
      assert.deepEqual(await types(app, 'Q-101'), ['declaration.filed', 'decision.made'], 'its filing and stored decision entered');
      // Filed a third time: complete already, nothing more is recorded.
      const n = (await types(app, 'Q-100')).length;
      await file([input(100)]);
      assert.equal((await types(app, 'Q-100')).length, n);
    } finally {
      await close();
    }
  });
});
