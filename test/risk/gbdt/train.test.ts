import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyBins, binOf, fitBins, type FeatureMatrix } from '../../../src/risk/gbdt/bins.ts';
import { logLossOfMargins, trainBooster } from '../../../src/risk/gbdt/train.ts';
import { predictMargin, predictProbability } from '../../../src/risk/gbdt/tree.ts';
import { rocAuc as auc } from '../../../src/risk/metrics.ts';
import { SeededRandom } from '../../../src/risk/random.ts';

/**
 * Rows where the label depends on an interaction (x0 > 0.5 xor x1 > 0.5), on whether x2 is missing,
 * and on noise; x3 is noise only.
 */
function dataset(rows: number, seed: number, noise = 0.05) {
  const rng = new SeededRandom(seed);
  const cols = [0, 1, 2, 3].map(() => new Float64Array(rows));
  const labels = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const x0 = rng.next();
    const x1 = rng.next();
    const missing = rng.next() < 0.2;
    cols[0]![r] = x0;
    cols[1]![r] = x1;
    cols[2]![r] = missing ? Number.NaN : rng.next();
    cols[3]![r] = rng.next();
    let y = (x0 > 0.5) !== (x1 > 0.5) ? 1 : 0;
    if (missing) y = 1;
    if (rng.next() < noise) y = 1 - y;
    labels[r] = y;
  }
  const matrix: FeatureMatrix = { rows, names: ['x0', 'x1', 'x2', 'x3'], columns: cols };
  return { matrix, labels };
}

describe('histogram GBDT', () => {
  it('learns an interaction and a missing-value signal, and generalises to new rows', () => {
    const train = dataset(4000, 1);
    const test = dataset(2000, 2);
    const { booster } = trainBooster(train, undefined, { rounds: 60, learningRate: 0.2, maxLeaves: 8, seed: 3 });
    const p = predictProbability(booster, test.matrix);
    assert.ok(auc(p, test.labels) > 0.93, `AUC ${auc(p, test.labels)}`);
    // Rows with x2 missing are nearly all positive: the model must route them that way.
    let missingMean = 0;
    let k = 0;
    for (let r = 0; r < test.matrix.rows; r++) {
      if (Number.isNaN(test.matrix.columns[2]![r])) {
        missingMean += p[r]!;
        k += 1;
      }
    }
    assert.ok(missingMean / k > 0.85, `mean probability with x2 missing: ${missingMean / k}`);
  });

  it('predicts from raw values exactly what it learned from bins', () => {
    const train = dataset(3000, 4);
    const { booster, history } = trainBooster(train, undefined, { rounds: 25, maxLeaves: 16, seed: 5 });
    const margin = predictMargin(booster, train.matrix);
    assert.equal(logLossOfMargins(margin, Float64Array.from(train.labels)), history.at(-1)!.trainLoss);
  });

  it('lowers the training loss round after round', () => {
    const { history } = trainBooster(dataset(2000, 6), undefined, { rounds: 20, seed: 1 });
    for (let i = 1; i < history.length; i++) assert.ok(history[i]!.trainLoss <= history[i - 1]!.trainLoss + 1e-12, `round ${i + 1}`);
  });

  it('gives the same trees for the same seed, and other trees for another seed when it subsamples', () => {
    const d = dataset(2000, 7);
    const params = { rounds: 15, rowSubsample: 0.7, colSubsample: 0.75, seed: 11 };
    const a = trainBooster(d, undefined, params).booster;
    const b = trainBooster(d, undefined, params).booster;
    const c = trainBooster(d, undefined, { ...params, seed: 12 }).booster;
    assert.deepStrictEqual(a, b);
    assert.notDeepStrictEqual(a, c);
  });

  it('stops early when the validation loss stops improving, and keeps the best round', () => {
    const train = dataset(1500, 8, 0.3);
    const valid = dataset(1500, 9, 0.3);
    const r = trainBooster(train, valid, { rounds: 500, learningRate: 0.3, maxLeaves: 31, minDataInLeaf: 2, earlyStoppingRounds: 10, seed: 1 });
    assert.ok(r.history.length < 500, `ran ${r.history.length} rounds`);
    const losses = r.history.map((h) => h.validLoss!);
    assert.equal(r.rounds, losses.indexOf(Math.min(...losses)) + 1);
    assert.equal(r.booster.trees.length, r.rounds);
    assert.equal(r.history.length, r.rounds + 10);
  });

  it('respects the leaf and depth limits and the minimum rows per leaf', () => {
    const d = dataset(2000, 10);
    const { booster } = trainBooster(d, undefined, { rounds: 5, maxLeaves: 6, minDataInLeaf: 50, seed: 1 });
    for (const t of booster.trees) {
      const leaves = [...t.feature].filter((f) => f < 0).length;
      assert.ok(leaves <= 6);
    }
    const shallow = trainBooster(d, undefined, { rounds: 5, maxLeaves: 64, maxDepth: 2, seed: 1 }).booster;
    for (const t of shallow.trees) assert.ok(t.feature.length <= 7, `${t.feature.length} nodes`);
  });

  it('weights rows: a weight of 0 is as if the row were absent', () => {
    const d = dataset(1000, 12);
    const weights = new Float64Array(1000).fill(1);
    for (let i = 500; i < 1000; i++) weights[i] = 0;
    const half = { matrix: { ...d.matrix, rows: 500, columns: d.matrix.columns.map((c) => c.slice(0, 500)) }, labels: d.labels.slice(0, 500) };
    const a = trainBooster({ ...d, weights }, undefined, { rounds: 5, minDataInLeaf: 1, minChildWeight: 1e-3, seed: 1 }).booster;
    const b = trainBooster(half, undefined, { rounds: 5, minDataInLeaf: 1, minChildWeight: 1e-3, seed: 1 }).booster;
    const pa = predictMargin(a, half.matrix);
    const pb = predictMargin(b, half.matrix);
    // Not the same trees (bins are fitted on every row), but the same fit of the kept rows.
    assert.ok(Math.abs(logLossOfMargins(pa, Float64Array.from(half.labels)) - logLossOfMargins(pb, Float64Array.from(half.labels))) < 0.02);
  });

  it('refuses one-class data, labels other than 0/1 and mismatched lengths, naming what is wrong', () => {
    const d = dataset(100, 13);
    assert.throws(() => trainBooster({ matrix: d.matrix, labels: new Uint8Array(100) }, undefined), /one class only \(no positive/);
    assert.throws(() => trainBooster({ matrix: d.matrix, labels: new Uint8Array(100).fill(1) }, undefined), /no negative/);
    const two = Float64Array.from(d.labels);
    two[7] = 2;
    assert.throws(() => trainBooster({ matrix: d.matrix, labels: two }, undefined), /row 8: label 2; expected 0 or 1/);
    assert.throws(() => trainBooster({ matrix: d.matrix, labels: d.labels.slice(1) }, undefined), /100 rows but 99 labels/);
    assert.throws(() => trainBooster(d, undefined, { learningRate: 0 }), /learningRate is 0/);
  });
});

describe('bins', () => {
  it('give few distinct values a bin each, many values at most 255 bins, and missing values bin 0', () => {
    const few = Float64Array.from([3, 1, 2, 2, 3, Number.NaN]);
    const many = Float64Array.from({ length: 10_000 }, (_, i) => Math.sin(i) * 1000);
    const m: FeatureMatrix = { rows: 6, names: ['few'], columns: [few] };
    const mapper = fitBins(m);
    assert.equal(mapper.upper[0]!.length, 3);
    assert.deepEqual([...applyBins(m, mapper).bins[0]!], [3, 1, 2, 2, 3, 0]);
    const big = fitBins({ rows: many.length, names: ['many'], columns: [many] });
    assert.ok(big.upper[0]!.length <= 255 && big.upper[0]!.length > 200);
    // A value's bin is the first whose upper bound it does not exceed.
    const u = big.upper[0]!;
    for (const v of [-1000, -999.5, 0, 12.3, 999.9, 1e9]) {
      const b = binOf(u, v);
      assert.ok(v <= u[b - 1]! && (b === 1 || v > u[b - 2]!), `value ${v} in bin ${b}`);
    }
  });

  it('give a heavy value a bin of its own', () => {
    const col = Float64Array.from({ length: 10_000 }, (_, i) => (i < 6000 ? 0 : i));
    const mapper = fitBins({ rows: col.length, names: ['x'], columns: [col] }, 16);
    assert.ok(mapper.upper[0]![0]! < 6000 && mapper.upper[0]![0]! >= 0);
    assert.ok(mapper.upper[0]!.length <= 16);
  });
});

describe('histogram GBDT on two threads', () => {
  it('learns exactly the same trees on one thread and on two', () => {
    // Enough rows that the root's histograms are shared between the threads.
    const d = dataset(80_000, 21);
    const params = { rounds: 6, rowSubsample: 0.8, colSubsample: 0.9, seed: 4 };
    const one = trainBooster(d, undefined, { ...params, threads: 1 }).booster;
    const two = trainBooster(d, undefined, { ...params, threads: 2 }).booster;
    assert.deepStrictEqual(two, one);
  });
});
