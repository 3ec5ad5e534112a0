import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { GoodsItem } from '../../src/domain/declaration.ts';
import { declarationsRepo, type DeclarationRecord, type DeclarationSink, type StoreAdapter } from '../../src/store/index.ts';
import { forEachStore, makeRecord, makeRecords, recordWithItems, type RecordOptions } from '../support/stores.ts';

/**
 * What a sink reports for each record. The tests share one store and one (non-atomic) sink per
 * database, the way an intake run writes batch after batch; each test keeps to ids of its own prefix.
 */
forEachStore('declaration sink statuses', (h) => {
  let opened: Promise<{ store: StoreAdapter; sink: DeclarationSink }> | undefined;
  const shared = () =>
    (opened ??= h.shared().then(async (store) => ({ store, sink: await store.openDeclarationSink({ atomic: false }) })));

  /** The records of one test: ids `${prefix}-nnnnnn`. */
  const ids = (prefix: string) => ({
    rec: (i: number, o: Omit<RecordOptions, 'prefix'> = {}) => makeRecord(i, { ...o, prefix }),
    recs: (n: number, start = 0) => makeRecords(n, start, { prefix }),
    withItems: (i: number, items: readonly Partial<GoodsItem>[]) => recordWithItems(i, items, { prefix }),
  });
  const get = async (r: DeclarationRecord) => declarationsRepo((await shared()).store.db).get(r.declaration.id);
  /** Which of the records' ids are stored, and how many goods items they hold. */
  const stored = async (records: readonly DeclarationRecord[]) => {
    const found = [];
    let items = 0;
    for (const id of new Set(records.map((r) => r.declaration.id))) {
      const d = await declarationsRepo((await shared()).store.db).get(id);
      if (d) {
        found.push(id);
        items += d.declaration.items.length;
      }
    }
    return { ids: found, items };
  };
  const itemsOf = (records: readonly DeclarationRecord[]) => records.reduce((n, r) => n + r.declaration.items.length, 0);

  it('a new batch is inserted, record by record, in batch order', async () => {
    const { sink } = await shared();
    const batch = ids('NEW').recs(4);
    assert.deepEqual(await sink.write(batch), ['inserted', 'inserted', 'inserted', 'inserted']);
    assert.deepEqual(await stored(batch), { ids: batch.map((r) => r.declaration.id), items: itemsOf(batch) });
  });

  it('an empty batch writes nothing', async () => {
    const { store, sink } = await shared();
    const before = await declarationsRepo(store.db).stats();
    assert.deepEqual(await sink.write([]), []);
    assert.deepEqual(await declarationsRepo(store.db).stats(), before);
  });

  it('the same records written again are duplicates and change nothing', async () => {
    const { sink } = await shared();
    const batch = ids('DUP').recs(3);
    await sink.write(batch);
    const before = await Promise.all(batch.map(get));
    // Same content, other provenance: still the same declaration.
    const again = batch.map((r) => ({ ...r, source: 'other.csv#9', ingestedAt: '2025-01-01T00:00:00.000Z' }));
    assert.deepEqual(await sink.write(batch), ['duplicate', 'duplicate', 'duplicate']);
    assert.deepEqual(await sink.write(again), ['duplicate', 'duplicate', 'duplicate']);
    assert.deepEqual(await Promise.all(batch.map(get)), before);
    assert.equal((await stored(batch)).items, itemsOf(batch));
  });

  // PostgreSQL tries new-looking batches the direct way and falls back when a key is taken.
  it('after a batch of re-filings, the next new batch is inserted with its goods items', async () => {
    const { sink } = await shared();
    const first = ids('AGAIN').recs(2);
    const next = ids('AGAIN').recs(3, 2);
    assert.deepEqual(await sink.write(first), ['inserted', 'inserted']);
    assert.deepEqual(await sink.write(first), ['duplicate', 'duplicate']);
    assert.deepEqual(await sink.write([...first.slice(0, 1), ...next.slice(0, 1)]), ['duplicate', 'inserted']);
    assert.deepEqual(await sink.write(next.slice(1)), ['inserted', 'inserted']);
    assert.deepEqual(await stored([...first, ...next]), { ids: [...first, ...next].map((r) => r.declaration.id), items: itemsOf([...first, ...next]) });
  });

  it('a stored id with different content is a conflict, and the stored declaration is unchanged', async () => {
    const { sink } = await shared();
    const t = ids('CONFLICT');
    const original = t.rec(7, { labels: { illicit: false } });
    await sink.write([original]);
    const before = await get(original);

    const changedImporter = t.rec(7, { declaration: { importer: 'IMP-OTHER' }, labels: { illicit: true } });
    const changedItem = t.withItems(7, [{ ...original.declaration.items[0], customsValue: 1 }]);
    const extraItem = t.withItems(7, [...original.declaration.items, { sequence: original.declaration.items.length + 1 }]);
    assert.deepEqual(await sink.write([changedImporter, changedItem, extraItem]), ['conflict', 'conflict', 'conflict']);

    const after = await get(original);
    assert.deepEqual(after, before);
    assert.deepEqual(after?.declaration, original.declaration);
    assert.deepEqual(after?.labels, { illicit: false });
  });

  it('labels are content: a re-filing with other labels is a conflict that keeps the stored labels', async () => {
    const { sink } = await shared();
    const t = ids('LABELS');
    await sink.write([t.rec(1, { labels: { illicit: true } })]);
    assert.deepEqual(await sink.write([t.rec(1, { labels: { illicit: true } })]), ['duplicate']);
    assert.deepEqual(await sink.write([t.rec(1, { labels: { illicit: false } })]), ['conflict']);
    assert.deepEqual((await get(t.rec(1)))?.labels, { illicit: true });
  });

  it('within one batch the first of two equal ids is inserted and the second is a duplicate or a conflict', async () => {
    const { sink } = await shared();
    const t = ids('TWICE');
    const [a, b, c] = [t.rec(1), t.rec(2), t.rec(3)];
    const bChanged = t.rec(2, { declaration: { customsOffice: 'ELSEWHERE' } });
    assert.deepEqual(await sink.write([a, b, a, c, bChanged, a]), ['inserted', 'inserted', 'duplicate', 'inserted', 'conflict', 'duplicate']);
    assert.deepEqual(await stored([a, b, c]), { ids: [a, b, c].map((r) => r.declaration.id), items: itemsOf([a, b, c]) });
    assert.deepEqual((await get(b))?.declaration, b.declaration);
  });

  it('a batch mixing new, duplicate and conflicting records reports each in order', async () => {
    const { sink } = await shared();
    const t = ids('MIXED');
    await sink.write(t.recs(2));
    const statuses = await sink.write([t.rec(5), t.rec(0), t.rec(1, { declaration: { importer: 'X' } }), t.rec(6)]);
    assert.deepEqual(statuses, ['inserted', 'duplicate', 'conflict', 'inserted']);
    assert.equal((await stored([0, 1, 5, 6].map((i) => t.rec(i)))).ids.length, 4);
  });

  it(
    'writes started before the previous one resolved are applied in the order they were started',
    // PostgreSQL's non-atomic sink runs each write in its own transaction on its own pooled connection,
    // so writes started together race: the third can insert T-3 before the second does.
    async () => {
      const { sink } = await shared();
      const t = ids('PIPELINED');
      const a = t.rec(1);
      const statuses = await Promise.all([
        sink.write([a, t.rec(2)]),
        sink.write([t.rec(1, { declaration: { importer: 'X' } }), t.rec(3)]),
        sink.write([t.rec(3), a]),
      ]);
      assert.deepEqual(statuses, [
        ['inserted', 'inserted'],
        ['conflict', 'inserted'],
        ['duplicate', 'duplicate'],
      ]);
      assert.deepEqual((await get(a))?.declaration, a.declaration);
    },
  );

  it('a multi-item declaration keeps every item with its sequence', async () => {
    const { sink } = await shared();
    const t = ids('ITEMS');
    const r = t.withItems(1, [
      { sequence: 1, hsCode: '847130', customsValue: 10 },
      { sequence: 2, hsCode: '851712', customsValue: 20 },
      { sequence: 3, hsCode: '610910', customsValue: 30 },
      { sequence: 4, hsCode: '940360', customsValue: 40 },
    ]);
    const other = t.rec(2);
    await sink.write([r, other]);
    const got = await get(r);
    assert.deepEqual(got?.declaration.items.map((it) => [it.sequence, it.hsCode, it.customsValue]), [
      [1, '847130', 10],
      [2, '851712', 20],
      [3, '610910', 30],
      [4, '940360', 40],
    ]);
    assert.deepEqual(got?.declaration.items, r.declaration.items);
    assert.deepEqual(await stored([r, other]), { ids: [r, other].map((x) => x.declaration.id), items: 4 + other.declaration.items.length });
  });
});
