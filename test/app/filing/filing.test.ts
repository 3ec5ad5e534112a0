import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDecisionQueue } from '../../../src/app/filing/decision-queue.ts';
import { amendDeclaration, fileDeclarations } from '../../../src/app/filing/file-declarations.ts';
import { findDeclarations } from '../../../src/app/filing/declaration-views.ts';
import { closeLedger, ledgerOf } from '../../../src/app/ledger/ledger.ts';
import { isPortcullisError } from '../../../src/domain/errors.ts';
import { declarationsRepo, decisionsRepo } from '../../../src/store/index.ts';
import { declarationInput, forEachStore } from '../../support/stores.ts';
import { appOf } from '../targeting/fixtures.ts';

const input = (i: number, over: Record<string, unknown> = {}) => ({ ...declarationInput(i), id: `F-${i}`, ...over });

forEachStore('filing declarations through the service', (h) => {
  test('files, decides and records each; a duplicate changes nothing; a conflict is reported', async () => {
    const app = appOf(await h.open());
    const queue = openDecisionQueue(app);
    try {
      const first = await fileDeclarations(app, [input(1), input(2)], { source: 'test', decide: (ds) => queue.decide(ds) });
      assert.deepEqual(first.map((f) => f.status), ['inserted', 'inserted']);
      assert.ok(first.every((f) => f.decision !== undefined && f.decision.revision === 1));
      const again = await fileDeclarations(app, [input(1), input(2, { customsOffice: 'OTHER' })], { source: 'test', decide: (ds) => queue.decide(ds) });
      assert.deepEqual(again.map((f) => f.status), ['duplicate', 'conflict']);
      assert.equal(again[0]!.decision?.revision, 1, 'a duplicate answers with the stored decision');
      assert.equal((await declarationsRepo(app.store.db).get('F-2'))!.declaration.customsOffice, input(2).customsOffice);
      const entries = await ledgerOf(app).repo.entriesAbout('declaration:F-1');
      assert.deepEqual(entries.map((e) => e.type).sort(), ['decision.made', 'declaration.filed']);
    } finally {
      await queue.close();
      await closeLedger(app);
    }
  });

  test('a batch with one bad declaration files none, naming the row and field', async () => {
    const app = appOf(await h.open());
    try {
      await assert.rejects(
        fileDeclarations(app, [input(3), input(4, { items: [] })], { source: 'test', decide: async () => [] }),
        (e) => isPortcullisError(e) && e.code === 'INVALID_INPUT' && e.details[0]?.row === 1 && e.details[0]?.field === 'declarations.1.items',
      );
      assert.equal((await declarationsRepo(app.store.db).stats()).declarations, 0);
    } finally {
      await closeLedger(app);
    }
  });

  test('concurrent filings are decided in gathered batches, each once', async () => {
    const app = appOf(await h.open());
    const queue = openDecisionQueue(app);
    try {
      const all = await Promise.all(Array.from({ length: 30 }, (_, i) => fileDeclarations(app, [input(10 + i)], { source: 'test', decide: (ds) => queue.decide(ds) })));
      assert.equal(all.flat().filter((f) => f.decision?.revision === 1).length, 30);
      assert.equal((await decisionsRepo(app.store.db).counts()).total, 30);
    } finally {
      await queue.close();
      await closeLedger(app);
    }
  });

  test('an amendment replaces the declaration, is recorded as a correction and decided again', async () => {
    const app = appOf(await h.open());
    const queue = openDecisionQueue(app);
    try {
      await fileDeclarations(app, [input(5)], { source: 'test', decide: (ds) => queue.decide(ds) });
      const r = await amendDeclaration(app, 'F-5', input(5, { transportDocument: 'MBL-NEW' }), { decide: (ds) => queue.decide(ds) });
      assert.equal(r.decision?.revision, 2);
      assert.equal((await declarationsRepo(app.store.db).get('F-5'))!.declaration.transportDocument, 'MBL-NEW');
      const entries = await ledgerOf(app).repo.entriesAbout('declaration:F-5');
      const amended = entries.find((e) => e.type === 'declaration.amended')!;
      assert.equal(amended.corrects, entries.find((e) => e.type === 'declaration.filed')!.index);
      await assert.rejects(amendDeclaration(app, 'F-5', input(5, { id: 'F-6' }), { decide: (ds) => queue.decide(ds) }), (e) => isPortcullisError(e) && e.details[0]?.field === 'id');
      await assert.rejects(amendDeclaration(app, 'F-404', input(404, { id: 'F-404' }), { decide: (ds) => queue.decide(ds) }), (e) => isPortcullisError(e) && e.code === 'NOT_FOUND');
      const found = await findDeclarations(app, { status: 'decided', limit: 10 });
      assert.deepEqual(found.items.map((i) => i.declaration.id), ['F-5']);
    } finally {
      await queue.close();
      await closeLedger(app);
    }
  });
});
