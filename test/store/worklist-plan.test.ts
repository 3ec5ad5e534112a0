import assert from 'node:assert/strict';
import { it } from 'node:test';
import { CompiledQuery, sql } from 'kysely';
import { worklistRepo, type StoreAdapter, type WorklistFilter } from '../../src/store/index.ts';
import { forEachStore } from '../support/stores.ts';

/** The plan's text, with sequential scans and sorts made costly on PostgreSQL, whose tables here are too small to prefer an index otherwise. */
async function planOf(store: StoreAdapter, f: WorklistFilter): Promise<string> {
  const q = worklistRepo(store.db).listQuery(f).compile();
  if (store.dialect === 'sqlite') {
    const rows = await store.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${q.sql}`, [...q.parameters]));
    return rows.rows.map((r) => r.detail).join('\n');
  }
  return store.db.transaction().execute(async (trx) => {
    await sql`SET LOCAL enable_seqscan = off`.execute(trx);
    await sql`SET LOCAL enable_sort = off`.execute(trx);
    const rows = await trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`EXPLAIN ${q.sql}`, [...q.parameters]));
    return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
  });
}

forEachStore('the worklist query plan', (h) => {
  it('reads red and yellow decisions in rank order through the partial indexes that leave green out, with no sort', async () => {
    const store = await h.open();
    for (const [f, index] of [
      [{}, 'decisions_open_rank'],
      [{ status: 'open' }, 'decisions_open_rank'],
      [{ office: 'NLRTM01' }, 'decisions_open_office_rank'],
      [{ office: 'NLRTM01', lanes: ['red'] }, 'decisions_open_office_rank'],
      // The goods and the filing are probed per decision by their keys; the rank order still comes from the index.
      [{ hsChapter: '85' }, 'decisions_open_rank'],
      [{ originCountry: 'CN', filedFrom: '2024-01-01', filedTo: '2024-02-01' }, 'decisions_open_rank'],
      [{ office: 'NLRTM01', hsChapter: '85', originCountry: 'CN', filedFrom: '2024-01-01' }, 'decisions_open_office_rank'],
    ] as const) {
      const plan = await planOf(store, f);
      assert.ok(plan.includes(index), `${JSON.stringify(f)}: ${plan}`);
      if (store.dialect === 'sqlite') assert.doesNotMatch(plan, /TEMP B-TREE FOR ORDER BY/, `${JSON.stringify(f)}: ${plan}`);
      // Goods items and filings are looked up by their keys, never scanned.
      if (store.dialect === 'sqlite') assert.doesNotMatch(plan, /SCAN (g|x)\b/, `${JSON.stringify(f)}: ${plan}`);
      else assert.doesNotMatch(plan, /Seq Scan on (goods_items|declarations)/, `${JSON.stringify(f)}: ${plan}`);
    }
  });

  it('still answers for green decisions, without those indexes', async () => {
    const store = await h.open();
    const plan = await planOf(store, { lanes: ['green', 'red'] });
    assert.ok(!plan.includes('decisions_open_rank'), plan);
    assert.deepEqual(await worklistRepo(store.db).list({ lanes: ['green'] }), []);
  });
});
