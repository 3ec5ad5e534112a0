import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { AppContext } from '../../../src/app/context.ts';
import type { GeneratedRow } from '../../../src/app/generator/index.ts';
import { storeLabelled } from '../../../src/app/models/store-labelled.ts';
import { backtestRule } from '../../../src/app/targeting/backtest.ts';
import { setBudget } from '../../../src/app/targeting/budgets.ts';
import { decideStored, openDecider } from '../../../src/app/targeting/decide.ts';
import { decisionHistory } from '../../../src/app/targeting/decisions.ts';
import { effectivenessReport, type Effect } from '../../../src/app/targeting/effectiveness.ts';
import { recordInspection } from '../../../src/app/targeting/inspections.ts';
import type { Decision } from '../../../src/domain/decision.ts';
import type { Declaration, Labels } from '../../../src/domain/declaration.ts';
import type { RuleVersion } from '../../../src/domain/rule.ts';
import type { SelectorState } from '../../../src/risk/selection/selector.ts';
import { CAPACITY } from '../../../src/risk/selection/window.ts';
import { scoreDeclarations } from '../../../src/risk/scoring/score-batch.ts';
import { sigmoid } from '../../../src/risk/gbdt/tree.ts';
import { alertsRepo, declarationsRepo, historyRepo, inspectionsRepo, selectorStateRepo, type StoreAdapter } from '../../../src/store/index.ts';
import { forEachStore } from '../../support/stores.ts';
import {
  addStaff, appOf, failsWith, generated, ingest, near, putModelInForce, putRuleInForce, ruleInput, tempDir, trainSmall, wilson, type Generated,
} from './fixtures.ts';

/**
 * Deciding, on every database: a model trained on generated declarations, two active rules and a
 * budget; every declaration decided once, rule hits mandated, the budget kept, the same seed giving
 * the same decisions, the selector's state carried from one decider to the next. Then feedback:
 * officers' inspection results become the labels, and the effectiveness report counts them per rule
 * and per selection type, flagging (once) a rule that finds next to nothing.
 */

const tmp = tempDir('decide');
after(() => tmp.cleanup());

// Fifty declarations a day for seven weeks; the model learns on the first month.
const data: Generated = await generated(tmp.path('decl.csv'), { rows: 2400, seed: 'targeting-decide', start: '2025-01-01', days: 48 });
const trained = await trainSmall(data.file, '2025-02-01', tmp.path('model.json'));
const N = data.rows.length;
const SEED = 11;
const BUDGET = { office: '*', redRate: 0.08, yellowRate: 0.1, exploreShare: 0.1, exploreMode: 'uncertainty' } as const;

// Two rules the generated data gives reason for: goods whose origin is not the country they come
// from (transhipment, where false origins hide) to inspect physically; and a route whose
// declarations are nearly all clean, checked on paper all the same — the rule to be found decayed.
const TRANSHIP = (r: GeneratedRow) => r.origin_country !== r.export_country;
const RED_ROUTE = ruleInput('Transhipped goods', { '!=': [{ var: 'originCountry' }, { var: 'exportCountry' }] }, { type: 'force-lane', lane: 'red' }, 'origin');
const CLEAN_COUNTRY = (() => {
  const byCountry = new Map<string, { n: number; illicit: number }>();
  for (const r of data.rows) {
    if (TRANSHIP(r)) continue;
    const c = byCountry.get(r.export_country) ?? { n: 0, illicit: 0 };
    c.n += 1;
    c.illicit += r.illicit;
    byCountry.set(r.export_country, c);
  }
  // The smallest route of 80 declarations or more whose hit rate is surely below 4%.
  const clean = [...byCountry].filter(([, c]) => c.n >= 80 && wilson(c.illicit, c.n).high < 0.04).sort((a, b) => a[1].n - b[1].n);
  assert.ok(clean.length > 0, 'the generated data has a clean route');
  return clean[0]![0];
})();
const PAPER_ROUTE = (r: GeneratedRow) => r.export_country === CLEAN_COUNTRY && !TRANSHIP(r);
const PAPER = ruleInput(`Shipments from ${CLEAN_COUNTRY}`, { '==': [{ var: 'exportCountry' }, CLEAN_COUNTRY] }, { type: 'documentary-check' });

/** A store with the data, the staff, the model, the budget and the two rules in force. */
async function prepared(store: StoreAdapter): Promise<{ app: AppContext; red: RuleVersion; paper: RuleVersion; model: string }> {
  const app = appOf(store);
  await ingest(store, [data.file], tmp.path(`rejects-${Math.random().toString(36).slice(2)}.csv`));
  await addStaff(app);
  const model = await putModelInForce(app, trained.path);
  await setBudget(app, 'sue', { ...BUDGET });
  const red = await putRuleInForce(app, 'ana', 'sue', RED_ROUTE);
  const paper = await putRuleInForce(app, 'alf', 'sam', PAPER);
  return { app, red, paper, model };
}

/** Each declaration's latest decision, as the store holds it. */
async function latestDecisions(app: AppContext): Promise<Map<string, Decision>> {
  const out = new Map<string, Decision>();
  for await (const page of historyRepo(app.store.db).history({ from: '2024-01-01', to: '2027-01-01' })) {
    for (const r of page) if (r.decision !== undefined) out.set(r.declaration.id, r.decision);
  }
  return out;
}

/** A stored declaration, by id. */
async function storedDeclaration(store: StoreAdapter, id: string): Promise<Declaration> {
  const d = await declarationsRepo(store.db).get(id);
  assert.ok(d !== undefined, id);
  return d.declaration;
}

const count = <T>(xs: Iterable<T>, f: (x: T) => boolean) => {
  let n = 0;
  for (const x of xs) if (f(x)) n++;
  return n;
};

forEachStore('deciding and learning from inspections', (h) => {
  let app: AppContext;
  let red: RuleVersion;
  let paper: RuleVersion;
  let model: string;
  let first: Map<string, Decision>;
  before(async () => {
    ({ app, red, paper, model } = await prepared(await h.shared()));
  });

  it('decides every declaration once: lanes, selection types, propensities, model and rule hits', async () => {
    const s = await decideStored(app, { undecided: true, seed: SEED });
    assert.equal(s.decided, N);
    assert.equal(s.model, model);
    assert.equal(s.rules, 2);
    assert.equal(s.lanes.green + s.lanes.yellow + s.lanes.red, N);
    assert.deepEqual(s.decisions, [], 'decisions are kept only for the declarations named');
    assert.equal((await decideStored(app, { undecided: true, seed: SEED })).decided, 0, 'nothing is left undecided');

    first = await latestDecisions(app);
    assert.equal(first.size, N);
    for (const row of data.rows) {
      const d = first.get(row.declaration_id);
      assert.ok(d !== undefined, `${row.declaration_id} decided`);
      const what = `${d.declarationId}: ${JSON.stringify({ lane: d.lane, type: d.selectionType, propensity: d.propensity, rules: d.rules })}`;
      assert.equal(d.revision, 1);
      assert.equal(d.office, row.customs_office);
      assert.equal(d.model, model);
      assert.ok(d.probability !== null && d.probability > 0 && d.probability < 1, what);
      assert.ok(d.propensity > 0 && d.propensity <= 1, what);
      assert.equal(d.lane === 'green', d.selectionType === 'none', what);
      assert.ok(d.reasons.some((r) => r.kind === 'model'), what);
      // The rules hit where the generated row says they should, and force their lanes.
      const hits = [...(TRANSHIP(row) ? [`${red.id}@1`] : []), ...(PAPER_ROUTE(row) ? [`${paper.id}@1`] : [])];
      assert.deepEqual(d.rules, hits, what);
      if (TRANSHIP(row)) assert.deepEqual([d.lane, d.selectionType, d.propensity], ['red', 'rule-mandated', 1], what);
      else if (PAPER_ROUTE(row)) assert.deepEqual([d.lane, d.selectionType, d.propensity], ['yellow', 'rule-mandated', 1], what);
      else {
        assert.notEqual(d.selectionType, 'rule-mandated', what);
        assert.equal(d.score, d.probability, 'no add-score rule: the score is the probability');
      }
      if (d.selectionType === 'exploration' || d.selectionType === 'none') assert.ok(d.propensity < 1, what);
    }
    const hk = count(data.rows, TRANSHIP);
    const ph = count(data.rows, PAPER_ROUTE);
    assert.ok(hk > 50 && ph >= 80, `the rules have hits to count (${hk} transhipped, ${ph} from ${CLEAN_COUNTRY})`);
    // The rules mandate less than the budget, so the selector fills it up to the target, no more.
    const mandated = (hk + ph) / N;
    assert.ok(mandated < (1 - BUDGET.exploreShare) * (BUDGET.redRate + BUDGET.yellowRate), `mandated share ${mandated}`);
    const checked = (s.lanes.red + s.lanes.yellow) / N;
    const target = BUDGET.redRate + BUDGET.yellowRate;
    assert.ok(Math.abs(checked - target) < 0.3 * target, `red + yellow ${(100 * checked).toFixed(1)}% of the declarations, budget ${100 * target}%`);
    assert.ok(s.lanes.red / N > BUDGET.redRate * 0.5 && s.lanes.red / N < BUDGET.redRate * 1.5, `red ${s.lanes.red} of ${N}`);
    assert.ok((s.selectionTypes['risk-based'] ?? 0) > 0 && (s.selectionTypes.exploration ?? 0) > 0, JSON.stringify(s.selectionTypes));
    assert.equal(s.selectionTypes['rule-mandated'], hk + ph);
  });

  it('stores each office\'s selector state, and a new decider goes on from it', async () => {
    // The office with the most declarations; its state has taken in the score of each one no rule forced.
    const byOffice = new Map<string, number>();
    for (const r of data.rows) if (!TRANSHIP(r) && !PAPER_ROUTE(r)) byOffice.set(r.customs_office, (byOffice.get(r.customs_office) ?? 0) + 1);
    const [office, open] = [...byOffice].sort((a, b) => b[1] - a[1])[0]!;
    const stored = (await selectorStateRepo(app.store.db).get(office)) as SelectorState;
    assert.equal(stored.version, 1);
    // Its sample of scores started from the model's scores of the office's newest declarations.
    const primed = Math.min(CAPACITY, count(data.rows, (r) => r.customs_office === office));
    assert.equal(stored.seen, primed + open, 'every open score of the office entered its state, across batches');
    assert.equal(stored.scoredBy, model);
    assert.ok(stored.scores.length > 0);

    // A new decider (as after a restart) reads the stored state and carries on from it.
    const decider = await openDecider(app, { seed: 3 });
    const row = data.rows.find((r) => r.customs_office === office && !TRANSHIP(r) && !PAPER_ROUTE(r))!;
    const [again] = await decider.decide([await storedDeclaration(app.store, row.declaration_id)]);
    assert.equal(again!.revision, 2, 'deciding again is revision 2');
    const now = (await selectorStateRepo(app.store.db).get(office)) as SelectorState;
    assert.equal(now.seen, primed + open + 1, 'the state went on from the stored one, not from a new one');
    assert.deepEqual(now, JSON.parse(JSON.stringify(decider.inputs.stateOf(office))), 'what is stored is what the decider holds');
    assert.deepEqual((await decisionHistory(app, row.declaration_id)).map((d) => d.revision), [1, 2]);
    assert.deepEqual(await decisionHistory(app, row.declaration_id).then((ds) => ds[0]), first.get(row.declaration_id), 'revision 1 is kept');

    // Named declarations through decideStored: the next revision, decisions returned; an unknown id is NOT_FOUND.
    const named = await decideStored(app, { ids: [row.declaration_id, data.rows[0]!.declaration_id], seed: 4 });
    assert.deepEqual(named.decisions.map((d) => d.revision), [3, 2]);
    await assert.rejects(decideStored(app, { ids: ['NO-SUCH-DECLARATION'] }), failsWith('NOT_FOUND', 'id'));
  });

  it('a decider that saves its states at intervals saves them with its first batch, then not before the interval, and at close', async () => {
    const rows = data.rows.filter((r) => !TRANSHIP(r) && !PAPER_ROUTE(r)).slice(0, 3);
    const office = rows[0]!.customs_office;
    const seenStored = async () => ((await selectorStateRepo(app.store.db).get(office)) as SelectorState).seen;
    const decider = await openDecider(app, { seed: 5, saveStatesEveryMs: 3_600_000 });
    const held = () => decider.inputs.stateOf(office).seen;
    await decider.decide([await storedDeclaration(app.store, rows[0]!.declaration_id)]);
    assert.equal(await seenStored(), held(), 'saved with the first batch');
    const afterFirst = held();
    await decider.decide(await Promise.all(rows.slice(1).filter((r) => r.customs_office === office).map((r) => storedDeclaration(app.store, r.declaration_id))));
    await decider.decide([await storedDeclaration(app.store, rows[0]!.declaration_id)]);
    assert.ok(held() > afterFirst, 'the state moved');
    assert.equal(await seenStored(), afterFirst, 'not saved again within the interval');
    await decider.close();
    assert.equal(await seenStored(), held(), 'saved at close');
    assert.deepEqual((await selectorStateRepo(app.store.db).get(office)) as SelectorState, JSON.parse(JSON.stringify(decider.inputs.stateOf(office))));
  });

  it('gives the same decisions for the same seed on a fresh store', async () => {
    const fresh = await prepared(await h.open());
    assert.deepEqual([fresh.red.id, fresh.paper.id, fresh.model], [red.id, paper.id, model]);
    const s = await decideStored(fresh.app, { undecided: true, seed: SEED });
    assert.equal(s.decided, N);
    const again = await latestDecisions(fresh.app);
    for (const [id, d] of first) assert.deepEqual(again.get(id), d, id);
    // Another seed draws other explorations (in the first 800 declarations already).
    const other = await prepared(await h.open());
    assert.equal((await decideStored(other.app, { undecided: true, limit: 800, seed: SEED + 1 })).decided, 800);
    const third = await latestDecisions(other.app);
    assert.equal(third.size, 800);
    assert.ok(count(third.keys(), (id) => third.get(id)!.lane !== first.get(id)!.lane) > 0, 'another seed, other draws');
  });

  // The inspection results recorded below: one finding where the data says clean, one clean where it says illicit.
  let cleanButFound: GeneratedRow;
  let illicitButClean: GeneratedRow;

  it('records inspection results by officers only, corrections as new revisions', async () => {
    const latest = await latestDecisions(app);
    cleanButFound = data.rows.find((r) => TRANSHIP(r) && r.illicit === 0)!;
    illicitButClean = data.rows.find((r) => TRANSHIP(r) && r.illicit === 1)!;
    assert.ok(cleanButFound !== undefined && illicitButClean !== undefined);
    assert.equal(latest.get(cleanButFound.declaration_id)!.lane, 'red');
    assert.equal(latest.get(illicitButClean.declaration_id)!.lane, 'red');

    await assert.rejects(recordInspection(app, 'ana', { declarationId: cleanButFound.declaration_id, finding: 'seizure' }), failsWith('FORBIDDEN', 'as'));
    await assert.rejects(recordInspection(app, 'aud', { declarationId: cleanButFound.declaration_id, finding: 'seizure' }), failsWith('FORBIDDEN', 'as'));
    await assert.rejects(recordInspection(app, 'oli', { declarationId: 'NO-SUCH-DECLARATION', finding: 'none' }), failsWith('NOT_FOUND', 'declarationId'));
    await assert.rejects(recordInspection(app, 'oli', { declarationId: cleanButFound.declaration_id, finding: 'maybe' }), failsWith('INVALID_INPUT', 'finding'));
    await assert.rejects(recordInspection(app, 'oli', { declarationId: cleanButFound.declaration_id, finding: 'none', officer: 'sam' }), failsWith('FORBIDDEN'));

    const r1 = await recordInspection(app, 'oli', { declarationId: cleanButFound.declaration_id, finding: 'seizure', revenueRecovered: 1234 });
    assert.deepEqual([r1.revision, r1.officer, r1.finding], [1, 'oli', 'seizure']);
    // The officer corrects it: a lesser finding, less revenue. The first result stays.
    const r2 = await recordInspection(app, 'oli', { declarationId: cleanButFound.declaration_id, finding: 'irregularity', revenueRecovered: 500, notes: 'not a seizure after all' });
    assert.equal(r2.revision, 2);
    assert.deepEqual((await inspectionsRepo(app.store.db).history(cleanButFound.declaration_id)).map((i) => [i.finding, i.revenueRecovered]), [['seizure', 1234], ['irregularity', 500]]);
    // A supervisor may record too.
    assert.equal((await recordInspection(app, 'sue', { declarationId: illicitButClean.declaration_id, finding: 'none' })).revision, 1);
  });

  it('trains on the inspection results where there are any, on the stored labels elsewhere', async () => {
    const seen = new Map<string, Labels>();
    const read = await storeLabelled(app).each((d, l) => seen.set(d.id, l));
    assert.deepEqual(read, { rows: N, rejected: 0 });
    assert.equal(seen.size, N);
    assert.deepEqual(seen.get(cleanButFound.declaration_id), { illicit: true, critical: false, revenueRecovered: 500 });
    assert.equal(seen.get(illicitButClean.declaration_id)!.illicit, false);
    for (const r of data.rows) {
      if (r === cleanButFound || r === illicitButClean) continue;
      const l = seen.get(r.declaration_id)!;
      assert.deepEqual([l.illicit, l.critical], [r.illicit === 1, r.critical === 1], r.declaration_id);
    }
    const period = new Map<string, Labels>();
    await storeLabelled(app, { from: '2025-02-01', to: '2025-02-08' }).each((d, l) => period.set(d.id, l));
    assert.equal(period.size, count(data.rows, (r) => r.filed_at >= '2025-02-01' && r.filed_at < '2025-02-08'));
  });

  it('reports effectiveness per rule and per selection type, and flags the rule that finds next to nothing, once', async () => {
    // The hand count: each selected declaration's latest decision, and what is known of it.
    const latest = await latestDecisions(app);
    const outcome = (r: GeneratedRow): { finding: boolean; revenue: number } =>
      r === cleanButFound ? { finding: true, revenue: 500 } : r === illicitButClean ? { finding: false, revenue: 0 } : { finding: r.illicit === 1, revenue: r.illicit === 1 ? r.revenue_recovered : 0 };
    type Tally = { selected: number; inspected: number; findings: number; revenue: number };
    const tallies = new Map<string, Tally>();
    const add = (key: string, o: { finding: boolean; revenue: number }) => {
      const t = tallies.get(key) ?? { selected: 0, inspected: 0, findings: 0, revenue: 0 };
      t.selected += 1;
      t.inspected += 1; // every generated declaration has a known outcome
      if (o.finding) {
        t.findings += 1;
        t.revenue += o.revenue;
      }
      tallies.set(key, t);
    };
    let weighted = 0;
    let weights = 0;
    for (const r of data.rows) {
      const d = latest.get(r.declaration_id)!;
      if (d.lane === 'green') continue;
      const o = outcome(r);
      add('all', o);
      add(`type:${d.selectionType}`, o);
      for (const rule of d.rules) add(`rule:${rule}`, o);
      weights += 1 / d.propensity;
      if (o.finding) weighted += 1 / d.propensity;
    }
    const hajek = weighted / weights;
    const expectEffect = (e: Effect, key: string) => {
      const t = tallies.get(key)!;
      assert.deepEqual([e.selected, e.inspected, e.findings], [t.selected, t.inspected, t.findings], key);
      near(e.revenue, t.revenue, `${key} revenue`);
      const w = wilson(t.findings, t.inspected);
      near(e.hitRate, w.rate, `${key} hit rate`);
      near(e.hitRateLow, w.low, `${key} interval low`, 1e-6);
      near(e.hitRateHigh, w.high, `${key} interval high`, 1e-6);
      near(e.lift, w.rate / hajek, `${key} lift`, 1e-6);
    };

    const o = { from: '2025-01-01', to: '2025-03-01', raiseAlerts: true };
    const report = await effectivenessReport(app, o);
    assert.equal(report.declarations, N);
    assert.equal(report.decided, N);
    near(report.flowRate.estimate, hajek, 'the flow rate, inverse-propensity weighted', 1e-6);
    expectEffect(report.overall, 'all');
    assert.deepEqual(report.selectionTypes.map((t) => t.selectionType).sort(), [...tallies.keys()].filter((k) => k.startsWith('type:')).map((k) => k.slice(5)).sort());
    for (const t of report.selectionTypes) expectEffect(t, `type:${t.selectionType}`);
    assert.deepEqual(report.rules.map((r) => r.rule), [`${red.id}@1`, `${paper.id}@1`]);
    for (const r of report.rules) expectEffect(r, `rule:${r.rule}`);
    assert.deepEqual(report.models.map((m) => [m.model, m.selected]), [[model, count(latest.values(), (d) => d.lane !== 'green')]]);

    // The paper rule's hits are nearly all clean: its hit rate is surely below 5%. The red route's is not.
    const paperRule = report.rules.find((r) => r.rule === `${paper.id}@1`)!;
    const redRule = report.rules.find((r) => r.rule === `${red.id}@1`)!;
    assert.ok(paperRule.inspected >= 30 && wilson(paperRule.findings, paperRule.inspected).high < 0.05, JSON.stringify(paperRule));
    assert.deepEqual([paperRule.decayed, paperRule.name, paperRule.status], [true, PAPER.name, 'active']);
    assert.ok(redRule.hitRate > 0.1, JSON.stringify(redRule));
    assert.equal(redRule.decayed, false);

    assert.equal(report.alerts.length, 1);
    const alerts = await alertsRepo(app.store.db).list({ kind: 'rule-decay' });
    assert.deepEqual(alerts.map((a) => [a.id, a.subject, a.status]), [[report.alerts[0], `${paper.id}@1`, 'open']]);
    // Run again while that alert is open: the rule is still flagged, and no second alert is raised.
    const again = await effectivenessReport(app, o);
    assert.equal(again.rules.find((r) => r.rule === `${paper.id}@1`)!.decayed, true);
    assert.deepEqual(again.alerts, []);
    assert.equal((await alertsRepo(app.store.db).list({ kind: 'rule-decay' })).length, 1);

    await assert.rejects(effectivenessReport(app, { from: '2025-03-01', to: '2025-01-01' }), failsWith('INVALID_INPUT', 'to'));
  });

  it('starts an office\'s sample of scores afresh from the new model\'s scores when another model is put in force', async () => {
    const office = data.rows[0]!.customs_office;
    const before = (await selectorStateRepo(app.store.db).get(office)) as SelectorState;
    const other = await trainSmall(data.file, '2025-02-01', tmp.path('other.json'), 99);
    const otherId = await putModelInForce(app, other.path);
    assert.notEqual(otherId, model);
    const decider = await openDecider(app, { seed: 5 });
    const row = data.rows.find((r) => r.customs_office === office && !TRANSHIP(r) && !PAPER_ROUTE(r))!;
    const [d] = await decider.decide([await storedDeclaration(app.store, row.declaration_id)]);
    assert.equal(d!.model, otherId);
    const after = (await selectorStateRepo(app.store.db).get(office)) as SelectorState;
    assert.equal(after.scoredBy, otherId);
    const newest = (await declarationsRepo(app.store.db).newest(office, CAPACITY)).map((r) => r.declaration);
    assert.equal(after.seen, newest.length + 1, 'the sample is the new model\'s scores of the newest declarations, and the one decided');
    const expected = Array.from(scoreDeclarations(other.model.pipeline, other.model.booster, newest), sigmoid);
    const sorted = [...expected].sort((a, b) => a - b);
    assert.ok(sorted.every((x) => after.scores.includes(x)), 'the new model\'s scores are in the sample');
    assert.equal(after.day, before.day, 'the day\'s counts go on');
    await putModelInForce(app, trained.path);
  });

  it('back-tests over decided history with the inverse-propensity base rate', async () => {
    const b = await backtestRule(app, red, { from: '2025-01-01', to: '2025-03-01' });
    const report = await effectivenessReport(app, { from: '2025-01-01', to: '2025-03-01' });
    assert.equal(b.baseRateMethod, 'inverse-propensity');
    near(b.baseRate, report.flowRate.estimate, 'base rate', 1e-9);
    assert.equal(b.hits, count(data.rows, TRANSHIP));
    const hk = report.rules.find((r) => r.rule === `${red.id}@1`)!;
    assert.deepEqual([b.inspected, b.findings], [hk.inspected, hk.findings], 'every hit of a force-red rule was selected');
  });
});
