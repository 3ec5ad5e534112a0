/**
 * The sensitive columns are sealed at rest on every database: party names, goods descriptions,
 * inspection notes and alert acknowledgements are ciphertext in the tables, plaintext through the
 * repositories, bound to their row, and re-sealed under a new key by rotation.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { sql } from 'kysely';
import { codecOf } from '../../src/app/security/data-keys.ts';
import { PortcullisError } from '../../src/domain/errors.ts';
import { fieldCipher, keyRing, type DataKey } from '../../src/security/field-cipher.ts';
import { alertsRepo, declarationsRepo, inspectionsRepo, partiesRepo, PLAIN_CODEC, sealedColumnsRepo, SEALED_COLUMNS, type StoreAdapter } from '../../src/store/index.ts';
import { declarationInput, forEachStore, makeRecord } from '../support/stores.ts';

const K1: DataKey = { kid: 'k1', key: randomBytes(32) };
const K2: DataKey = { kid: 'k2', key: randomBytes(32) };
const codec = (...keys: DataKey[]) => codecOf(fieldCipher(keyRing(keys)));
const NOW = '2026-01-01T00:00:00.000Z';

const secret = (i: number) => ({ party: `Zanzibar Widget Traders ${i}`, description: `Undeclared tungsten bars ${i}`, notes: `False bottom found behind pallet ${i}`, reason: `Checked with the harbour master ${i}` });

async function fill(store: StoreAdapter, n: number): Promise<void> {
  await partiesRepo(store.db).upsert(Array.from({ length: n }, (_, i) => ({ id: `P-${i}`, name: secret(i).party, roles: ['importer' as const], country: 'NL', aeo: false })), NOW);
  const sink = await store.openDeclarationSink({ atomic: false });
  try {
    const records = Array.from({ length: n }, (_, i) =>
      makeRecord(i, { prefix: 'ENC', declaration: { items: declarationInput(i).items.map((it) => ({ ...it, description: `${secret(i).description} #${it.sequence}` })) } }),
    );
    assert.deepEqual(await sink.write(records), records.map(() => 'inserted'));
    // The same declarations again are duplicates (the stored descriptions are opened to compare), a changed description a conflict.
    const again = [records[0]!, { ...records[1]!, declaration: { ...records[1]!.declaration, items: [{ ...records[1]!.declaration.items[0]!, description: 'other' }] } }];
    assert.deepEqual(await sink.write(again), ['duplicate', 'conflict']);
  } finally {
    await sink.commit();
  }
  for (let i = 0; i < n; i++) {
    await inspectionsRepo(store.db).record({ declarationId: `ENC-${String(i).padStart(6, '0')}`, officer: 'o1', finding: 'seizure', revenueRecovered: 0, notes: secret(i).notes, inspectedAt: NOW }, NOW);
    await alertsRepo(store.db).raise({ id: `A-${i}`, kind: 'discrepancy', subject: `declaration:ENC-${i}`, severity: 'warning', message: 'm', detail: {}, raisedAt: NOW, status: 'open' });
    await alertsRepo(store.db).acknowledge(`A-${i}`, 'o1', NOW, secret(i).reason);
  }
}

async function rawValues(store: StoreAdapter): Promise<string[]> {
  const out: string[] = [];
  for (const c of SEALED_COLUMNS) {
    if (c.table === 'ledger_payloads') continue;
    const r = await sql<{ v: string }>`SELECT ${sql.ref(c.column)} AS v FROM ${sql.table(c.table)} WHERE ${sql.ref(c.column)} IS NOT NULL`.execute(store.db);
    out.push(...r.rows.map((x) => x.v));
  }
  return out;
}

forEachStore('encrypted columns', (h) => {
  test('stored as ciphertext, read back as plaintext', async () => {
    const store = await h.open(codec(K1));
    await fill(store, 4);
    const raw = await rawValues(store);
    assert.equal(raw.length, 4 + (1 + 2 + 3 + 1) + 4 + 4);
    for (const v of raw) {
      assert.match(v, /^enc:v1:k1:[A-Za-z0-9_-]+$/);
      for (let i = 0; i < 4; i++) for (const s of Object.values(secret(i))) assert.ok(!v.includes(s.slice(0, 12)));
    }
    assert.equal((await partiesRepo(store.db).get('P-2'))?.name, secret(2).party);
    const d = await declarationsRepo(store.db).get('ENC-000002');
    assert.deepEqual(d?.declaration.items.map((it) => it.description), [1, 2, 3].map((s) => `${secret(2).description} #${s}`));
    assert.equal((await inspectionsRepo(store.db).latest('ENC-000003'))?.notes, secret(3).notes);
    assert.equal((await alertsRepo(store.db).get('A-1'))?.acknowledgeReason, secret(1).reason);
  });

  test('a value copied to another row does not open, and the error names the row', async () => {
    const store = await h.open(codec(K1));
    await fill(store, 2);
    await sql`UPDATE parties SET name = (SELECT name FROM parties WHERE id = 'P-0') WHERE id = 'P-1'`.execute(store.db);
    await assert.rejects(partiesRepo(store.db).get('P-1'), (e: unknown) => e instanceof PortcullisError && /parties\.name of row P-1 failed authentication/.test(e.message));
    assert.equal((await partiesRepo(store.db).get('P-0'))?.name, secret(0).party);
  });

  test('rotation: interrupted after one batch, finished by a second run; the old key then removable', async () => {
    const store = await h.open(codec(K1));
    await fill(store, 6);
    const repo = sealedColumnsRepo(store.db);
    const next = codec(K2, K1);
    const goods = SEALED_COLUMNS.find((c) => c.table === 'goods_items')!;
    // One batch of 3 rows, then "crash".
    const first = await repo.resealBatch(goods, next, null, 3);
    assert.equal(first.resealed, 3);
    let counts = await repo.keyCounts(next);
    assert.deepEqual(counts.find((c) => c.table === 'goods_items')?.byKey, { k2: 3, k1: 9 });
    // A second run from the start: the rows under k2 already are left alone.
    let resealed = 0;
    for (const c of SEALED_COLUMNS) {
      for (let after = null as Awaited<ReturnType<typeof repo.resealBatch>>['last']; ; ) {
        const b = await repo.resealBatch(c, next, after, 4);
        if (b.last === null) break;
        resealed += b.resealed;
        after = b.last;
      }
    }
    assert.equal(resealed, 6 + 12 - 3 + 6 + 6);
    counts = await repo.keyCounts(next);
    for (const c of counts) assert.deepEqual(Object.keys(c.byKey).filter((k) => k !== 'k2'), [], `${c.table}.${c.column}: ${JSON.stringify(c.byKey)}`);
    // Every row opens with the new key alone.
    if (h.reopen === undefined) return;
    const only2 = await h.reopen(store, codec(K2));
    assert.equal((await partiesRepo(only2.db).get('P-5'))?.name, secret(5).party);
    assert.equal((await declarationsRepo(only2.db).get('ENC-000004'))?.declaration.items[1]?.description, `${secret(4).description} #2`);
    assert.equal((await inspectionsRepo(only2.db).latest('ENC-000001'))?.notes, secret(1).notes);
    assert.equal((await alertsRepo(only2.db).get('A-0'))?.acknowledgeReason, secret(0).reason);
  });

  test('a store opened without keys refuses to hand on ciphertext, naming the row', async () => {
    const store = await h.open(codec(K1));
    await fill(store, 2);
    const sealed = (await rawValues(store))[0]!;
    assert.throws(() => PLAIN_CODEC.open('parties', 'name', 'P-0', sealed), (e: unknown) => e instanceof PortcullisError && /parties\.name of row P-0 is encrypted/.test(e.message));
  });
});
