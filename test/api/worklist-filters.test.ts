import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decisionsRepo } from '../../src/store/index.ts';
import { makeRecord } from '../support/stores.ts';
import { decision, storeRecords } from '../support/targeting-fixtures.ts';
import { STORE_LABEL, startApi, type TestApi } from './support.ts';

/** GET /worklist filtered by HS chapter, origin country and filing dates, on the store the tests run against (SQLite, or PostgreSQL with DATABASE_URL). */
describe(`the worklist's filters over the API (${STORE_LABEL})`, () => {
  let api: TestApi;
  const ids = ['WF-000000', 'WF-000001', 'WF-000002'];
  before(async () => {
    api = await startApi();
    const item = (sequence: number, hsCode: string, originCountry: string) => ({ sequence, hsCode, originCountry, quantity: 1, quantityUnit: 'NAR', customsValue: 100, currency: 'USD' });
    await storeRecords(api.app.store, [
      makeRecord(0, { prefix: 'WF', declaration: { filedAt: '2025-05-01T08:00:00.000Z', items: [item(1, '850440', 'CN')] } }),
      makeRecord(1, { prefix: 'WF', declaration: { filedAt: '2025-05-02T08:00:00.000Z', items: [item(1, '090111', 'VN'), item(2, '851712', 'CN')] } }),
      makeRecord(2, { prefix: 'WF', declaration: { filedAt: '2025-05-03T08:00:00.000Z', items: [item(1, '847130', 'TR')] } }),
    ]);
    await decisionsRepo(api.app.store.db).insert([
      decision(ids[0]!, 1, { score: 0.6, lane: 'yellow' }),
      decision(ids[1]!, 1, { score: 0.9, lane: 'red' }),
      decision(ids[2]!, 1, { score: 0.8, lane: 'red' }),
    ]);
  });
  after(() => api.close());

  const listed = async (q: string) => {
    const r = await api.call('GET', `/api/v1/worklist?${q}`, { as: 'analyst' });
    assert.equal(r.status, 200, `${q}: ${JSON.stringify(r.body)}`);
    return r.body.items.map((i: { decision: { declarationId: string } }) => i.decision.declarationId);
  };

  test('each filter alone and together; pages kept for one filter are not served for another', async () => {
    assert.deepEqual(await listed('limit=100'), [ids[1], ids[2], ids[0]]);
    // Asked one after the other within the cache's second: the kept page of one is not the other's.
    assert.deepEqual(await listed('hsChapter=85&limit=100'), [ids[1], ids[0]]);
    assert.deepEqual(await listed('hsChapter=84&limit=100'), [ids[2]]);
    assert.deepEqual(await listed('origin=CN&limit=100'), [ids[1], ids[0]]);
    assert.deepEqual(await listed('origin=VN&limit=100'), [ids[1]]);
    assert.deepEqual(await listed('from=2025-05-02&limit=100'), [ids[1], ids[2]]);
    assert.deepEqual(await listed('to=2025-05-02&limit=100'), [ids[0]]);
    assert.deepEqual(await listed('from=2025-05-02&to=2025-05-03&limit=100'), [ids[1]]);
    assert.deepEqual(await listed('hsChapter=85&origin=CN&from=2025-05-01T00:00:00Z&to=2025-05-02T00:00:00Z&limit=100'), [ids[0]]);
    assert.deepEqual(await listed('hsChapter=85&lane=red&limit=100'), [ids[1]]);
  });

  test('refuses a malformed filter, naming it', async () => {
    for (const [q, field] of [['hsChapter=8', 'hsChapter'], ['hsChapter=8504', 'hsChapter'], ['hsChapter=ab', 'hsChapter'], ['origin=cn', 'origin'], ['origin=CHN', 'origin'], ['from=yesterday', 'from'], ['to=2025-13', 'to']] as const) {
      const r = await api.call('GET', `/api/v1/worklist?${q}`, { as: 'analyst' });
      assert.equal(r.status, 400, q);
      assert.ok(JSON.stringify(r.body.error.details).includes(field), `${q}: ${JSON.stringify(r.body)}`);
    }
    assert.equal((await api.call('GET', '/api/v1/worklist?country=CN', { as: 'analyst' })).status, 400);
    // Still only for those who may read the worklist.
    assert.equal((await api.call('GET', '/api/v1/worklist?hsChapter=85', { as: 'trader' })).status, 403);
  });
});
