import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { declarationOf, startApi, type TestApi } from './support.ts';

const DB = process.env.DATABASE_URL ? 'postgres' : 'sqlite';

describe(`declarations paged by cursor over the API (${DB})`, () => {
  let api: TestApi;
  before(async () => {
    api = await startApi();
    const batch = Array.from({ length: 5 }, (_, i) => declarationOf('IMP-A', 900 + i, { filedAt: new Date(Date.UTC(2025, 0, 1 + i)).toISOString() }));
    assert.equal((await api.call('POST', '/api/v1/declarations/batch', { as: 'trader', body: { declarations: batch } })).status, 200);
  });
  after(async () => api.close());

  test('page after page, each declaration once, in filing order, until `next` is null', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await api.call('GET', `/api/v1/declarations?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`, { as: 'trader' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      seen.push(...(r.body.items as { declaration: { id: string } }[]).map((i) => i.declaration.id));
      cursor = r.body.next;
      pages++;
    } while (cursor !== null && pages < 10);
    assert.deepEqual(seen, ['IMP-A-00900', 'IMP-A-00901', 'IMP-A-00902', 'IMP-A-00903', 'IMP-A-00904']);
  });
});
