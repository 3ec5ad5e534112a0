import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Decision, SelectionType } from '../../src/domain/decision.ts';
import type { Labels } from '../../src/domain/declaration.ts';
import { isPortcullisError } from '../../src/domain/errors.ts';
import type { Lane } from '../../src/domain/rule.ts';
import { decisionsRepo, inspectionsRepo, type DecisionCounts, type PeriodRow, type StoreAdapter, type StoredInspection } from '../../src/store/index.ts';
import { forEachStore, makeRecord, makeRecords, OFFICES } from '../support/stores.ts';
import { at, decision, inspection, storeRecords } from '../support/targeting-fixtures.ts';

const LANES: Lane[] = ['green', 'yellow', 'red'];
const TYPES: SelectionType[] = ['none', 'risk-based', 'exploration', 'rule-mandated', 'random'];
const N = 30;
const id = (i: number) => `DEC-${String(i).padStart(6, '0')}`;

/**
 * The scenario: declaration i has 1 + i % 3 decisions (none for i % 7 === 6), four declarations
 * share each decision time so that paging must break ties by id, and later revisions come 25
 * minutes later. Every other declaration was inspected, every fourth one with a correction.
 */
function scenario() {
  const labels = (i: number): Labels => (i % 5 === 0 ? { illicit: true, revenueRecovered: i * 10 } : i % 5 === 1 ? { illicit: false, critical: false } : {});
  const records = Array.from({ length: N }, (_, i) => makeRecord(i, { labels: labels(i) }));
  const decisions: Decision[] = [];
  for (let i = 0; i < N; i++) {
    if (i % 7 === 6) continue;
    for (let r = 1; r <= 1 + (i % 3); r++) {
      decisions.push(decision(id(i), r, {
        decidedAt: at(Math.floor(i / 4) * 10 + (r - 1) * 25),
        office: OFFICES[i % 3]!,
        lane: LANES[(i + r) % 3]!,
        selectionType: TYPES[(i * 2 + r) % 5]!,
        propensity: r === 1 ? 1 : 0.25,
        probability: i % 4 === 3 ? null : i / 100,
        score: i % 4 === 3 ? null : i / 100 + 0.1,
        model: i % 4 === 3 ? null : 'sha256:m',
      }));
    }
  }
  const inspections: { result: ReturnType<typeof inspection>; recordedAt: string }[] = [];
  for (let i = 0; i < N; i += 2) {
    inspections.push({ result: inspection(id(i), 'irregularity', { inspectedAt: at(500 + i), revenueRecovered: i, currency: 'EUR' }), recordedAt: at(600 + i) });
    if (i % 4 === 0) inspections.push({ result: inspection(id(i), i % 8 === 0 ? 'seizure' : 'none', { inspectedAt: at(500 + i), notes: 'corrected' }), recordedAt: at(700 + i) });
  }
  return { records, labels, decisions, inspections };
}
const SCENARIO = scenario();

async function seed(store: StoreAdapter): Promise<void> {
  await storeRecords(store, SCENARIO.records);
  // Stored out of order, over several calls, so that order is never an accident.
  const shuffled = SCENARIO.decisions.map((_, k, all) => all[(k * 7) % all.length]!);
  for (let k = 0; k < shuffled.length; k += 10) await decisionsRepo(store.db).insert(shuffled.slice(k, k + 10));
  for (const x of SCENARIO.inspections) await inspectionsRepo(store.db).record(x.result, x.recordedAt);
}

const byTime = (a: Decision, b: Decision) => (a.decidedAt !== b.decidedAt ? (a.decidedAt < b.decidedAt ? -1 : 1) : a.declarationId < b.declarationId ? -1 : a.declarationId > b.declarationId ? 1 : a.revision - b.revision);

/** Each declaration's latest decision, by time. */
function latestDecisions(): Decision[] {
  const latest = new Map<string, Decision>();
  for (const d of SCENARIO.decisions) if ((latest.get(d.declarationId)?.revision ?? 0) < d.revision) latest.set(d.declarationId, d);
  return [...latest.values()].sort(byTime);
}

function latestInspection(declarationId: string): StoredInspection | undefined {
  const mine = SCENARIO.inspections.filter((x) => x.result.declarationId === declarationId);
  const last = mine[mine.length - 1];
  return last === undefined ? undefined : { ...last.result, revision: mine.length, recordedAt: last.recordedAt };
}

type Period = { from?: string; to?: string; office?: string };
const inPeriod = (d: Decision, p: Period) => (p.office === undefined || d.office === p.office) && (p.from === undefined || d.decidedAt >= p.from) && (p.to === undefined || d.decidedAt < p.to);

function expectedCounts(p: Period): DecisionCounts {
  const lanes = { green: 0, yellow: 0, red: 0 };
  const selectionTypes = { 'rule-mandated': 0, 'risk-based': 0, exploration: 0, random: 0, none: 0 };
  let total = 0;
  for (const d of latestDecisions().filter((x) => inPeriod(x, p))) {
    total += 1;
    lanes[d.lane] += 1;
    selectionTypes[d.selectionType] += 1;
  }
  return { total, lanes, selectionTypes };
}

function expectedPeriod(p: Period): PeriodRow[] {
  return latestDecisions()
    .filter((d) => inPeriod(d, p))
    .map((d) => ({ decision: d, inspection: latestInspection(d.declarationId), labels: SCENARIO.labels(Number(d.declarationId.slice(4))) }));
}

async function collect<T>(pages: AsyncGenerator<T[]>): Promise<T[][]> {
  const out: T[][] = [];
  for await (const p of pages) out.push(p);
  return out;
}

forEachStore('decisions repo', (h) => {
  it('insert then latest and history return the decisions as given', async () => {
    const store = await h.open();
    await storeRecords(store, makeRecords(2));
    const repo = decisionsRepo(store.db);
    const first = decision('DEC-000000', 1, { lane: 'green', selectionType: 'none', propensity: 0.05, probability: null, score: null, model: null, reasons: [], rules: [] });
    const second = decision('DEC-000000', 2, { decidedAt: at(90) });
    await repo.insert([second, first]);
    assert.deepEqual(await repo.latest('DEC-000000'), second);
    assert.deepEqual(await repo.history('DEC-000000'), [first, second]);
    assert.equal(await repo.latest('DEC-000001'), undefined);
    assert.deepEqual(await repo.history('DEC-000001'), []);
    await repo.insert([]);
  });

  it('a decision stored already is a CONFLICT, and then none of the batch is stored', async () => {
    const store = await h.open();
    await storeRecords(store, makeRecords(3));
    const repo = decisionsRepo(store.db);
    await repo.insert([decision('DEC-000000', 1)]);
    await assert.rejects(repo.insert([decision('DEC-000001', 1), decision('DEC-000000', 1, { lane: 'green' })]), (e) => isPortcullisError(e) && e.code === 'CONFLICT' && e.details[0]?.row === 1);
    await assert.rejects(repo.insert([decision('DEC-000002', 1), decision('DEC-000002', 1)]), (e) => isPortcullisError(e) && e.code === 'CONFLICT' && e.details[0]?.row === 1);
    assert.equal(await repo.latest('DEC-000001'), undefined);
    assert.equal(await repo.latest('DEC-000002'), undefined);
    assert.equal((await repo.latest('DEC-000000'))?.lane, 'red');
  });

  it('insert stores more than one statement of decisions; list pages through all of them in order', async () => {
    const store = await h.open();
    await storeRecords(store, makeRecords(401));
    const repo = decisionsRepo(store.db);
    const many: Decision[] = [];
    for (let i = 0; i < 401; i++) for (let r = 1; r <= 3; r++) many.push(decision(id(i), r, { decidedAt: at((i * 13) % 97 + r), office: OFFICES[i % 3]! }));
    await repo.insert(many);
    const seen: Decision[] = [];
    for (;;) {
      const last = seen[seen.length - 1];
      const page = await repo.list({ limit: 250, ...(last === undefined ? {} : { after: { decidedAt: last.decidedAt, declarationId: last.declarationId, revision: last.revision } }) });
      if (page.length === 0) break;
      seen.push(...page);
    }
    assert.deepEqual(seen, [...many].sort(byTime));
  });

  it('list filters by office, lane and time', async () => {
    const store = await h.open();
    await seed(store);
    const repo = decisionsRepo(store.db);
    const filters = [{ office: 'KRPUS02' }, { lane: 'red' as const }, { from: at(20), to: at(60) }, { office: 'NLRTM01', lane: 'green' as const, from: at(30) }];
    for (const f of filters) {
      const want = SCENARIO.decisions.filter((d) => inPeriod(d, f) && (f.lane === undefined || d.lane === f.lane)).sort(byTime);
      assert.deepEqual(await repo.list({ ...f, limit: 1000 }), want, JSON.stringify(f));
    }
  });

  it('counts count each declaration by its latest decision, per lane and per selection type', async () => {
    const store = await h.open();
    await seed(store);
    const repo = decisionsRepo(store.db);
    for (const p of [{}, { office: 'CNSHA03' }, { from: at(30), to: at(80) }, { office: 'NLRTM01', from: at(50) }, { from: at(10_000) }]) {
      assert.deepEqual(await repo.counts(p), expectedCounts(p), JSON.stringify(p));
    }
    assert.equal((await repo.counts()).total, N - 4);
  });

  it('forPeriod joins each latest decision with the latest inspection and the labels, page by page', async () => {
    const store = await h.open();
    await seed(store);
    const repo = decisionsRepo(store.db);
    const period = { from: at(10), to: at(90) };
    const pages = await collect(repo.forPeriod({ ...period, pageSize: 4 }));
    const want = expectedPeriod(period);
    assert.ok(want.length > 8, 'the period spans several pages');
    assert.ok(want.some((r) => r.inspection?.revision === 2) && want.some((r) => r.decision.revision === 3), 'latest revisions are picked');
    const movedOn = SCENARIO.decisions.filter((d) => d.revision === 1 && inPeriod(d, period) && !want.some((r) => r.decision.declarationId === d.declarationId));
    assert.ok(movedOn.length > 0, 'some declarations decided in the period were decided again after it');
    assert.ok(pages.every((p) => p.length === 4 || p === pages[pages.length - 1]));
    assert.deepEqual(pages.flat(), want);
    assert.deepEqual((await collect(repo.forPeriod({ ...period, office: 'KRPUS02', pageSize: 3 }))).flat(), expectedPeriod({ ...period, office: 'KRPUS02' }));
    assert.deepEqual((await collect(repo.forPeriod({ from: at(0), to: at(1_000) }))).flat(), expectedPeriod({}));
    assert.deepEqual(await collect(repo.forPeriod({ from: at(5_000), to: at(6_000) })), []);
  });

  it('forPeriod stops at a full last page', async () => {
    const store = await h.open();
    await seed(store);
    const want = expectedPeriod({ from: at(0), to: at(1_000) });
    const pages = await collect(decisionsRepo(store.db).forPeriod({ from: at(0), to: at(1_000), pageSize: want.length }));
    assert.equal(pages.length, 1);
    assert.equal(pages[0]!.length, want.length);
  });
});
