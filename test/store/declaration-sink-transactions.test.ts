import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { declarationsRepo, type DeclarationRecord, type StoreAdapter } from '../../src/store/index.ts';
import { forEachStore, makeRecord, makeRecords, recordWithItems } from '../support/stores.ts';

/** When what a sink writes becomes durable: per write, or all at commit. Each test has a store of its own. */
const stats = (store: StoreAdapter) => declarationsRepo(store.db).stats();
const count = async (store: StoreAdapter) => (await stats(store)).declarations;
const get = (store: StoreAdapter, r: DeclarationRecord) => declarationsRepo(store.db).get(r.declaration.id);
/**
 * Two items with one sequence: refused by the goods_items primary key. The domain schema refuses it
 * too, so the record is made valid and then broken, as a store failure would meet it.
 */
const badRecord = (i: number) => {
  const r = recordWithItems(i, [{ sequence: 1 }, { sequence: 2 }]);
  (r.declaration.items[1] as { sequence: number }).sequence = 1;
  return r;
};

forEachStore('declaration sink transactions', (h) => {
  describe('atomic sink', () => {
    it('write then rollback stores nothing, and what was rolled back is new again', async () => {
      const store = await h.open();
      const sink = await store.openDeclarationSink({ atomic: true });
      assert.deepEqual(await sink.write(makeRecords(3)), ['inserted', 'inserted', 'inserted']);
      assert.deepEqual(await sink.write(makeRecords(2, 3)), ['inserted', 'inserted']);
      await sink.rollback();
      assert.deepEqual(await stats(store), { declarations: 0, goodsItems: 0, labelled: 0, illicit: 0, critical: 0, firstFiledAt: null, lastFiledAt: null });
      assert.equal(await get(store, makeRecord(0)), undefined);

      const next = await store.openDeclarationSink({ atomic: true });
      assert.deepEqual(await next.write(makeRecords(1)), ['inserted']);
      await next.commit();
      assert.equal(await count(store), 1);
    });

    it('write then commit stores every batch; later batches see the earlier ones', async () => {
      const store = await h.open();
      const sink = await store.openDeclarationSink({ atomic: true });
      assert.deepEqual(await sink.write(makeRecords(3)), ['inserted', 'inserted', 'inserted']);
      assert.deepEqual(await sink.write([makeRecord(0), makeRecord(1, { declaration: { importer: 'X' } }), ...makeRecords(3, 3)]), [
        'duplicate',
        'conflict',
        'inserted',
        'inserted',
        'inserted',
      ]);
      await sink.commit();
      const list = await declarationsRepo(store.db).list();
      assert.deepEqual(list.map((d) => d.declaration), makeRecords(6).map((r) => r.declaration));
      // Commit and rollback after the end are harmless.
      await sink.commit();
      await sink.rollback();
      assert.equal(await count(store), 6);
    });

    it('writes started before the previous one resolved are applied in the order they were started', async () => {
      const store = await h.open();
      const a = makeRecord(1);
      const sink = await store.openDeclarationSink({ atomic: true });
      const statuses = await Promise.all([
        sink.write([a, makeRecord(2)]),
        sink.write([makeRecord(1, { declaration: { importer: 'X' } }), makeRecord(3)]),
        sink.write([makeRecord(3), a]),
      ]);
      await sink.commit();
      assert.deepEqual(statuses, [
        ['inserted', 'inserted'],
        ['conflict', 'inserted'],
        ['duplicate', 'duplicate'],
      ]);
      assert.equal(await count(store), 3);
    });

    it('is invisible to other connections until committed', { skip: h.reopen === undefined && 'no second connection to :memory:' }, async () => {
      const store = await h.open();
      const other = await h.reopen!(store);
      const sink = await store.openDeclarationSink({ atomic: true });
      await sink.write(makeRecords(2));
      assert.equal(await count(other), 0);
      await sink.commit();
      assert.equal(await count(other), 2);
    });

    it('a write that fails, then rollback, stores nothing', async () => {
      const store = await h.open();
      const sink = await store.openDeclarationSink({ atomic: true });
      await sink.write(makeRecords(2));
      await assert.rejects(sink.write([makeRecord(5), badRecord(6)]));
      await sink.rollback();
      const s = await stats(store);
      assert.equal(s.declarations, 0);
      assert.equal(s.goodsItems, 0);
    });

    it(
      'a write that fails is not half-kept by a later commit (commit keeps the earlier batches or rejects)',
      // Each batch is a savepoint inside the open transaction, so a failed batch leaves nothing behind.
      async () => {
        const store = await h.open();
        const sink = await store.openDeclarationSink({ atomic: true });
        await sink.write(makeRecords(2));
        await assert.rejects(sink.write([makeRecord(5), badRecord(6)]));
        await sink.commit().catch(() => {});
        assert.equal(await get(store, makeRecord(5)), undefined);
        assert.equal(await get(store, makeRecord(6)), undefined);
        const kept = await declarationsRepo(store.db).list();
        assert.ok(kept.length === 0 || kept.length === 2, `kept ${kept.map((d) => d.declaration.id).join(', ')}`);
      },
    );
  });

  describe('non-atomic sink', () => {
    it('each write is stored when it returns, before commit, and rollback does not undo it', async () => {
      const store = await h.open();
      const reader = h.reopen ? await h.reopen(store) : store;
      const sink = await store.openDeclarationSink({ atomic: false });
      await sink.write(makeRecords(2));
      assert.equal(await count(reader), 2);
      assert.ok(await get(reader, makeRecord(1)));
      await sink.write(makeRecords(1, 2));
      assert.equal(await count(reader), 3);
      await sink.rollback();
      assert.equal(await count(reader), 3);
      assert.equal(await count(store), 3);
    });

    it('a batch that fails rejects and is not half-written; the sink goes on', async () => {
      const store = await h.open();
      const sink = await store.openDeclarationSink({ atomic: false });
      await assert.rejects(sink.write([makeRecord(1), badRecord(2), makeRecord(3)]));
      const s = await stats(store);
      assert.equal(s.declarations, 0);
      assert.equal(s.goodsItems, 0);
      assert.deepEqual(await sink.write([makeRecord(1)]), ['inserted']);
      await sink.commit();
      assert.equal(await count(store), 1);
    });

    // The SQLite writer thread commits the writes that wait for it together: a failing one among
    // them must still be refused alone.
    it('of writes started together, only the failing one is refused and the others are stored', async () => {
      const store = await h.open();
      const sink = await store.openDeclarationSink({ atomic: false });
      const writes = [sink.write([makeRecord(1)]), sink.write([makeRecord(2), badRecord(3)]), sink.write([makeRecord(4)]), sink.write([makeRecord(5)])];
      const settled = await Promise.allSettled(writes);
      assert.deepEqual(
        settled.map((s) => s.status),
        ['fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
      );
      await sink.commit();
      const s = await stats(store);
      assert.equal(s.declarations, 3);
      for (const i of [1, 4, 5]) assert.ok(await get(store, makeRecord(i)), `declaration ${i} should be stored`);
      for (const i of [2, 3]) assert.equal(await get(store, makeRecord(i)), undefined);
    });
  });
});
