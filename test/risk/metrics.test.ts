import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { atRates, brier, evaluateScores, evaluationCurves, logLoss, prAuc, reliability, rocAuc } from '../../src/risk/metrics.ts';

/**
 * Hand-computed cases, and properties against brute-force definitions written out here: the
 * pairwise definition of ROC AUC, the threshold-by-threshold definition of average precision,
 * and a plain comparator sort for the top-k rows.
 */

const close = (actual: number, expected: number, eps = 1e-12, what = 'value') =>
  assert.ok(Math.abs(actual - expected) <= eps, `${what}: expected ${expected}, got ${actual}`);

/** Scores with many ties, and the awkward values a radix sort on float bits must order right. */
const score = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: -3, max: 3 }).map((x) => x / 2) },
  { weight: 1, arbitrary: fc.constantFrom(-0, 0, Infinity, -Infinity, 1e-300, -1e-300, 5e-324, -1e300, 0.1, 0.7) },
  { weight: 1, arbitrary: fc.double({ noNaN: true }) },
);
const rows = fc.array(fc.tuple(score, fc.integer({ min: 0, max: 1 })), { minLength: 0, maxLength: 40 });
const split = (rs: readonly (readonly [number, number])[]) => ({ scores: rs.map((r) => r[0]), labels: rs.map((r) => r[1]) });
const bothClasses = (labels: readonly number[]) => labels.includes(0) && labels.includes(1);

function bruteAuc(scores: readonly number[], labels: readonly number[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      if (scores[i]! > scores[j]!) wins += 1;
      else if (scores[i] === scores[j]) wins += 0.5;
    }
  }
  return wins / pairs;
}

/** Σ over distinct thresholds t, highest first, of (recall(t) − recall(previous t)) × precision(t), with "selected" meaning score ≥ t. */
function bruteAveragePrecision(scores: readonly number[], labels: readonly number[]): number {
  const positives = labels.filter((y) => y === 1).length;
  const thresholds = [...new Set(scores.map((s) => s + 0))].sort((a, b) => b - a);
  let ap = 0;
  let previousRecall = 0;
  for (const t of thresholds) {
    const selected = scores.map((s, i) => [s, labels[i]!] as const).filter(([s]) => s >= t);
    const tp = selected.filter(([, y]) => y === 1).length;
    const recall = tp / positives;
    ap += (recall - previousRecall) * (tp / selected.length);
    previousRecall = recall;
  }
  return ap;
}

describe('rocAuc', () => {
  it('is 1 for a perfect ranking, 0 for a reversed one and 0.5 when every score ties', () => {
    assert.equal(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]), 1);
    assert.equal(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]), 0);
    assert.equal(rocAuc([0.3, 0.3, 0.3, 0.3, 0.3], [0, 1, 0, 1, 1]), 0.5);
  });

  it('matches known small cases, ties counting one half', () => {
    // scikit-learn's documentation example: 3 of the 4 positive–negative pairs are ordered right.
    assert.equal(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
    // Pairs (pos, neg): (0.9, 0.5) win, (0.9, 0.2) win, (0.5, 0.5) tie, (0.5, 0.2) win → 3.5 / 4.
    assert.equal(rocAuc([0.5, 0.5, 0.2, 0.9], [1, 0, 0, 1]), 0.875);
    assert.equal(rocAuc(new Float64Array([-0, 0, 1]), new Uint8Array([1, 0, 1])), 0.75);
  });

  it('equals the pairwise definition on random inputs with many ties', () => {
    fc.assert(
      fc.property(rows, (rs) => {
        const { scores, labels } = split(rs);
        fc.pre(bothClasses(labels));
        assert.equal(rocAuc(scores, labels), bruteAuc(scores, labels));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses different lengths, a single class, labels other than 0/1 and NaN scores', () => {
    assert.throws(() => rocAuc([0.1, 0.2, 0.3], [0, 1]), { name: 'RangeError', message: /scores has 3 values but labels has 2/ });
    assert.throws(() => rocAuc([0.1, 0.2], [1, 1]), { name: 'RangeError', message: /only one class \(2 positives, 0 negatives\)/ });
    assert.throws(() => rocAuc([0.1, 0.2], [0, 0]), { name: 'RangeError', message: /only one class \(0 positives, 2 negatives\)/ });
    assert.throws(() => rocAuc([], []), { name: 'RangeError', message: /only one class/ });
    assert.throws(() => rocAuc([0.1, 0.2, 0.3], [0, 2, 1]), { name: 'RangeError', message: /labels\[1\] is 2; labels must be 0 or 1/ });
    assert.throws(() => rocAuc([0.1, Number.NaN], [0, 1]), { name: 'RangeError', message: /scores\[1\] is NaN/ });
  });

  it('runs on 1,000,000 rows and finds the AUC the construction implies', () => {
    // score = u + 0.5·label with u uniform on [0, 1): P(u₁ + 0.5 > u₂) = 1 − 0.5²/2 = 0.875.
    const n = 1_000_000;
    const scores = new Float64Array(n);
    const labels = new Uint8Array(n);
    let seed = 0x9e3779b9;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    for (let i = 0; i < n; i++) {
      labels[i] = random() < 0.1 ? 1 : 0;
      scores[i] = random() + 0.5 * labels[i]!;
    }
    close(rocAuc(scores, labels), 0.875, 0.005, 'AUC of 1,000,000 rows');
  });
});

describe('prAuc', () => {
  it('matches hand-computed average precision', () => {
    // Thresholds 0.8: P 1, R ½; 0.4: P ½; 0.35: P ⅔, R 1 → ½·1 + ½·⅔ = 5/6 (scikit-learn's example).
    close(prAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 5 / 6);
    // The tied pair enters together: 0.9: P 1, R ½; 0.5 (one positive, one negative): P ⅔, R 1.
    close(prAuc([0.5, 0.5, 0.2, 0.9], [1, 0, 0, 1]), 0.5 + 0.5 * (2 / 3));
    assert.equal(prAuc([0.2, 0.2, 0.2], [1, 0, 0]), 1 / 3);
    assert.equal(prAuc([0.9, 0.1], [1, 1]), 1);
  });

  it('equals the threshold-by-threshold definition on random inputs', () => {
    fc.assert(
      fc.property(rows, (rs) => {
        const { scores, labels } = split(rs);
        fc.pre(labels.includes(1));
        close(prAuc(scores, labels), bruteAveragePrecision(scores, labels), 1e-12, 'average precision');
      }),
      { numRuns: 500 },
    );
  });

  it('refuses data without positives and different lengths', () => {
    assert.throws(() => prAuc([0.1, 0.2], [0, 0]), { name: 'RangeError', message: /without positives/ });
    assert.throws(() => prAuc([0.1], [0, 1]), { name: 'RangeError', message: /scores has 1 values but labels has 2/ });
  });
});

describe('atRates', () => {
  //                 row:  0    1    2    3    4    5    6    7    8    9
  const scores = [0.9, 0.5, 0.5, 0.5, 0.1, 0.5, 0.2, 0.3, 0.4, 0.0];
  const labels = [1, 0, 1, 0, 0, 1, 0, 0, 1, 0];
  const revenue = [10, 1, 2, 3, 4, 5, 6, 7, 8, 9]; // total 55
  // Ranking: 0, then the tie 1 2 3 5 in row order, then 8 7 6 4 9.

  it('takes the top floor(N × rate) rows, ties in row order', () => {
    const got = atRates(scores, labels, { rates: [0.5, 0.1, 0, 1, 0.3, 0.2], revenue });
    assert.deepEqual(got, [
      { rate: 0.5, k: 5, precision: 3 / 5, recall: 3 / 4, revenueShare: 21 / 55 },
      { rate: 0.1, k: 1, precision: 1, recall: 1 / 4, revenueShare: 10 / 55 },
      { rate: 0, k: 0, precision: 0, recall: 0, revenueShare: 0 },
      { rate: 1, k: 10, precision: 4 / 10, recall: 1, revenueShare: 1 },
      { rate: 0.3, k: 3, precision: 2 / 3, recall: 2 / 4, revenueShare: 13 / 55 },
      { rate: 0.2, k: 2, precision: 1 / 2, recall: 1 / 4, revenueShare: 11 / 55 },
    ]);
  });

  it('reports null revenue share without revenue, and 0 when the revenue totals 0', () => {
    assert.equal(atRates(scores, labels, { rates: [0.2] })[0]!.revenueShare, null);
    assert.equal(atRates(scores, labels, { rates: [0.2], revenue: new Float64Array(10) })[0]!.revenueShare, 0);
  });

  it('counts floor(N × rate) without floating-point loss: 29 % of 100 rows is 29', () => {
    const n = 100;
    const got = atRates(new Float64Array(n), new Uint8Array(n), { rates: [0.29, 0.07, 0.015] });
    assert.deepEqual(got.map((m) => m.k), [29, 7, 1]);
    assert.equal(got[0]!.recall, 0); // no positives: recall 0, not NaN
  });

  it('agrees with a plain sort of the rows on random inputs', () => {
    const input = fc
      .array(fc.tuple(score, fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1000 })), { maxLength: 40 })
      .chain((rs) => fc.tuple(fc.constant(rs), fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 5 })));
    fc.assert(
      fc.property(input, ([rs, percents]) => {
        const n = rs.length;
        const sc = rs.map((r) => r[0]);
        const ys = rs.map((r) => r[1]);
        const money = rs.map((r) => r[2]);
        const order = rs.map((_, i) => i).sort((a, b) => (sc[a]! < sc[b]! ? 1 : sc[a]! > sc[b]! ? -1 : a - b));
        const positives = ys.filter((y) => y === 1).length;
        const total = money.reduce((a, b) => a + b, 0);
        const expected = percents.map((pct) => {
          const k = Math.floor((n * pct) / 100);
          const top = order.slice(0, k);
          const hits = top.filter((i) => ys[i] === 1).length;
          const taken = top.reduce((a, i) => a + money[i]!, 0);
          return {
            rate: pct / 100,
            k,
            precision: k === 0 ? 0 : hits / k,
            recall: positives === 0 ? 0 : hits / positives,
            revenueShare: total === 0 ? 0 : taken / total,
          };
        });
        assert.deepEqual(atRates(sc, ys, { rates: percents.map((p) => p / 100), revenue: money }), expected);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses rates outside [0, 1], negative revenue and mismatched lengths', () => {
    assert.throws(() => atRates(scores, labels, { rates: [5] }), { name: 'RangeError', message: /rates\[0\] is 5/ });
    assert.throws(() => atRates(scores, labels, { rates: [0.1], revenue: [1, 2] }), {
      name: 'RangeError',
      message: /labels has 10 values but revenue has 2/,
    });
    const bad = revenue.slice();
    bad[4] = -1;
    assert.throws(() => atRates(scores, labels, { rates: [0.1], revenue: bad }), { name: 'RangeError', message: /revenue\[4\] is -1/ });
    assert.throws(() => atRates([1, 2], [1], { rates: [0.1] }), { name: 'RangeError', message: /scores has 2 values but labels has 1/ });
  });
});

describe('brier and logLoss', () => {
  it('compute the mean squared error and the mean cross-entropy', () => {
    close(brier([0.1, 0.9, 0.5], [0, 1, 1]), (0.01 + 0.01 + 0.25) / 3);
    assert.equal(brier([1, 0], [1, 0]), 0);
    close(logLoss([0.5, 0.5], [0, 1]), Math.LN2);
    close(logLoss([0.9, 0.2, 0.3], [1, 1, 0]), -(Math.log(0.9) + Math.log(0.2) + Math.log(0.7)) / 3);
  });

  it('clip probabilities to [1e-15, 1 − 1e-15]', () => {
    assert.equal(logLoss([0], [1]), -Math.log(1e-15));
    assert.equal(logLoss([1e-20], [1]), -Math.log(1e-15));
    // 1 − 1e-15 is 0.999999999999999000799… as a double, so the far end differs in the 4th decimal.
    close(logLoss([1], [0]), -Math.log(1e-15), 1e-3);
    assert.equal(logLoss([1], [0]), logLoss([1 - 1e-17], [0]));
    assert.ok(Number.isFinite(logLoss([0, 1, 0.5], [1, 0, 1])));
  });

  it('weight the mean when weights are given', () => {
    close(logLoss([0.9, 0.2], [1, 1], [3, 1]), -(3 * Math.log(0.9) + Math.log(0.2)) / 4);
    assert.throws(() => logLoss([0.9, 0.2], [1, 1], [0, 0]), { name: 'RangeError', message: /total weight/ });
    assert.throws(() => logLoss([0.9, 0.2], [1, 1], [1]), { name: 'RangeError', message: /probabilities has 2 values but weights has 1/ });
  });

  it('refuse probabilities outside [0, 1], mismatched lengths and empty input', () => {
    assert.throws(() => brier([0.5, 1.5], [0, 1]), { name: 'RangeError', message: /probabilities\[1\] is 1.5/ });
    assert.throws(() => logLoss([Number.NaN], [0]), { name: 'RangeError', message: /probabilities\[0\] is NaN/ });
    assert.throws(() => brier([0.5], [0, 1]), { name: 'RangeError', message: /probabilities has 1 values but labels has 2/ });
    assert.throws(() => brier([], []), { name: 'RangeError', message: /no rows/ });
  });
});

describe('reliability', () => {
  it('fills equal-width bins, the last one holding probability 1, empty bins with zeros', () => {
    const table = reliability([0, 0.05, 0.1, 0.3, 0.95, 1], [0, 1, 0, 1, 1, 1], 10);
    assert.equal(table.length, 10);
    assert.deepEqual(
      table.map((b) => b.count),
      [2, 1, 0, 1, 0, 0, 0, 0, 0, 2],
    );
    assert.deepEqual(table[0], { from: 0, to: 0.1, count: 2, meanPredicted: 0.025, observedRate: 0.5 });
    assert.deepEqual(table[2], { from: 0.2, to: 0.3, count: 0, meanPredicted: 0, observedRate: 0 });
    assert.equal(table[9]!.to, 1);
    close(table[9]!.meanPredicted, 0.975);
    assert.equal(table[9]!.observedRate, 1);
  });

  it('puts a probability equal to a bin edge into the bin starting there', () => {
    for (let bins = 1; bins <= 60; bins++) {
      const edges = Array.from({ length: bins + 1 }, (_, b) => b / bins);
      const table = reliability(edges, edges.map(() => 0), bins);
      const expected = Array.from({ length: bins }, (_, b) => (b === bins - 1 ? 2 : 1));
      assert.deepEqual(table.map((b) => b.count), expected, `${bins} bins`);
    }
  });

  it('has counts summing to N and means that add back up to the totals', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 1 })), { maxLength: 60 }),
        fc.integer({ min: 1, max: 20 }),
        (rs, bins) => {
          const p = rs.map((r) => r[0]);
          const y = rs.map((r) => r[1]);
          const table = reliability(p, y, bins);
          assert.equal(table.length, bins);
          assert.equal(table.reduce((a, b) => a + b.count, 0), rs.length);
          assert.equal(Math.round(table.reduce((a, b) => a + b.count * b.observedRate, 0)), y.filter((v) => v === 1).length);
          close(table.reduce((a, b) => a + b.count * b.meanPredicted, 0), p.reduce((a, b) => a + b, 0), 1e-9, 'Σ predicted');
          for (const b of table) {
            if (b.count > 0) assert.ok(b.meanPredicted >= b.from - 1e-12 && b.meanPredicted <= b.to + 1e-12, `bin ${b.from}–${b.to}`);
            else assert.deepEqual([b.meanPredicted, b.observedRate], [0, 0]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a bin count that is not a whole number ≥ 1', () => {
    assert.throws(() => reliability([0.5], [1], 0), { name: 'RangeError', message: /bins is 0/ });
    assert.throws(() => reliability([0.5], [1], 2.5), { name: 'RangeError', message: /bins is 2.5/ });
  });
});

describe('evaluateScores', () => {
  const n = 200;
  const labels = Array.from({ length: n }, (_, i) => (i % 7 === 0 || i % 11 === 0 ? 1 : 0));
  const scores = labels.map((y, i) => ((i * 37) % 101) / 101 + 0.4 * y);
  const probabilities = scores.map((s) => s / 1.4);
  const revenue = labels.map((y, i) => y * (i % 5));

  it('gathers every metric, keyed by inspection rate in percent', () => {
    const got = evaluateScores(scores, probabilities, labels, revenue);
    const rates = atRates(scores, labels, { rates: [0.01, 0.02, 0.05, 0.1], revenue });
    assert.equal(got.rows, n);
    assert.equal(got.positives, labels.filter((y) => y === 1).length);
    assert.equal(got.auc, rocAuc(scores, labels));
    assert.equal(got.prAuc, prAuc(scores, labels));
    assert.equal(got.brier, brier(probabilities, labels));
    assert.equal(got.logLoss, logLoss(probabilities, labels));
    assert.deepEqual(got.reliability, reliability(probabilities, labels, 10));
    const keyed = (f: (m: (typeof rates)[number]) => number | null) => Object.fromEntries(['1', '2', '5', '10'].map((k, i) => [k, f(rates[i]!)]));
    assert.deepEqual(got.precisionAt, keyed((m) => m.precision));
    assert.deepEqual(got.recallAt, keyed((m) => m.recall));
    assert.deepEqual(got.revenueAt, keyed((m) => m.revenueShare));
    assert.deepEqual(Object.keys(got.precisionAt), ['1', '2', '5', '10']);
    assert.equal(rates[3]!.k, 20);
    assert.ok(got.auc > 0.5 && got.auc < 1, `auc ${got.auc}`);
  });

  it('prints as JSON without NaN, revenueAt null when no revenue is given', () => {
    const got = evaluateScores(scores, probabilities, labels);
    assert.equal(got.revenueAt, null);
    const text = JSON.stringify(got);
    assert.deepEqual(JSON.parse(text), got);
    assert.equal(text.match(/null/g)?.length, 1);
  });

  it('refuses inputs of different lengths and probabilities outside [0, 1]', () => {
    assert.throws(() => evaluateScores(scores, probabilities.slice(1), labels), {
      name: 'RangeError',
      message: /scores has 200 values but probabilities has 199/,
    });
    assert.throws(() => evaluateScores(scores, scores, labels), { name: 'RangeError', message: /probabilities\[\d+\] is 1\.\d+/ });
    assert.throws(() => evaluateScores(scores, probabilities, labels, [1]), { name: 'RangeError', message: /revenue has 1/ });
  });
});

describe('evaluationCurves', () => {
  it('draws the inspection and ROC curves of a small case by hand', () => {
    //                 row:  0    1    2    3
    const got = evaluationCurves([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0], { revenue: [6, 0, 2, 0], ratePoints: 4 });
    assert.deepEqual(got.inspection, [
      { rate: 0.25, k: 1, precision: 1, recall: 1 / 2, revenueShare: 6 / 8 },
      { rate: 0.5, k: 2, precision: 1 / 2, recall: 1 / 2, revenueShare: 6 / 8 },
      { rate: 0.75, k: 3, precision: 2 / 3, recall: 1, revenueShare: 1 },
      { rate: 1, k: 4, precision: 1 / 2, recall: 1, revenueShare: 1 },
    ]);
    // Down the ranking: a positive (up), a negative (right), a positive, a negative.
    assert.deepEqual(got.roc, [
      { fpr: 0, tpr: 0 },
      { fpr: 0, tpr: 0.5 },
      { fpr: 0.5, tpr: 0.5 },
      { fpr: 0.5, tpr: 1 },
      { fpr: 1, tpr: 1 },
    ]);
  });

  it('takes rows of equal score together: a tie is one diagonal step of the ROC curve', () => {
    // Ranking: 0.9 (positive), then the tie 0.5 of rows 1–3 (one positive, two negatives), then 0.1 (negative).
    const got = evaluationCurves([0.9, 0.5, 0.5, 0.5, 0.1], [1, 0, 1, 0, 0], { ratePoints: 5 });
    assert.deepEqual(got.roc, [
      { fpr: 0, tpr: 0 },
      { fpr: 0, tpr: 0.5 },
      { fpr: 2 / 3, tpr: 1 },
      { fpr: 1, tpr: 1 },
    ]);
    // Inspection takes ties in row order, as atRates does: the second row taken is row 1, a negative.
    assert.deepEqual(got.inspection.map((m) => m.precision), [1, 1 / 2, 2 / 3, 2 / 4, 2 / 5]);
    assert.equal(got.inspection[0]!.revenueShare, null);
  });

  it('keeps at most rocPoints + 1 points, from (0, 0) to (1, 1); unthinned, its area is rocAuc', () => {
    fc.assert(
      fc.property(rows.filter((rs) => bothClasses(rs.map((r) => r[1]))), fc.integer({ min: 1, max: 12 }), (rs, rocPoints) => {
        const { scores, labels } = split(rs);
        const thin = evaluationCurves(scores, labels, { rocPoints }).roc;
        assert.ok(thin.length <= rocPoints + 1, `${thin.length} points for at most ${rocPoints + 1}`);
        assert.deepEqual(thin[0], { fpr: 0, tpr: 0 });
        assert.deepEqual(thin[thin.length - 1], { fpr: 1, tpr: 1 });
        for (let i = 1; i < thin.length; i++) assert.ok(thin[i]!.fpr >= thin[i - 1]!.fpr && thin[i]!.tpr >= thin[i - 1]!.tpr, 'monotone');
        const full = evaluationCurves(scores, labels, { rocPoints: 1_000 }).roc;
        let area = 0;
        for (let i = 1; i < full.length; i++) area += ((full[i]!.fpr - full[i - 1]!.fpr) * (full[i]!.tpr + full[i - 1]!.tpr)) / 2;
        close(area, rocAuc(scores, labels), 1e-9, 'trapezoidal area');
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with atRates at every inspection rate', () => {
    const n = 300;
    const scores = Array.from({ length: n }, (_, i) => ((i * 7919) % 101) / 101);
    const labels = scores.map((s, i) => (s > 0.6 || i % 13 === 0 ? 1 : 0));
    const revenue = scores.map((_, i) => i % 17);
    const got = evaluationCurves(scores, labels, { revenue, ratePoints: 50 });
    assert.equal(got.inspection.length, 50);
    assert.deepEqual(got.inspection, atRates(scores, labels, { rates: got.inspection.map((m) => m.rate), revenue }));
    assert.equal(got.inspection[49]!.rate, 1);
  });

  it('refuses one class only and point counts that are not whole numbers ≥ 1', () => {
    assert.throws(() => evaluationCurves([0.1, 0.2], [1, 1]), { name: 'RangeError', message: /only one class \(2 positives, 0 negatives\)/ });
    assert.throws(() => evaluationCurves([0.1, 0.2], [0, 1], { ratePoints: 0 }), { name: 'RangeError', message: /ratePoints is 0/ });
    assert.throws(() => evaluationCurves([0.1, 0.2], [0, 1], { rocPoints: 2.5 }), { name: 'RangeError', message: /rocPoints is 2.5/ });
  });
});
