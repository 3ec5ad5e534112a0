import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { it } from 'node:test';
import { declarationsRepo, type DeclarationFilter, type StoreAdapter, type WriteStatus } from '../../src/store/index.ts';
import { forEachStore, makeRecord, makeRecords } from '../support/stores.ts';

const N = 5_000;
const BATCH = 1_000;
const RECORDS = makeRecords(N).map((r, i) => (i % 7 === 0 ? { ...r, labels: { illicit: i % 14 === 0, critical: i % 28 === 0 } } : r));
const ITEMS = RECORDS.reduce((n, r) => n + r.declaration.items.length, 0);
/** One digest of every declaration's id and content in (filedAt, id) order: the same on every database. */
const contentHash = (d: unknown) => createHash('sha256').update(JSON.stringify(d)).digest('hex');
const digestOf = (rows: readonly { id: string; hash: string }[]) => createHash('sha256').update(rows.map((r) => `${r.id}:${r.hash}\n`).join('')).digest('hex');
const EXPECTED_DIGEST = digestOf(RECORDS.map((r) => ({ id: r.declaration.id, hash: contentHash(r.declaration) })));

const tally = (statuses: readonly WriteStatus[]) => {
  const t: Record<WriteStatus, number> = { inserted: 0, duplicate: 0, conflict: 0 };
  for (const s of statuses) t[s] += 1;
  return t;
};

async function writeAll(store: StoreAdapter, atomic: boolean) {
  const sink = await store.openDeclarationSink({ atomic });
  const statuses: WriteStatus[] = [];
  for (let k = 0; k < N; k += BATCH) statuses.push(...(await sink.write(RECORDS.slice(k, k + BATCH))));
  await sink.commit();
  return statuses;
}

async function readAll(store: StoreAdapter) {
  const repo = declarationsRepo(store.db);
  const rows: { id: string; hash: string }[] = [];
  let after: DeclarationFilter['after'];
  for (;;) {
    const page = await repo.list({ limit: BATCH, ...(after ? { after } : {}) });
    if (page.length === 0) return rows;
    for (const d of page) rows.push({ id: d.declaration.id, hash: contentHash(d.declaration) });
    const last = page[page.length - 1]!.declaration;
    after = { filedAt: last.filedAt, id: last.id };
  }
}

async function assertAllStored(store: StoreAdapter) {
  const stats = await declarationsRepo(store.db).stats();
  assert.deepEqual(stats, {
    declarations: N,
    goodsItems: ITEMS,
    labelled: RECORDS.filter((r) => r.labels.illicit !== undefined).length,
    illicit: RECORDS.filter((r) => r.labels.illicit === true).length,
    critical: RECORDS.filter((r) => r.labels.critical === true).length,
    firstFiledAt: RECORDS[0]!.declaration.filedAt,
    lastFiledAt: RECORDS[N - 1]!.declaration.filedAt,
  });
  const rows = await readAll(store);
  assert.equal(rows.length, N);
  assert.equal(digestOf(rows), EXPECTED_DIGEST);
}

forEachStore(`bulk write of ${N} declarations in batches of ${BATCH}`, (h) => {
  // Written once per database through a non-atomic sink; the first test checks it, the last one adds to it.
  let loaded: Promise<{ store: StoreAdapter; statuses: WriteStatus[] }> | undefined;
  const large = () => (loaded ??= h.shared().then(async (store) => ({ store, statuses: await writeAll(store, false) })));

  it('a non-atomic sink inserts them all, and every database agrees on counts and content', async () => {
    const { store, statuses } = await large();
    assert.deepEqual(tally(statuses), { inserted: N, duplicate: 0, conflict: 0 });
    await assertAllStored(store);
  });

  it('an atomic sink inserts them all at commit', async () => {
    const store = await h.open();
    assert.deepEqual(tally(await writeAll(store, true)), { inserted: N, duplicate: 0, conflict: 0 });
    await assertAllStored(store);
  });

  it('a second pass over the large store reports duplicates, conflicts and new records in order', async () => {
    const { store } = await large();
    // 400 re-filed unchanged, 300 changed, 300 new — interleaved, plus one id twice.
    const batch = [];
    for (let k = 0; k < BATCH; k += 1) {
      const i = (k * 13) % N;
      if (k % 10 < 4) batch.push(RECORDS[i]!);
      else if (k % 10 < 7) batch.push(makeRecord(i, { declaration: { importer: 'IMP-CHANGED' } }));
      else batch.push(makeRecord(N + k));
    }
    batch.push(makeRecord(N + 7));
    const sink = await store.openDeclarationSink({ atomic: false });
    const statuses = await sink.write(batch);
    await sink.commit();
    assert.deepEqual(tally(statuses), { inserted: 300, duplicate: 401, conflict: 300 });
    statuses.forEach((s, k) => {
      if (k === BATCH) assert.equal(s, 'duplicate');
      else assert.equal(s, k % 10 < 4 ? 'duplicate' : k % 10 < 7 ? 'conflict' : 'inserted', `record ${k}`);
    });
    const stats = await declarationsRepo(store.db).stats();
    assert.equal(stats.declarations, N + 300);
    assert.equal(stats.goodsItems, ITEMS + batch.slice(0, BATCH).filter((_, k) => k % 10 >= 7).reduce((n, r) => n + r.declaration.items.length, 0));
    assert.deepEqual(await declarationsRepo(store.db).list({ importer: 'IMP-CHANGED' }), []);
  });
});
