import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closeLedger, ledgerOf } from '../../../src/app/ledger/ledger.ts';
import { claimWork, listWorklist, overrideDecision, overridesOf, releaseWork } from '../../../src/app/worklist/worklist.ts';
import { isPortcullisError } from '../../../src/domain/errors.ts';
import { decisionsRepo, inspectionsRepo } from '../../../src/store/index.ts';
import { forEachStore, makeRecords } from '../../support/stores.ts';
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
});
