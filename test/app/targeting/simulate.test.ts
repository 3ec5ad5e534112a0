import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Mapping } from '../../../src/app/intake/mapping.ts';
import { simulate, type SimulateOptions, type SimulationReport } from '../../../src/app/targeting/simulate.ts';
import { weekOf } from '../../../src/app/targeting/week.ts';
import { failsWith, generated, mapping, tempDir, type Generated } from './fixtures.ts';

/**
 * The replay of labelled history week by week, on a generated file of twenty weeks: the budget is
 * kept week after week while the model is retrained on what was inspected; without exploration
 * the rate among the inspected says nothing of the flow's, and with it the inverse-propensity
 * estimate finds the flow's rate again.
 */

const tmp = tempDir('simulate');
after(() => tmp.cleanup());

describe('simulating the service on labelled history', () => {
  let data: Generated;
  let m: Mapping;
  let greedy: SimulationReport;
  let exploring: SimulationReport;
  /** The same replay with exploration, under other seeds: one run's estimate is one draw of a noisy estimator. */
  let others: SimulationReport[];
  const options = (over: Partial<SimulateOptions> = {}): SimulateOptions => ({
    files: [data.file], mapping: m, label: 'illicit', rate: 0.1, explore: 0, exploreMode: 'uncertainty', retrain: 'weekly', seed: 2, ...over,
  });

  before(async () => {
    // About 200 declarations a week for 20 weeks, starting on a Monday.
    data = await generated(tmp.path('history.csv'), { rows: 4000, seed: 'targeting-simulate', start: '2025-01-06', days: 140 });
    m = await mapping();
    // Without exploration, retrained every four weeks; with it, every week.
    greedy = await simulate(options({ retrain: 'monthly' }));
    exploring = await simulate(options({ explore: 0.1 }));
    others = [];
    for (const seed of [3, 4, 5, 6, 7]) others.push(await simulate(options({ explore: 0.1, seed })));
  });

  it('reports the weeks in order, each with the arrivals of the file', () => {
    const truth = new Map<string, { arrivals: number; positives: number }>();
    for (const r of data.rows) {
      const w = truth.get(weekOf(r.filed_at)) ?? { arrivals: 0, positives: 0 };
      w.arrivals += 1;
      w.positives += r.illicit;
      truth.set(weekOf(r.filed_at), w);
    }
    for (const r of [greedy, exploring]) {
      assert.equal(r.rows, data.rows.length);
      assert.equal(r.skipped, 0);
      assert.equal(r.weeks.length, 20);
      assert.deepEqual(r.weeks.map((w) => w.week), [...truth.keys()].sort());
      for (const [i, w] of r.weeks.entries()) {
        assert.equal(new Date(`${w.week}T00:00:00Z`).getUTCDay(), 1, `${w.week} is a Monday`);
        if (i > 0) assert.ok(w.week > r.weeks[i - 1]!.week);
        assert.deepEqual([w.arrivals, w.positives], [truth.get(w.week)!.arrivals, truth.get(w.week)!.positives], w.week);
        assert.ok(w.findings <= w.positives && w.findings <= w.selected && w.explored <= w.selected);
      }
      assert.equal(r.total.arrivals, data.rows.length);
      assert.equal(r.total.positives, data.rows.reduce((s, x) => s + x.illicit, 0));
      assert.equal(r.total.trueRate, r.total.positives / r.total.arrivals);
      // The model is trained after the first week, and then again on more inspected declarations.
      assert.equal(r.weeks[0]!.trainedOn, 0);
      for (let i = 2; i < r.weeks.length; i++) assert.ok(r.weeks[i]!.trainedOn >= r.weeks[i - 1]!.trainedOn);
      assert.ok(r.weeks[1]!.trainedOn > 0 && r.weeks[19]!.trainedOn > r.weeks[1]!.trainedOn);
    }
    assert.equal(new Set(greedy.weeks.map((w) => w.trainedOn)).size, 6, 'monthly: trained after weeks 1, 5, 9, 13 and 17');
    assert.ok(exploring.weeks.slice(2).every((w, i) => w.trainedOn > exploring.weeks[i + 1]!.trainedOn), 'weekly: trained every week');
  });

  it('selects the rate of the arrivals, week after week, as the model is retrained', () => {
    for (const r of [greedy, exploring]) {
      const share = r.total.selected / r.total.arrivals;
      assert.ok(Math.abs(share - 0.1) < 0.02, `selected ${r.total.selected} of ${r.total.arrivals} at a 10% rate (explore ${r.explore})`);
      // Not only on the whole: no week falls far short of it (a week has about 200 arrivals, 20 checks).
      for (const w of r.weeks) assert.ok(w.selected >= 0.04 * w.arrivals, `week ${w.week}: ${w.selected} of ${w.arrivals} (explore ${r.explore})`);
    }
  });

  it('explores only when asked to; the first week, with no model yet, is random selection', () => {
    const first = greedy.weeks[0]!;
    assert.equal(first.explored, first.selected, 'the first week is all random selection');
    assert.ok(Math.abs(first.selected - 0.1 * first.arrivals) <= 0.05 * first.arrivals);
    assert.ok(greedy.weeks.slice(1).every((w) => w.explored === 0), 'no exploration once a model scores');
    assert.equal(greedy.total.explored, first.explored);
    const later = exploring.weeks.slice(1).reduce((s, w) => s + w.explored, 0);
    assert.ok(later > 0, 'exploration goes on with a model');
    // About a tenth of the checks (e·T of the flow), give or take the draws.
    const expected = 0.1 * 0.1 * exploring.weeks.slice(1).reduce((s, w) => s + w.arrivals, 0);
    assert.ok(later > 0.5 * expected && later < 2 * expected, `explored ${later}, about ${expected} expected`);
  });

  it('without exploration, the rate among the inspected is far from the truth; with it, the estimate finds it again', () => {
    const g = greedy.total;
    assert.ok(g.naiveRate > 2 * g.trueRate, `naive ${g.naiveRate} against a true rate of ${g.trueRate}`);
    assert.ok(g.precision > 2 * g.trueRate, 'the model finds fraud better than chance');
    const e = exploring.total;
    assert.ok(e.naiveRate > 2 * e.trueRate, `naive ${e.naiveRate} against a true rate of ${e.trueRate}`);
    // Some 60 declarations are explored a run, with a handful of findings among them: one run's
    // estimate is one noisy draw (its interval's coverage is tested in test/risk/selection/ipw.test.ts,
    // where it can be measured over hundreds of draws). Over six seeds, each estimate is nearer the
    // truth than the rate among the inspected, and their mean centres on the truth.
    const runs = [exploring, ...others];
    for (const r of runs) assert.ok(Math.abs(r.total.estimate.hajek - r.total.trueRate) < Math.abs(r.total.naiveRate - r.total.trueRate), `seed ${r.seed}: estimate ${r.total.estimate.hajek}, naive ${r.total.naiveRate}, truth ${r.total.trueRate}`);
    const meanError = runs.reduce((sum, r) => sum + Math.abs(r.total.estimate.hajek - r.total.trueRate), 0) / runs.length;
    const naiveError = runs.reduce((sum, r) => sum + Math.abs(r.total.naiveRate - r.total.trueRate), 0) / runs.length;
    assert.ok(meanError < naiveError / 3, `mean error of the estimate ${meanError}, of the naive rate ${naiveError}`);
    const mean = runs.reduce((sum, r) => sum + r.total.estimate.hajek, 0) / runs.length;
    assert.ok(Math.abs(mean - e.trueRate) < 0.25 * e.trueRate, `mean estimate ${mean} against the true rate ${e.trueRate}`);
    assert.equal(e.estimateError, Math.abs(e.estimate.hajek - e.trueRate));
  });

  it('repeats itself for the same seed', async () => {
    assert.deepEqual(await simulate(options({ retrain: 'monthly' })), greedy);
  });

  it('refuses a rate or an exploration share out of bounds, naming the field', async () => {
    for (const rate of [0, -0.1, 1.5, Number.NaN]) await assert.rejects(simulate(options({ rate })), failsWith('INVALID_INPUT', 'rate'), String(rate));
    for (const explore of [-0.1, 1.01, Number.NaN]) await assert.rejects(simulate(options({ explore })), failsWith('INVALID_INPUT', 'explore'), String(explore));
  });
});
