import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closeLedger, ledgerOf } from '../../../src/app/ledger/ledger.ts';
import { claimWork, listWorklist, overrideDecision, overridesOf, releaseWork } from '../../../src/app/worklist/worklist.ts';
import { isPortcullisError } from '../../../src/domain/errors.ts';
import { decisionsRepo, inspectionsRepo } from '../../../src/store/index.ts';
import { forEachStore, makeRecord, makeRecords } from '../../support/stores.ts';
import { decision, inspection, storeRecords } from '../../support/targeting-fixtures.ts';
import { appOf } from '../targeting/fixtures.ts';

forEachStore('the analysts\' worklist', (h) => {
  test('ranks selected declarations by score, filters by office, lane and status; claim, release, override with a reason', async () => {
    const store = await h.open();
    const app = appOf(store);
    try {
      const records = makeRecords(4, 0, { prefix: 'W' });
      await storeRecords(store, records);
      const ids = records.map((r) => r.declaration.id);
      await decisionsRepo(store.db).insert([
        decision(ids[0]!, 1, { score: 0.5, lane: 'yellow', office: 'A' }),
        decision(ids[1]!, 1, { score: 0.9, lane: 'red', office: 'A' }),
        decision(ids[2]!, 1, { score: 0.7, lane: 'red', office: 'B' }),
        decision(ids[3]!, 1, { score: 0.1, lane: 'green', office: 'A' }),
      ]);
      assert.deepEqual((await listWorklist(app, {})).map((w) => w.decision.declarationId), [ids[1], ids[2], ids[0]]);
      assert.deepEqual((await listWorklist(app, { office: 'A', lanes: ['red'] })).map((w) => w.decision.declarationId), [ids[1]]);

      const claim = await claimWork(app, 'ana', ids[1]!);
      assert.equal(claim.claimedBy, 'ana');
      await assert.rejects(claimWork(app, 'bob', ids[1]!), (e) => isPortcullisError(e) && e.code === 'CONFLICT');
      assert.deepEqual((await listWorklist(app, { status: 'claimed' })).map((w) => w.decision.declarationId), [ids[1]]);
      await assert.rejects(releaseWork(app, 'bob', ids[1]!), (e) => isPortcullisError(e) && e.code === 'FORBIDDEN');
      await assert.rejects(overrideDecision(app, 'bob', ids[1]!, { lane: 'green', reason: 'not mine' }), (e) => isPortcullisError(e) && e.code === 'CONFLICT');
      await assert.rejects(overrideDecision(app, 'ana', ids[1]!, { lane: 'green', reason: ' ' }), (e) => isPortcullisError(e) && e.details[0]?.field === 'reason');
      const after = await overrideDecision(app, 'ana', ids[1]!, { lane: 'green', reason: 'documents checked by phone' });
      assert.equal(after.revision, 2);
      assert.equal((await decisionsRepo(store.db).latest(ids[1]!))!.lane, 'green');
      assert.deepEqual((await overridesOf(app, ids[1]!)).map((o) => [o.from, o.to, o.by, o.reason]), [['red', 'green', 'ana', 'documents checked by phone']]);
      const entries = await ledgerOf(app).repo.entriesAbout(`declaration:${ids[1]}`);
      assert.ok(entries.some((e) => e.type === 'privileged.action'));
      await releaseWork(app, 'ana', ids[1]!);
      assert.deepEqual((await listWorklist(app, { status: 'claimed' })).length, 0);

      await inspectionsRepo(store.db).record(inspection(ids[2]!, 'seizure'), '2024-04-02T00:00:00.000Z');
      assert.deepEqual((await listWorklist(app, { status: 'inspected' })).map((w) => w.decision.declarationId), [ids[2]]);
      assert.deepEqual((await listWorklist(app, { status: 'open' })).map((w) => w.decision.declarationId), [ids[0]]);
      await assert.rejects(claimWork(app, 'ana', 'NONE'), (e) => isPortcullisError(e) && e.code === 'NOT_FOUND');
    } finally {
      await closeLedger(app);
    }
  });

  test('filters by HS chapter, origin country and filing dates, each alone and together, still in rank order', async () => {
    const store = await h.open();
    const app = appOf(store);
    try {
      const item = (sequence: number, hsCode: string, originCountry: string) => ({ sequence, hsCode, originCountry, quantity: 1, quantityUnit: 'NAR', customsValue: 100, currency: 'USD' });
      // F-0: chapter 85 from CN on 1 March; F-1: chapters 09 and 85 (an item each) from VN and CN on
      // 2 March; F-2: chapter 84 from CN on 3 March; F-3: chapter 08 from VN on 4 March (green).
      const records = [
        makeRecord(0, { prefix: 'F', declaration: { filedAt: '2024-03-01T10:00:00.000Z', items: [item(1, '850440', 'CN')] } }),
        makeRecord(1, { prefix: 'F', declaration: { filedAt: '2024-03-02T10:00:00.000Z', items: [item(1, '090111', 'VN'), item(2, '851712', 'CN')] } }),
        makeRecord(2, { prefix: 'F', declaration: { filedAt: '2024-03-03T10:00:00.000Z', items: [item(1, '847130', 'CN')] } }),
        makeRecord(3, { prefix: 'F', declaration: { filedAt: '2024-03-04T10:00:00.000Z', items: [item(1, '080510', 'VN')] } }),
      ];
      await storeRecords(store, records);
      const ids = records.map((r) => r.declaration.id);
      await decisionsRepo(store.db).insert([
        decision(ids[0]!, 1, { score: 0.5, lane: 'yellow', office: 'A' }),
        decision(ids[1]!, 1, { score: 0.9, lane: 'red', office: 'A' }),
        decision(ids[2]!, 1, { score: 0.7, lane: 'red', office: 'B' }),
        decision(ids[3]!, 1, { score: 0.8, lane: 'green', office: 'A' }),
      ]);
      const listed = async (f: Parameters<typeof listWorklist>[1]) => (await listWorklist(app, f)).map((w) => w.decision.declarationId);
      assert.deepEqual(await listed({ hsChapter: '85' }), [ids[1], ids[0]]);
      assert.deepEqual(await listed({ hsChapter: '84' }), [ids[2]]);
      // A chapter is the code's first two digits, not any two digits in it: 09 is not 90, 85 not 08.
      assert.deepEqual(await listed({ hsChapter: '90' }), []);
      assert.deepEqual(await listed({ hsChapter: '09' }), [ids[1]]);
      assert.deepEqual(await listed({ hsChapter: '08', lanes: ['green'] }), [ids[3]]);
      assert.deepEqual(await listed({ originCountry: 'VN' }), [ids[1]]);
      assert.deepEqual(await listed({ originCountry: 'CN' }), [ids[1], ids[2], ids[0]]);
      assert.deepEqual(await listed({ originCountry: 'KR' }), []);
      // From inclusive, to exclusive; a bare date is its midnight.
      assert.deepEqual(await listed({ filedFrom: '2024-03-02T10:00:00.000Z' }), [ids[1], ids[2]]);
      assert.deepEqual(await listed({ filedTo: '2024-03-02T10:00:00.000Z' }), [ids[0]]);
      assert.deepEqual(await listed({ filedFrom: '2024-03-02', filedTo: '2024-03-03' }), [ids[1]]);
      assert.deepEqual(await listed({ hsChapter: '85', originCountry: 'CN', filedFrom: '2024-03-01', filedTo: '2024-03-02', office: 'A' }), [ids[0]]);
      assert.deepEqual(await listed({ hsChapter: '85', office: 'B' }), []);
      // Paged like the unfiltered list.
      assert.deepEqual(await listed({ originCountry: 'CN', limit: 1, offset: 1 }), [ids[2]]);
    } finally {
      await closeLedger(app);
    }
  });
});
