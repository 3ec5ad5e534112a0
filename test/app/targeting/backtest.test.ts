import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { AppContext } from '../../../src/app/context.ts';
import type { GeneratedRow } from '../../../src/app/generator/index.ts';
import { backtestRule, type Backtest } from '../../../src/app/targeting/backtest.ts';
import { decideStored } from '../../../src/app/targeting/decide.ts';
import { effectivenessReport } from '../../../src/app/targeting/effectiveness.ts';
import { recordInspection } from '../../../src/app/targeting/inspections.ts';
import { draftRule } from '../../../src/app/targeting/rules.ts';
import type { Decision } from '../../../src/domain/decision.ts';
import type { RuleVersion } from '../../../src/domain/rule.ts';
import { decisionsRepo } from '../../../src/store/index.ts';
import { forEachStore } from '../../support/stores.ts';
import { addStaff, appOf, failsWith, filedAt, generated, ingest, near, ruleInput, tempDir, wilson, type Generated } from './fixtures.ts';

/**
 * Back-testing a rule over labelled history, on every database: what it would have hit, what was
 * found among its hits, its hit rate with the Wilson interval and its lift over the period's base
 * rate — each checked against a count made here over the generated rows themselves.
 */

const tmp = tempDir('backtest');
after(() => tmp.cleanup());

const data: Generated = await generated(tmp.path('decl.csv'), { rows: 2000, seed: 'targeting-backtest', start: '2025-01-01', days: 56 });
// Live declarations filed later, without labels.
const live: Generated = await generated(tmp.path('live.csv'), { rows: 300, seed: 'targeting-backtest-live', start: '2025-03-03', days: 14 });
const FROM = '2025-01-13T00:00:00.000Z';
const TO = '2025-02-10T00:00:00.000Z';
const inPeriod = (r: GeneratedRow) => filedAt(r) >= FROM && filedAt(r) < TO;

// The rule: the commonest HS chapter, above its median customs value.
const CHAPTER = mostCommon(data.rows.map((r) => r.hs_code.slice(0, 2)));
const LIMIT = median(data.rows.filter((r) => r.hs_code.startsWith(CHAPTER)).map((r) => r.customs_value));
const HITS = (r: GeneratedRow) => r.hs_code.slice(0, 2) === CHAPTER && r.customs_value > LIMIT;
const RULE = ruleInput(`Chapter ${CHAPTER} above ${LIMIT}`, { and: [{ '==': [{ var: 'hs2' }, CHAPTER] }, { '>': [{ var: 'customsValue' }, LIMIT] }] }, { type: 'add-score', points: 0.3 }, 'undervaluation');
// A rule as written, not stored: an attribute of the declarations.
const CASH = (r: GeneratedRow) => r.payment_type === 'cash_in_advance';
const CASH_RULE = ruleInput('Paid in advance, in cash', { '==': [{ var: 'attr.paymentType' }, 'cash_in_advance'] }, { type: 'documentary-check' });

/** The latest decision on each of the rows' declarations. */
async function decisionsOf(app: AppContext, rows: readonly GeneratedRow[]): Promise<Decision[]> {
  const out: Decision[] = [];
  for (const r of rows) {
    const d = await decisionsRepo(app.store.db).latest(r.declaration_id);
    assert.ok(d !== undefined, r.declaration_id);
    out.push(d);
  }
  return out;
}

function mostCommon(xs: readonly string[]): string {
  const n = new Map<string, number>();
  for (const x of xs) n.set(x, (n.get(x) ?? 0) + 1);
  return [...n].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The Monday (UTC) of the week a time falls in, counted here from the day of the week. */
function monday(iso: string): string {
  const t = new Date(iso);
  const back = (t.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate() - back)).toISOString().slice(0, 10);
}

/** Officers' results recorded in the test, which stand in for the labels of their declarations. */
type Recorded = Map<string, { finding: boolean; revenue: number }>;

/** What the back-test must say, counted over the generated rows. */
function expected(hits: (r: GeneratedRow) => boolean, recorded: Recorded, office?: string) {
  const rows = data.rows.filter((r) => inPeriod(r) && (office === undefined || r.customs_office === office));
  const outcome = (r: GeneratedRow) => recorded.get(r.declaration_id) ?? { finding: r.illicit === 1, revenue: r.illicit === 1 ? r.revenue_recovered : 0 };
  const hit = rows.filter(hits);
  const findings = hit.filter((r) => outcome(r).finding).length;
  const baseRate = rows.filter((r) => outcome(r).finding).length / rows.length;
  const weeks = new Map<string, { week: string; hits: number; inspected: number; findings: number }>();
  for (const r of hit) {
    const w = weeks.get(monday(r.filed_at)) ?? { week: monday(r.filed_at), hits: 0, inspected: 0, findings: 0 };
    w.hits += 1;
    w.inspected += 1;
    if (outcome(r).finding) w.findings += 1;
    weeks.set(w.week, w);
  }
  return {
    declarations: rows.length, hits: hit.length, inspected: hit.length, findings, baseRate,
    revenue: hit.reduce((s, r) => s + outcome(r).revenue, 0),
    weekly: [...weeks.values()].sort((a, b) => (a.week < b.week ? -1 : 1)),
  };
}

function check(b: Backtest, e: ReturnType<typeof expected>): void {
  assert.deepEqual([b.declarations, b.hits, b.inspected, b.findings], [e.declarations, e.hits, e.inspected, e.findings]);
  near(b.hitShare, e.hits / e.declarations, 'hit share');
  const w = wilson(e.findings, e.inspected);
  near(b.hitRate, w.rate, 'hit rate');
  near(b.hitRateLow, w.low, 'interval low', 1e-6);
  near(b.hitRateHigh, w.high, 'interval high', 1e-6);
  assert.equal(b.baseRateMethod, 'among known outcomes');
  near(b.baseRate, e.baseRate, 'base rate');
  near(b.lift, w.rate / e.baseRate, 'lift');
  near(b.revenue, e.revenue, 'revenue', 1e-9);
  assert.deepEqual(b.weekly, e.weekly);
}

forEachStore('back-testing rules', (h) => {
  let app: AppContext;
  let stored: RuleVersion;
  const recorded: Recorded = new Map();
  before(async () => {
    app = appOf(await h.shared());
    await ingest(app.store, [data.file], tmp.path(`rejects-${h.label.replace(/\W+/g, '-')}.csv`));
    await addStaff(app);
    stored = await draftRule(app, 'ana', RULE);
    // Two hits whose inspection found otherwise than the labels they came with.
    const hit = data.rows.filter((r) => inPeriod(r) && HITS(r));
    const clean = hit.find((r) => r.illicit === 0)!;
    const fraud = hit.find((r) => r.illicit === 1)!;
    await recordInspection(app, 'oli', { declarationId: clean.declaration_id, finding: 'seizure', revenueRecovered: 777 });
    await recordInspection(app, 'oli', { declarationId: fraud.declaration_id, finding: 'none' });
    recorded.set(clean.declaration_id, { finding: true, revenue: 777 });
    recorded.set(fraud.declaration_id, { finding: false, revenue: 0 });
  });

  it('counts what a stored rule would have hit and found, as a count over the same declarations does', async () => {
    const e = expected(HITS, recorded);
    assert.ok(e.hits > 30 && e.findings > 0, `a rule with hits to count (${e.hits} hits, ${e.findings} findings)`);
    const b = await backtestRule(app, stored, { from: '2025-01-13', to: '2025-02-10' });
    assert.deepEqual(b.rule, { id: stored.id, version: 1, name: RULE.name });
    assert.deepEqual([b.from, b.to, b.office, b.model], [FROM, TO, null, null]);
    check(b, e);
  });

  it('back-tests a rule as written, and one office', async () => {
    const b = await backtestRule(app, CASH_RULE, { from: FROM, to: TO });
    assert.deepEqual(b.rule, { id: null, version: null, name: CASH_RULE.name });
    check(b, expected(CASH, recorded));
    const office = mostCommon(data.rows.filter(inPeriod).map((r) => r.customs_office));
    const one = await backtestRule(app, stored, { from: FROM, to: TO, office });
    assert.equal(one.office, office);
    check(one, expected(HITS, recorded, office));
  });

  it('refuses a rule reading the score with no model in force, a malformed rule and an empty period', async () => {
    const scored = ruleInput('High score', { '>': [{ var: 'score' }, 0.8] }, { type: 'force-lane', lane: 'red' });
    await assert.rejects(backtestRule(app, scored, { from: FROM, to: TO }), failsWith('CONFLICT', undefined, /no model is active/));
    await assert.rejects(backtestRule(app, await draftRule(app, 'ana', scored), { from: FROM, to: TO }), failsWith('CONFLICT'));
    await assert.rejects(backtestRule(app, { ...RULE, condition: { '>': [{ var: 'valu' }, 1] } }, { from: FROM, to: TO }), failsWith('INVALID_INPUT', 'condition/>/0/var'));
    await assert.rejects(backtestRule(app, stored, { from: TO, to: FROM }), failsWith('INVALID_INPUT', 'to'));
    await assert.rejects(backtestRule(app, stored, { from: 'last week', to: TO }), failsWith('INVALID_INPUT', 'from'));
  });

  it('reports an empty period, and live declarations with no outcome known yet, without failing', async () => {
    const none = await backtestRule(app, stored, { from: '2030-01-01', to: '2030-02-01' });
    assert.deepEqual([none.declarations, none.hits, none.inspected], [0, 0, 0]);
    assert.ok(Number.isNaN(none.hitRate) && Number.isNaN(none.baseRate) && Number.isNaN(none.lift));
    const nothing = await effectivenessReport(app, { from: '2030-01-01', to: '2030-02-01' });
    assert.deepEqual([nothing.declarations, nothing.decided, nothing.overall.selected], [0, 0, 0]);

    // Declarations filed since, stored without labels and decided (no model: random selection),
    // before any officer has recorded a result: nothing is known of them yet.
    await ingest(app.store, [live.file], tmp.path(`rejects-live-${h.label.replace(/\W+/g, '-')}.csv`), { labels: false });
    const decided = await decideStored(app, { ids: live.rows.map((r) => r.declaration_id), seed: 1 });
    assert.equal(decided.decided, live.rows.length);
    assert.equal(decided.model, null);
    const period = { from: '2025-03-03', to: '2025-03-17' };
    const unknown = await backtestRule(app, CASH_RULE, period);
    assert.equal(unknown.declarations, live.rows.length);
    assert.equal(unknown.hits, live.rows.filter(CASH).length);
    assert.deepEqual([unknown.inspected, unknown.findings], [0, 0]);
    assert.ok(Number.isNaN(unknown.baseRate) && Number.isNaN(unknown.hitRate) && Number.isNaN(unknown.lift));
    const before = await effectivenessReport(app, period);
    assert.equal(before.decided, live.rows.length);
    assert.equal(before.overall.selected, decided.lanes.red + decided.lanes.yellow);
    assert.ok(before.overall.selected > 0);
    assert.deepEqual([before.overall.inspected, before.overall.findings], [0, 0]);
    assert.ok(Number.isNaN(before.flowRate.estimate) && Number.isNaN(before.overall.hitRate));
    assert.deepEqual(before.selectionTypes.map((t) => t.selectionType), ['random']);

    // The first result recorded: one inspected, one finding, and the flow's rate estimated from it.
    const first = (await decisionsOf(app, live.rows)).find((d) => d.lane !== 'green')!;
    await recordInspection(app, 'oli', { declarationId: first.declarationId, finding: 'irregularity', revenueRecovered: 10 });
    const after1 = await effectivenessReport(app, period);
    assert.deepEqual([after1.overall.inspected, after1.overall.findings, after1.overall.revenue], [1, 1, 10]);
    near(after1.flowRate.estimate, 1, 'one inspection, one finding');
    const b = await backtestRule(app, { ...CASH_RULE, condition: { '==': [{ var: 'importer' }, live.byId.get(first.declarationId)!.importer_id] } }, period);
    assert.ok(b.hits >= 1 && b.inspected === 1 && b.findings === 1, JSON.stringify(b));
  });
});
