import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FeatureMatrix } from '../../../src/risk/gbdt/bins.ts';
import { explainRecursive } from '../../../src/risk/gbdt/shap-recursive.ts';
import { explain, expectedValue, gaussLegendre, topReasons } from '../../../src/risk/gbdt/shap.ts';
import { trainBooster } from '../../../src/risk/gbdt/train.ts';
import { predictMargin, type Booster, type Tree } from '../../../src/risk/gbdt/tree.ts';
import { SeededRandom } from '../../../src/risk/random.ts';

/** E[tree(x) | x_S]: features in S follow the row, the others split by the training covers (TreeSHAP's definition). */
function conditional(t: Tree, x: readonly number[], inS: (f: number) => boolean, n = 0): number {
  const f = t.feature[n]!;
  if (f < 0) return t.value[n]!;
  const l = t.left[n]!;
  const r = t.right[n]!;
  if (inS(f)) {
    const v = x[f]!;
    const left = Number.isNaN(v) ? t.missingLeft[n] === 1 : v <= t.threshold[n]!;
    return conditional(t, x, inS, left ? l : r);
  }
  return (t.cover[l]! * conditional(t, x, inS, l) + t.cover[r]! * conditional(t, x, inS, r)) / t.cover[n]!;
}

/** Shapley values by their definition: every subset of the other features, weighted. */
function bruteForce(b: Booster, x: readonly number[]): number[] {
  const F = b.featureCount;
  const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
  const value = (mask: number) => b.trees.reduce((s, t) => s + conditional(t, x, (f) => (mask & (1 << f)) !== 0), 0);
  const phi = new Array<number>(F).fill(0);
  for (let i = 0; i < F; i++) {
    for (let mask = 0; mask < 1 << F; mask++) {
      if (mask & (1 << i)) continue;
      let size = 0;
      for (let j = 0; j < F; j++) if (mask & (1 << j)) size++;
      const w = (fact(size) * fact(F - size - 1)) / fact(F);
      phi[i]! += w * (value(mask | (1 << i)) - value(mask));
    }
  }
  return phi;
}

function data(rows: number, seed: number) {
  const rng = new SeededRandom(seed);
  const cols = Array.from({ length: 5 }, () => new Float64Array(rows));
  const labels = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    for (const c of cols) c[r] = rng.next() < 0.1 ? Number.NaN : rng.next();
    const a = cols[0]![r]!;
    const b = cols[1]![r]!;
    labels[r] = (a > 0.6 && b < 0.5) || cols[2]![r]! > 0.9 || Number.isNaN(a) ? (rng.next() < 0.9 ? 1 : 0) : rng.next() < 0.1 ? 1 : 0;
  }
  const matrix: FeatureMatrix = { rows, names: ['a', 'b', 'c', 'd', 'e'], columns: cols };
  return { matrix, labels };
}

describe('TreeSHAP', () => {
  const d = data(3000, 1);
  const { booster } = trainBooster(d, undefined, { rounds: 12, maxLeaves: 12, minDataInLeaf: 10, seed: 2 });
  const margin = predictMargin(booster, d.matrix);

  it('gives exactly the Shapley values of the trees (checked against their definition)', () => {
    for (const r of [0, 1, 2, 7, 42, 99]) {
      const x = d.matrix.columns.map((c) => c[r]!);
      const e = explain(booster, (f) => x[f]!);
      const want = bruteForce(booster, x);
      e.contributions.forEach((v, f) => assert.ok(Math.abs(v - want[f]!) < 1e-9, `row ${r} feature ${f}: ${v} vs ${want[f]}`));
    }
  });

  it('adds up: expected value plus contributions is the row’s log-odds', () => {
    for (let r = 0; r < 200; r++) {
      const e = explain(booster, (f) => d.matrix.columns[f]![r]!);
      const sum = e.contributions.reduce((a, b) => a + b, e.expected);
      assert.ok(Math.abs(sum - margin[r]!) < 1e-9, `row ${r}: ${sum} vs ${margin[r]}`);
    }
    assert.ok(Math.abs(expectedValue(booster.trees[0]!)) < 1, 'a first tree moves the average little');
  });

  it('names the features that raised the score most, and no feature that does nothing', () => {
    const r = Array.from({ length: 3000 }, (_, i) => i).find((i) => d.matrix.columns[2]![i]! > 0.95 && d.matrix.columns[0]![i]! < 0.3)!;
    const e = explain(booster, (f) => d.matrix.columns[f]![r]!);
    const reasons = topReasons(e, d.matrix.names);
    assert.equal(reasons[0]!.feature, 'c');
    assert.ok(reasons.every((x) => x.contribution > 0));
    assert.ok(Math.abs(e.contributions[4]!) < Math.abs(e.contributions[2]!) / 5, 'noise feature e');
  });

  it('gives the values of the recursive algorithm (Lundberg’s algorithm 2) to 1e-12, deep trees and missing values included', () => {
    const deep = trainBooster(d, undefined, { rounds: 20, maxLeaves: 40, maxDepth: 0, minDataInLeaf: 5, seed: 4 }).booster;
    for (const b of [booster, deep]) {
      for (let r = 0; r < 300; r++) {
        const valueOf = (f: number) => d.matrix.columns[f]![r]!;
        const fast = explain(b, valueOf);
        const slow = explainRecursive(b, valueOf);
        assert.equal(fast.expected, slow.expected);
        fast.contributions.forEach((v, f) => assert.ok(Math.abs(v - slow.contributions[f]!) < 1e-12, `row ${r} feature ${f}: ${v} vs ${slow.contributions[f]}`));
      }
    }
  });

  it('integrates polynomials of degree 2q − 1 exactly with q Gauss–Legendre points', () => {
    for (let q = 1; q <= 16; q++) {
      const { nodes, weights } = gaussLegendre(q);
      for (let k = 0; k <= 2 * q - 1; k++) {
        const integral = nodes.reduce((s, t, i) => s + weights[i]! * t ** k, 0);
        assert.ok(Math.abs(integral - 1 / (k + 1)) < 1e-14, `q ${q}, t^${k}: ${integral}`);
      }
    }
  });

  it('orders top reasons as a full sort would: larger first, lower feature first on a tie, positive only', () => {
    const contributions = Float64Array.of(0.1, -2, 0.3, 0.3, Number.NaN, 0, 0.2, 0.05);
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    assert.deepEqual(topReasons({ expected: 0, contributions }, names).map((r) => r.feature), ['c', 'd', 'g']);
    assert.deepEqual(topReasons({ expected: 0, contributions }, names, 10).map((r) => r.feature), ['c', 'd', 'g', 'a', 'h']);
    assert.deepEqual(topReasons({ expected: 0, contributions: Float64Array.of(-1, 0) }, names), []);
  });
});
