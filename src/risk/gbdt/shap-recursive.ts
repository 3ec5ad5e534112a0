import type { Explanation } from './shap.ts';
import { expectedValue, type Booster, type Tree } from './tree.ts';

/**
 * TreeSHAP as first published (Lundberg, Erion & Lee, "Consistent individualized feature attribution
 * for tree ensembles", algorithm 2): one recursion per tree that carries the path's Shapley weights
 * down and unwinds them at each leaf, O(leaves × depth²) per tree for every row. `explain` in
 * shap.ts gives the same values faster; this one stays as the independent reference its tests
 * compare it with.
 */

/** One element of the path of features from the root to the current node. */
interface PathBuffer {
  readonly feature: Int32Array;
  readonly zero: Float64Array;
  readonly one: Float64Array;
  readonly weight: Float64Array;
}

function depthOf(t: Tree, n = 0): number {
  return t.feature[n]! < 0 ? 0 : 1 + Math.max(depthOf(t, t.left[n]!), depthOf(t, t.right[n]!));
}

const PATHS = new WeakMap<Tree, PathBuffer>();

/** The tree's path buffer: one path copy per recursion level, side by side, each just after its parent's. */
function pathFor(t: Tree): PathBuffer {
  let p = PATHS.get(t);
  if (p === undefined) {
    const d = depthOf(t) + 3;
    const size = ((d + 1) * (d + 2)) / 2;
    p = { feature: new Int32Array(size), zero: new Float64Array(size), one: new Float64Array(size), weight: new Float64Array(size) };
    PATHS.set(t, p);
  }
  return p;
}

/** Adds one tree's contributions for the row to `phi`. */
export function addTreeRecursive(t: Tree, valueOf: (feature: number) => number, phi: Float64Array): void {
  if (t.feature[0]! >= 0) recurse(t, valueOf, phi, pathFor(t), 0, 0, 0, 1, 1, -1);
}

export function explainRecursive(b: Booster, valueOf: (feature: number) => number): Explanation {
  let expected = b.baseScore;
  for (const t of b.trees) expected += expectedValue(t);
  const phi = new Float64Array(b.featureCount);
  for (const t of b.trees) addTreeRecursive(t, valueOf, phi);
  return { expected, contributions: phi };
}

function recurse(t: Tree, valueOf: (f: number) => number, phi: Float64Array, p: PathBuffer, parent: number, node: number, depth: number, zero: number, one: number, feature: number): void {
  // This level's path is a copy of the parent's (depth + 1 elements), extended by the feature that led here.
  const start = parent + depth + 1;
  p.feature.copyWithin(start, parent, parent + depth + 1);
  p.zero.copyWithin(start, parent, parent + depth + 1);
  p.one.copyWithin(start, parent, parent + depth + 1);
  p.weight.copyWithin(start, parent, parent + depth + 1);
  extend(p, start, depth, zero, one, feature);
  const f = t.feature[node]!;
  if (f < 0) {
    for (let i = 1; i <= depth; i++) {
      const w = unwoundSum(p, start, depth, i);
      phi[p.feature[start + i]!]! += w * (p.one[start + i]! - p.zero[start + i]!) * t.value[node]!;
    }
    return;
  }
  const v = valueOf(f);
  const goLeft = Number.isNaN(v) ? t.missingLeft[node] === 1 : v <= t.threshold[node]!;
  const hot = goLeft ? t.left[node]! : t.right[node]!;
  const cold = goLeft ? t.right[node]! : t.left[node]!;
  let m = depth;
  let iz = 1;
  let io = 1;
  // A feature met again on the path: undo its earlier step and fold its fractions in.
  let k = 1;
  for (; k <= m; k++) if (p.feature[start + k] === f) break;
  if (k <= m) {
    iz = p.zero[start + k]!;
    io = p.one[start + k]!;
    unwind(p, start, m, k);
    m -= 1;
  }
  const cover = t.cover[node]!;
  const hotShare = cover > 0 ? t.cover[hot]! / cover : 0.5;
  const coldShare = cover > 0 ? t.cover[cold]! / cover : 0.5;
  recurse(t, valueOf, phi, p, start, hot, m + 1, iz * hotShare, io, f);
  recurse(t, valueOf, phi, p, start, cold, m + 1, iz * coldShare, 0, f);
}

function extend(p: PathBuffer, s: number, m: number, zero: number, one: number, feature: number): void {
  p.feature[s + m] = feature;
  p.zero[s + m] = zero;
  p.one[s + m] = one;
  p.weight[s + m] = m === 0 ? 1 : 0;
  for (let i = m - 1; i >= 0; i--) {
    p.weight[s + i + 1]! += (one * p.weight[s + i]! * (i + 1)) / (m + 1);
    p.weight[s + i] = (zero * p.weight[s + i]! * (m - i)) / (m + 1);
  }
}

function unwind(p: PathBuffer, s: number, m: number, i: number): void {
  const one = p.one[s + i]!;
  const zero = p.zero[s + i]!;
  let n = p.weight[s + m]!;
  for (let j = m - 1; j >= 0; j--) {
    if (one !== 0) {
      const t = p.weight[s + j]!;
      p.weight[s + j] = (n * (m + 1)) / ((j + 1) * one);
      n = t - (p.weight[s + j]! * zero * (m - j)) / (m + 1);
    } else {
      p.weight[s + j] = (p.weight[s + j]! * (m + 1)) / (zero * (m - j));
    }
  }
  for (let j = i; j < m; j++) {
    p.feature[s + j] = p.feature[s + j + 1]!;
    p.zero[s + j] = p.zero[s + j + 1]!;
    p.one[s + j] = p.one[s + j + 1]!;
  }
}

function unwoundSum(p: PathBuffer, s: number, m: number, i: number): number {
  const one = p.one[s + i]!;
  const zero = p.zero[s + i]!;
  let n = p.weight[s + m]!;
  let total = 0;
  for (let j = m - 1; j >= 0; j--) {
    if (one !== 0) {
      const t = (n * (m + 1)) / ((j + 1) * one);
      total += t;
      n = p.weight[s + j]! - (t * zero * (m - j)) / (m + 1);
    } else {
      total += p.weight[s + j]! / zero / ((m - j) / (m + 1));
    }
  }
  return total;
}
