import assert from 'node:assert/strict';
import { it } from 'node:test';
import { inspectionsRepo, type StoredInspection } from '../../src/store/index.ts';
import { forEachStore, makeRecords } from '../support/stores.ts';
import { at, inspection, storeRecords } from '../support/targeting-fixtures.ts';

forEachStore('inspections repo', (h) => {
  it('record numbers results from 1; a correction is the next revision; latest and history read them back', async () => {
    const store = await h.open();
    await storeRecords(store, makeRecords(2));
    const repo = inspectionsRepo(store.db);
    const found = inspection('DEC-000000', 'irregularity', { revenueRecovered: 1234.5, currency: 'EUR', notes: 'undervalued, "see" photos' });
    const corrected = inspection('DEC-000000', 'seizure', { notes: 'narcotics in the second pallet' });
    assert.equal(await repo.record(found, at(100)), 1);
    assert.equal(await repo.record(corrected, at(200)), 2);
    assert.equal(await repo.record(inspection('DEC-000001', 'none'), at(300)), 1);
    assert.deepEqual(await repo.latest('DEC-000000'), { ...corrected, revision: 2, recordedAt: at(200) });
    assert.deepEqual(await repo.history('DEC-000000'), [{ ...found, revision: 1, recordedAt: at(100) }, { ...corrected, revision: 2, recordedAt: at(200) }]);
    assert.equal((await repo.latest('DEC-000001'))?.currency, undefined);
    assert.equal(await repo.latest('DEC-000404'), undefined);
  });

  it('results recorded at the same time each get their own revision', async () => {
    const store = await h.open();
    await storeRecords(store, makeRecords(1));
    const repo = inspectionsRepo(store.db);
    const revisions = await Promise.all(Array.from({ length: 6 }, (_, k) => repo.record(inspection('DEC-000000', 'none', { notes: `note ${k}` }), at(k))));
    assert.deepEqual([...revisions].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual((await repo.history('DEC-000000')).map((r) => r.revision), [1, 2, 3, 4, 5, 6]);
  });

  it('a result for a declaration that is not stored is refused', async () => {
    const store = await h.open();
    await assert.rejects(inspectionsRepo(store.db).record(inspection('DEC-404', 'none'), at(0)));
  });

  it('list is in inspection time order, filtered by time, and pages', async () => {
    const store = await h.open();
    await storeRecords(store, makeRecords(6));
    const repo = inspectionsRepo(store.db);
    for (const i of [5, 3, 1, 0, 2, 4]) await repo.record(inspection(`DEC-00000${i}`, 'none', { inspectedAt: at(Math.floor(i / 2)) }), at(10));
    await repo.record(inspection('DEC-000002', 'seizure', { inspectedAt: at(1) }), at(11));
    const key = (r: StoredInspection) => `${r.declarationId}#${r.revision}`;
    assert.deepEqual((await repo.list()).map(key), ['DEC-000000#1', 'DEC-000001#1', 'DEC-000002#1', 'DEC-000002#2', 'DEC-000003#1', 'DEC-000004#1', 'DEC-000005#1']);
    assert.deepEqual((await repo.list({ from: at(1), to: at(2) })).map(key), ['DEC-000002#1', 'DEC-000002#2', 'DEC-000003#1']);
    assert.deepEqual((await repo.list({ limit: 2, after: { inspectedAt: at(1), declarationId: 'DEC-000002', revision: 1 } })).map(key), ['DEC-000002#2', 'DEC-000003#1']);
  });
});
