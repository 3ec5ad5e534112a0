import type { FeatureMatrix } from './bins.ts';

/**
 * One regression tree, flat in typed arrays (node 0 is the root). An inner node sends a row left
 * when its value is at most `threshold` (or, for a missing value, when `missingLeft` is 1); a leaf
 * (`feature` -1) holds the tree's output for the rows that reach it, learning rate included.
 * `cover` is the hessian sum of the training rows that reached each node (TreeSHAP weighs paths
 * by it); `gain` the loss reduction of each split.
 */
export interface Tree {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  /** The split's last bin on the left, for routing rows already in bins. */
  readonly bin: Uint8Array;
  readonly missingLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
  readonly cover: Float64Array;
  readonly gain: Float64Array;
}

/** An additive model of trees on the log-odds scale. */
export interface Booster {
  readonly baseScore: number;
  readonly featureCount: number;
  readonly trees: readonly Tree[];
}

/** The cover-weighted mean of a tree's leaves: what it adds to a row on average. */
export function expectedValue(t: Tree, n = 0): number {
  if (t.feature[n]! < 0) return t.value[n]!;
  const l = t.left[n]!;
  const r = t.right[n]!;
  const c = t.cover[n]!;
  if (c <= 0) return (expectedValue(t, l) + expectedValue(t, r)) / 2;
  return (t.cover[l]! * expectedValue(t, l) + t.cover[r]! * expectedValue(t, r)) / c;
}

/** The leaf a row with these values reaches. */
export function leafOf(tree: Tree, valueOf: (feature: number) => number): number {
  let n = 0;
  while (tree.feature[n]! >= 0) {
    const v = valueOf(tree.feature[n]!);
    const goLeft = Number.isNaN(v) ? tree.missingLeft[n] === 1 : v <= tree.threshold[n]!;
    n = goLeft ? tree.left[n]! : tree.right[n]!;
  }
  return n;
}

/** Adds one tree's output for every row of a matrix to `margin`. */
export function addTree(tree: Tree, m: FeatureMatrix, margin: Float64Array): void {
  const { feature, threshold, missingLeft, left, right, value } = tree;
  const cols = m.columns;
  for (let r = 0; r < m.rows; r++) {
    let n = 0;
    let f = feature[0]!;
    while (f >= 0) {
      const v = cols[f]![r]!;
      n = (v <= threshold[n]! || (v !== v && missingLeft[n] === 1)) ? left[n]! : right[n]!;
      f = feature[n]!;
    }
    margin[r]! += value[n]!;
  }
}

/** The model's log-odds for every row of a matrix. */
export function predictMargin(b: Booster, m: FeatureMatrix): Float64Array {
  if (m.columns.length !== b.featureCount) throw new RangeError(`the matrix has ${m.columns.length} features, the model ${b.featureCount}`);
  const margin = new Float64Array(m.rows).fill(b.baseScore);
  for (const t of b.trees) addTree(t, m, margin);
  return margin;
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** The model's probability for every row of a matrix. */
export function predictProbability(b: Booster, m: FeatureMatrix): Float64Array {
  const margin = predictMargin(b, m);
  for (let i = 0; i < margin.length; i++) margin[i] = sigmoid(margin[i]!);
  return margin;
}
