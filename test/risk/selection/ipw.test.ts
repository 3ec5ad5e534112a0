import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ipwEstimate, type IpwUnit } from '../../../src/risk/selection/ipw.ts';
import { SeededRandom } from '../../../src/risk/random.ts';
import { newSelectorState, select } from '../../../src/risk/selection/selector.ts';

const close = (actual: number, expected: number, eps: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= eps, `${what}: expected ${expected}, got ${actual}`);

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const variance = (xs: readonly number[]) => {
  const m = mean(xs);
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
};

describe('ipwEstimate on hand-computed cases', () => {
  it('gives Horvitz–Thompson, Hájek, AIPW and the linearised se', () => {
    const units: IpwUnit[] = [
      { propensity: 1, inspected: true, outcome: 1, prediction: 0.8 },
      { propensity: 0.5, inspected: true, outcome: 0, prediction: 0.2 },
      { propensity: 0.5, inspected: false, outcome: 0, prediction: 0.1 },
      { propensity: 0.25, inspected: true, outcome: 1, prediction: 0.3 },
    ];
    const e = ipwEstimate(units);
    assert.equal(e.n, 4);
    assert.equal(e.inspected, 3);
    close(e.horvitzThompson, (1 / 1 + 0 / 0.5 + 1 / 0.25) / 4, 1e-12, 'HT');
    close(e.hajek, 5 / 7, 1e-12, 'Hájek');
    close(e.aipw!, (0.8 + 0.2 + 0.1 + 0.3 + (1 - 0.8) / 1 + (0 - 0.2) / 0.5 + (1 - 0.3) / 0.25) / 4, 1e-12, 'AIPW');
    // (1/7²)·[0 + (0.5/0.25)(5/7)² + (0.75/0.0625)(2/7)²] = 2/49.
    close(e.se, Math.sqrt(2 / 49), 1e-12, 'se');
    // A finding rate: Wilson's interval at the effective size n* = p(1 − p)/V = (10/49)/(2/49) = 5.
    const z = 1.959964;
    const [p, n] = [5 / 7, 5];
    const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
    const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
    close(e.ci95[0], centre - half, 1e-12, 'ci low');
    close(e.ci95[1], centre + half, 1e-12, 'ci high');
  });

  it('is the plain mean with no variance when every unit was inspected for certain', () => {
    const units = [3, 0, 5, 0].map((outcome) => ({ propensity: 1, inspected: true, outcome, prediction: 1 }));
    const e = ipwEstimate(units);
    assert.equal(e.horvitzThompson, 2);
    assert.equal(e.hajek, 2);
    assert.equal(e.aipw, 2);
    assert.equal(e.se, 0);
    assert.deepEqual(e.ci95, [2, 2]);
  });

  it('gives no AIPW unless every unit has a prediction', () => {
    const e = ipwEstimate([
      { propensity: 1, inspected: true, outcome: 1, prediction: 0.5 },
      { propensity: 0.5, inspected: false, outcome: 0 },
    ]);
    assert.equal(e.aipw, null);
    close(e.horvitzThompson, 0.5, 1e-12, 'HT');
  });

  it('gives NaN where nothing was inspected or there is nothing', () => {
    const none = ipwEstimate([{ propensity: 0.1, inspected: false, outcome: 0, prediction: 0.2 }]);
    assert.equal(none.horvitzThompson, 0);
    assert.ok(Number.isNaN(none.hajek) && Number.isNaN(none.se));
    close(none.aipw!, 0.2, 1e-12, 'AIPW falls back on the model');
    const empty = ipwEstimate([]);
    assert.ok(Number.isNaN(empty.horvitzThompson) && Number.isNaN(empty.hajek) && Number.isNaN(empty.aipw!));
  });

  it('refuses an inspection that could not have happened, and bad numbers', () => {
    assert.throws(() => ipwEstimate([{ propensity: 0, inspected: true, outcome: 1 }]), RangeError);
    assert.throws(() => ipwEstimate([{ propensity: 1.2, inspected: false, outcome: 0 }]), RangeError);
    assert.throws(() => ipwEstimate([{ propensity: NaN, inspected: false, outcome: 0 }]), RangeError);
    assert.throws(() => ipwEstimate([{ propensity: 0.5, inspected: true, outcome: NaN }]), RangeError);
    assert.throws(() => ipwEstimate([{ propensity: 0.5, inspected: true, outcome: 1, prediction: Infinity }]), RangeError);
    // Never selectable and never inspected: allowed (it only narrows what the estimate covers).
    assert.equal(ipwEstimate([{ propensity: 0, inspected: false, outcome: 0 }]).n, 1);
  });

  it('keeps Hájek within the range of the inspected outcomes (property)', () => {
    const unit = fc.record({
      propensity: fc.double({ min: 0.001, max: 1, noNaN: true }),
      inspected: fc.boolean(),
      outcome: fc.integer({ min: 0, max: 1 }),
      prediction: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(unit, { minLength: 1, maxLength: 50 }), (units) => {
        const e = ipwEstimate(units);
        const ys = units.filter((u) => u.inspected).map((u) => u.outcome);
        if (ys.length === 0) return;
        assert.ok(e.hajek >= Math.min(...ys) - 1e-12 && e.hajek <= Math.max(...ys) + 1e-12);
        assert.ok(e.se >= 0 && e.ci95[0] <= e.hajek && e.hajek <= e.ci95[1]);
      }),
    );
  });
});

/**
 * A synthetic flow with a known truth: a fixed population of declarations with calibrated model
 * probabilities and realised findings, inspected as the selector does — the top of the ranking
 * for certain, the rest explored at random with probabilities weighted by √(p(1 − p)) and
 * floored. Only the selection changes from one seed to the next (a design-based check).
 * "rare": findings in about 5 % of declarations, as at most offices; "common": a high-risk flow
 * where the model's probabilities spread widely (about 28 % findings).
 */
function population(size: number, seed: number, kind: 'rare' | 'common') {
  const random = new SeededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
  const [centre, spread] = kind === 'rare' ? [-3.6, 1.3] : [-1.5, 2];
  const p = Array.from({ length: size }, () => 1 / (1 + Math.exp(-(centre + spread * normal()))));
  const y = p.map((pi) => (random.next() < pi ? 1 : 0));
  // The score ranks by the probability with some noise, as a real model's would.
  const score = p.map((pi) => Math.log(pi / (1 - pi)) + 0.5 * normal());
  return { p, y, score, truth: mean(y) };
}

function inspect(pop: ReturnType<typeof population>, seed: number, topShare: number, exploreShare: number): IpwUnit[] {
  const random = new SeededRandom(seed);
  const n = pop.p.length;
  const cut = [...pop.score].sort((a, b) => b - a)[Math.floor(topShare * n) - 1]!;
  const weight = pop.p.map((pi, i) => (pop.score[i]! >= cut ? 0 : Math.max(Math.sqrt(pi * (1 - pi)), 0.01)));
  const scale = (exploreShare * n) / weight.reduce((s, w) => s + w, 0);
  return pop.p.map((pi, i) => {
    const propensity = pop.score[i]! >= cut ? 1 : Math.min(1, Math.max(scale * weight[i]!, 0.1 * exploreShare));
    const inspected = propensity === 1 || random.next() < propensity;
    return { propensity, inspected, outcome: inspected ? pop.y[i]! : 0, prediction: pi };
  });
}

/** The errors of each estimator over `reps` selections of one population, and the interval's coverage. */
function replicate(pop: ReturnType<typeof population>, reps: number, exploreShare: number) {
  const errors = { ht: [] as number[], hajek: [] as number[], aipw: [] as number[], naive: [] as number[] };
  let covered = 0;
  for (let r = 0; r < reps; r++) {
    const units = inspect(pop, 1000 + r, 0.04, exploreShare);
    const e = ipwEstimate(units);
    errors.ht.push(e.horvitzThompson - pop.truth);
    errors.hajek.push(e.hajek - pop.truth);
    errors.aipw.push(e.aipw! - pop.truth);
    errors.naive.push(mean(units.filter((u) => u.inspected).map((u) => u.outcome)) - pop.truth);
    if (e.ci95[0] <= pop.truth && pop.truth <= e.ci95[1]) covered++;
  }
  return { errors, coverage: covered / reps };
}

describe('ipwEstimate on a synthetic flow with a known truth', () => {
  const reps = 400;
  const rare = population(4000, 7, 'rare');
  // 4 % inspected from the top of the ranking, 1 % of the flow explored: about 3 explored findings a run.
  const lean = replicate(rare, reps, 0.01);

  it('has a truth worth estimating', () => {
    assert.ok(rare.truth > 0.02 && rare.truth < 0.08, `finding rate ${rare.truth}`);
  });

  for (const name of ['ht', 'hajek', 'aipw'] as const) {
    it(`${name}: unbiased on average over ${reps} selections`, () => {
      const bias = mean(lean.errors[name]);
      const standardError = Math.sqrt(variance(lean.errors[name]) / reps);
      // Within 3.5 standard errors of the mean error, and small against the truth itself.
      assert.ok(Math.abs(bias) < 3.5 * standardError, `${name}: mean error ${bias}, its standard error ${standardError}`);
      assert.ok(Math.abs(bias) < 0.05 * rare.truth, `${name}: mean error ${bias} against a truth of ${rare.truth}`);
    });
  }

  it('the naive rate among the inspected is badly biased', () => {
    const bias = mean(lean.errors.naive);
    assert.ok(bias > 2 * rare.truth, `naive mean error ${bias} against a truth of ${rare.truth}`);
  });

  it('AIPW has less variance than Horvitz–Thompson when the predictions are informative', () => {
    const common = population(4000, 8, 'common');
    const { errors } = replicate(common, 200, 0.01);
    const ratio = variance(errors.aipw) / variance(errors.ht);
    assert.ok(ratio < 0.7, `Var(AIPW) / Var(HT) = ${ratio}`);
    assert.ok(Math.abs(mean(errors.aipw)) < 0.02 * common.truth, `AIPW mean error ${mean(errors.aipw)}`);
    // With rare findings the residual y − p is hardly smaller than y: the gain is only about 1 − p.
    const rareRatio = variance(lean.errors.aipw) / variance(lean.errors.ht);
    assert.ok(rareRatio < 1 && rareRatio > 0.8, `rare flow: Var(AIPW) / Var(HT) = ${rareRatio}`);
  });

  it('the Hájek interval covers the truth about 95 % of the time once the explored findings are not few', () => {
    // 10 % of the flow explored: about 27 explored findings a run.
    const { coverage } = replicate(rare, reps, 0.1);
    assert.ok(coverage > 0.91 && coverage < 0.98, `coverage ${coverage}`);
    // With about 3 explored findings, Wilson's interval at the effective size still holds the truth
    // most of the time (a normal interval there covered about 86 %).
    assert.ok(lean.coverage > 0.88, `coverage ${lean.coverage} with few explored findings`);
  });
});

describe('ipwEstimate with the propensities the selector records', () => {
  it('is unbiased for the finding rate of the whole flow, whatever the selector chose', () => {
    // One fixed flow of 3000 declarations (1 % mandated red); only the selector's draws vary.
    const pop = population(3000, 31, 'rare');
    const mandated = new SeededRandom(32);
    const forced = pop.p.map(() => mandated.next() < 0.01);
    const reps = 300;
    const errors = { ht: [] as number[], hajek: [] as number[], aipw: [] as number[], naive: [] as number[] };
    for (let r = 0; r < reps; r++) {
      const state = newSelectorState();
      const random = new SeededRandom(500 + r);
      const units = pop.p.map((p, i): IpwUnit => {
        const s = select(
          state,
          { office: 'ABC', redRate: 0.02, yellowRate: 0.03, exploreShare: 0.3, exploreMode: 'uncertainty' },
          { score: p, probability: p, mandated: forced[i] ? 'red' : undefined, at: `2025-03-03T${String(Math.floor(i / 125)).padStart(2, '0')}:00:00Z` },
          () => random.next(),
        );
        const inspected = s.lane !== 'green';
        return { propensity: s.propensity, inspected, outcome: inspected ? pop.y[i]! : 0, prediction: p };
      });
      const e = ipwEstimate(units);
      errors.ht.push(e.horvitzThompson - pop.truth);
      errors.hajek.push(e.hajek - pop.truth);
      errors.aipw.push(e.aipw! - pop.truth);
      errors.naive.push(mean(units.filter((u) => u.inspected).map((u) => u.outcome)) - pop.truth);
    }
    for (const name of ['ht', 'hajek', 'aipw'] as const) {
      const bias = mean(errors[name]);
      const standardError = Math.sqrt(variance(errors[name]) / reps);
      // Within 3.5 standard errors (the Monte Carlo noise is about 3 % of the truth here).
      assert.ok(Math.abs(bias) < 3.5 * standardError && Math.abs(bias) < 0.12 * pop.truth, `${name}: mean error ${bias} (± ${standardError}), truth ${pop.truth}`);
    }
    assert.ok(mean(errors.naive) > 1.5 * pop.truth, `naive mean error ${mean(errors.naive)}`);
  });
});
