import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Decision } from '../../src/domain/decision.ts';
import type { Labels } from '../../src/domain/declaration.ts';
import { decisionsRepo, historyRepo, inspectionsRepo, type DeclarationRecord, type HistoryQuery, type HistoryRow, type StoreAdapter, type StoredInspection } from '../../src/store/index.ts';
import { forEachStore, makeRecord } from '../support/stores.ts';
import { at, decision, inspection, storeRecords } from '../support/targeting-fixtures.ts';

const N = 23;
const T0 = Date.UTC(2024, 2, 1);
/** Three declarations share each filing time, so that paging has to break ties by id. */
const filedAt = (k: number) => new Date(T0 + Math.floor(k / 3) * 3_600_000).toISOString();
const labels = (k: number): Labels => (k % 4 === 0 ? { illicit: true, critical: k % 8 === 0, revenueRecovered: k * 10 } : k % 4 === 1 ? { illicit: false } : {});

/** Ids run against filing order (DEC-000022 is filed first), so that order is never an accident. */
const RECORDS: DeclarationRecord[] = Array.from({ length: N }, (_, k) => makeRecord(N - 1 - k, { declaration: { filedAt: filedAt(k) }, labels: labels(k) }));

/** Decisions on two declarations in three, a second revision on one in four; inspections on one in three, corrected on one in six. */
const DECISIONS: Decision[] = RECORDS.flatMap((r, k) => {
  const id = r.declaration.id;
  if (k % 3 === 2) return [];
  return k % 4 === 0 ? [decision(id, 1), decision(id, 2, { lane: 'green', selectionType: 'none', propensity: 0.1 })] : [decision(id, 1, { office: r.declaration.customsOffice })];
});
const INSPECTIONS = RECORDS.flatMap((r, k) => {
  const id = r.declaration.id;
  if (k % 3 !== 0) return [];
  const first = { result: inspection(id, 'irregularity', { revenueRecovered: k }), recordedAt: at(100 + k) };
  return k % 6 === 0 ? [first, { result: inspection(id, 'seizure', { notes: 'corrected' }), recordedAt: at(200 + k) }] : [first];
});

async function seed(store: StoreAdapter): Promise<void> {
  await storeRecords(store, [...RECORDS].reverse());
  await decisionsRepo(store.db).insert(DECISIONS);
  for (const x of INSPECTIONS) await inspectionsRepo(store.db).record(x.result, x.recordedAt);
}

function expected(q: Omit<HistoryQuery, 'pageSize'>): HistoryRow[] {
  return RECORDS.map((r, k) => ({ r, k }))
    .filter(({ r }) => r.declaration.filedAt >= q.from && r.declaration.filedAt < q.to && (q.office === undefined || r.declaration.customsOffice === q.office))
    .sort((a, b) => (a.r.declaration.filedAt !== b.r.declaration.filedAt ? (a.r.declaration.filedAt < b.r.declaration.filedAt ? -1 : 1) : a.r.declaration.id < b.r.declaration.id ? -1 : 1))
    .map(({ r, k }) => {
      const id = r.declaration.id;
      const decisions = DECISIONS.filter((d) => d.declarationId === id);
      const inspections = INSPECTIONS.filter((x) => x.result.declarationId === id);
      const last = inspections[inspections.length - 1];
      const latest: StoredInspection | undefined = last && { ...last.result, revision: inspections.length, recordedAt: last.recordedAt };
      return { declaration: r.declaration, labels: labels(k), inspection: latest, decision: decisions[decisions.length - 1] };
    });
}

async function pages(store: StoreAdapter, q: HistoryQuery): Promise<HistoryRow[][]> {
  const out: HistoryRow[][] = [];
  for await (const p of historyRepo(store.db).history(q)) out.push(p);
  return out;
}

const ALL = { from: '2024-01-01T00:00:00.000Z', to: '2025-01-01T00:00:00.000Z' };

forEachStore('history repo', (h) => {
  it('pages return every declaration once, in filing order, with its items, labels, latest decision and inspection', async () => {
    const store = await h.open();
    await seed(store);
    const got = await pages(store, { ...ALL, pageSize: 5 });
    assert.deepEqual(got.map((p) => p.length), [5, 5, 5, 5, 3]);
    const want = expected(ALL);
    assert.deepEqual(got.flat(), want);
    assert.equal(new Set(got.flat().map((r) => r.declaration.id)).size, N);
    assert.ok(want.some((r) => r.decision?.revision === 2) && want.some((r) => r.inspection?.revision === 2) && want.some((r) => r.decision === undefined && r.inspection === undefined));
  });

  it('a period and an office narrow the history; a page size that divides it leaves no empty page', async () => {
    const store = await h.open();
    await seed(store);
    const period = { from: filedAt(3), to: filedAt(18) };
    const got = await pages(store, { ...period, pageSize: 5 });
    assert.deepEqual(got.map((p) => p.length), [5, 5, 5]);
    assert.deepEqual(got.flat(), expected(period));
    for (const office of ['NLRTM01', 'KRPUS02']) assert.deepEqual((await pages(store, { ...ALL, office, pageSize: 2 })).flat(), expected({ ...ALL, office }), office);
    assert.deepEqual(await pages(store, { from: '2030-01-01T00:00:00.000Z', to: '2031-01-01T00:00:00.000Z' }), []);
  });

  it('a caller may stop after any page', async () => {
    const store = await h.open();
    await seed(store);
    let seen = 0;
    for await (const page of historyRepo(store.db).history({ ...ALL, pageSize: 4 })) {
      seen += page.length;
      break;
    }
    assert.equal(seen, 4);
  });
});
