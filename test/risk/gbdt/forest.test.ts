import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FeatureMatrix } from '../../../src/risk/gbdt/bins.ts';
import { compileForest, MAX_DEPTH, predictMarginFast } from '../../../src/risk/gbdt/forest.ts';
import { trainBooster } from '../../../src/risk/gbdt/train.ts';
import { predictMargin } from '../../../src/risk/gbdt/tree.ts';
import { SeededRandom } from '../../../src/risk/random.ts';

/** Rows with missing values in two features (so that splits send them either way) and a label mixing them all. */
function data(rows: number, seed: number) {
  const rng = new SeededRandom(seed);
  const cols = Array.from({ length: 6 }, () => new Float64Array(rows));
  const labels = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    cols.forEach((c, f) => (c[r] = f < 2 && rng.next() < 0.2 ? Number.NaN : Math.round(rng.next() * 1000) / 100));
    const a = cols[0]![r]!;
    labels[r] = (Number.isNaN(a) ? cols[2]![r]! > 5 : a > 4 && cols[1]![r]! < 6) !== rng.next() < 0.1 ? 1 : 0;
  }
  const matrix: FeatureMatrix = { rows, names: ['a', 'b', 'c', 'd', 'e', 'f'], columns: cols };
  return { matrix, labels };
}

describe('compiled forest', () => {
  const train = data(4000, 1);
  const test = data(1234, 2); // not a multiple of the block or of the lanes

  it('gives predictMargin’s numbers to the last bit', () => {
    for (const params of [{ maxDepth: 3, maxLeaves: 8 }, { maxDepth: 8, maxLeaves: 31 }, { maxDepth: 0, maxLeaves: 4 }]) {
      const { booster } = trainBooster(train, undefined, { rounds: 30, minDataInLeaf: 5, seed: 3, ...params });
      assert.ok(compileForest(booster) !== undefined, `depth ${params.maxDepth} compiles`);
      assert.deepEqual(predictMarginFast(booster, test.matrix), predictMargin(booster, test.matrix));
      const one: FeatureMatrix = { rows: 1, names: test.matrix.names, columns: test.matrix.columns.map((c) => c.subarray(7, 8)) };
      assert.deepEqual(predictMarginFast(booster, one), predictMargin(booster, one));
    }
  });

  it('falls back to predictMargin for trees deeper than it compiles', () => {
    const { booster } = trainBooster(train, undefined, { rounds: 5, maxDepth: 0, maxLeaves: 64, minDataInLeaf: 1, seed: 4 });
    const deepest = Math.max(...booster.trees.map((t) => depth(t.feature, t.left, t.right)));
    assert.ok(deepest > MAX_DEPTH, `a tree ${deepest} deep`);
    assert.equal(compileForest(booster), undefined);
    assert.deepEqual(predictMarginFast(booster, test.matrix), predictMargin(booster, test.matrix));
  });
});

function depth(feature: Int32Array, left: Int32Array, right: Int32Array, n = 0): number {
  return feature[n]! < 0 ? 0 : 1 + Math.max(depth(feature, left, right, left[n]!), depth(feature, left, right, right[n]!));
}
