import { expectedValue, type Booster, type Tree } from './tree.ts';

export { expectedValue };

/**
 * TreeSHAP: each feature's exact Shapley contribution to one row's log-odds, where a feature left
 * out is integrated over the training rows that reached each split (the nodes' covers), as defined
 * by Lundberg, Erion & Lee ("Consistent individualized feature attribution for tree ensembles").
 * The contributions and the expected value add up to the row's log-odds.
 *
 * Computed leaf by leaf, with each leaf's path worked out once per model (as Fast TreeSHAP,
 * Yang 2021, does). A tree's expectation given the features in S is a sum over its leaves of
 * v · Π_j (j ∈ S ? [x follows every split on j of the path] : z_j), z_j being the product of the
 * cover shares of the path's splits on j. For one leaf with the path's n distinct features P, of
 * which the row follows the splits of O ⊆ P, Shapley's formula gives
 *
 *   j ∈ O:  v · (1 − z_j) · C · G(O∖{j})        j ∉ O:  −v · C · G(O)
 *
 * with C = Π_{k ∈ P∖O} z_k and G(Q) = Σ_{S ⊆ Q} |S|!(n−|S|−1)!/n! · Π_{k ∈ Q∖S} z_k. Since
 * |S|!(n−|S|−1)!/n! = ∫₀¹ t^|S| (1−t)^(n−|S|−1) dt,
 *
 *   G(Q) = ∫₀¹ Π_{k ∈ Q} (z_k (1−t) + t) · (1−t)^(n−1−|Q|) dt,
 *
 * a polynomial of degree n − 1 in t, which Gauss–Legendre quadrature with ⌈n/2⌉ points integrates
 * exactly (as Linear TreeSHAP, Yu et al. 2022, observes). A row then costs O(leaves × depth) per
 * tree instead of the O(leaves × depth²) recursion of shap-recursive.ts, kept as the reference.
 */
export interface Explanation {
  /** The model's average log-odds over its training rows (base score included). */
  readonly expected: number;
  /** Each feature's contribution to this row's log-odds. */
  readonly contributions: Float64Array;
}

/** Every tree's nodes in preorder and every leaf's path, flat; worked out once per model. */
interface Paths {
  readonly expected: number;
  /** The nodes of the trees in preorder, one tree after another (feature -1: a leaf). */
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly missingLeft: Uint8Array;
  /** Per node: its parent's position (-1 for a root), and the edge from it: slot << 1 | (1 if it is the left child). */
  readonly parent: Int32Array;
  readonly edge: Int32Array;
  /** Per leaf: its position, its value, how many distinct features its path has, where those start. */
  readonly leafNode: Int32Array;
  readonly value: Float64Array;
  readonly slots: Uint8Array;
  readonly slotStart: Int32Array;
  /** Per distinct feature of a path: the feature and its zero fraction z. */
  readonly slotFeature: Int32Array;
  readonly slotZero: Float64Array;
  /** Gauss–Legendre points and weights on [0, 1]: for q points, from index q(q−1)/2. */
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
  /** Scratch for one row: its values; per node, which way the row goes and the slots whose splits it left on the way. */
  readonly x: Float64Array;
  readonly goesLeft: Uint8Array;
  readonly deviated: Int32Array;
  readonly hotSlots: Int32Array;
  readonly factors: Float64Array;
  readonly sums: Float64Array;
}

const PATHS = new WeakMap<Booster, Paths>();

interface Leaf {
  node: number;
  value: number;
  slotFeature: number[];
  slotZero: number[];
}

interface Node {
  feature: number;
  threshold: number;
  missingLeft: number;
  parent: number;
  edge: number;
}

/** Appends a tree's nodes in preorder to `out`, and its leaves with their paths to `leaves`. */
function walkTree(t: Tree, out: Node[], leaves: Leaf[]): void {
  const walk = (n: number, parent: number, edge: number, slotFeature: number[], slotZero: number[]): void => {
    const at = out.length;
    const f = t.feature[n]!;
    out.push({ feature: f, threshold: t.threshold[n]!, missingLeft: t.missingLeft[n]!, parent, edge });
    if (f < 0) {
      leaves.push({ node: at, value: t.value[n]!, slotFeature, slotZero });
      return;
    }
    const cover = t.cover[n]!;
    for (const left of [true, false]) {
      const child = left ? t.left[n]! : t.right[n]!;
      const share = cover > 0 ? t.cover[child]! / cover : 0.5;
      const features = [...slotFeature];
      const zeros = [...slotZero];
      let slot = features.indexOf(f);
      if (slot < 0) {
        slot = features.length;
        features.push(f);
        zeros.push(share);
      } else zeros[slot]! *= share;
      walk(child, at, (slot << 1) | (left ? 1 : 0), features, zeros);
    }
  };
  walk(0, -1, 0, [], []);
}

/** Gauss–Legendre quadrature with q points, moved to [0, 1] (Newton's method on the Legendre polynomial). */
export function gaussLegendre(q: number): { nodes: number[]; weights: number[] } {
  const nodes: number[] = [];
  const weights: number[] = [];
  for (let i = 1; i <= q; i++) {
    let x = Math.cos((Math.PI * (i - 0.25)) / (q + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= q; k++) [p0, p1] = [p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k];
      if (q === 1) p0 = 1;
      dp = (q * (x * p1 - p0)) / (x * x - 1);
      const dx = p1 / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    nodes.push((1 - x) / 2);
    weights.push(1 / ((1 - x * x) * dp * dp));
  }
  return { nodes, weights };
}

function prepare(b: Booster): Paths {
  const cached = PATHS.get(b);
  if (cached !== undefined) return cached;
  let expected = b.baseScore;
  for (const t of b.trees) expected += expectedValue(t);
  const all: Node[] = [];
  const leaves: Leaf[] = [];
  // A tree that is a single leaf moves every row alike: it explains nothing.
  for (const t of b.trees) if (t.feature[0]! >= 0) walkTree(t, all, leaves);
  const maxSlots = leaves.reduce((s, l) => Math.max(s, l.slotFeature.length), 0);
  if (maxSlots > 30) throw new RangeError(`a path with ${maxSlots} distinct features: at most 30 can be explained`);
  const maxPoints = Math.ceil(maxSlots / 2);
  const nodes = new Float64Array((maxPoints * (maxPoints + 1)) / 2);
  const weights = new Float64Array(nodes.length);
  for (let q = 1; q <= maxPoints; q++) {
    const g = gaussLegendre(q);
    nodes.set(g.nodes, (q * (q - 1)) / 2);
    weights.set(g.weights, (q * (q - 1)) / 2);
  }
  const slotCount = leaves.reduce((s, l) => s + l.slotFeature.length, 0);
  const p: Paths = {
    expected,
    feature: Int32Array.from(all, (n) => n.feature),
    threshold: Float64Array.from(all, (n) => n.threshold),
    missingLeft: Uint8Array.from(all, (n) => n.missingLeft),
    parent: Int32Array.from(all, (n) => n.parent),
    edge: Int32Array.from(all, (n) => n.edge),
    leafNode: Int32Array.from(leaves, (l) => l.node),
    value: Float64Array.from(leaves, (l) => l.value),
    slots: Uint8Array.from(leaves, (l) => l.slotFeature.length),
    slotStart: new Int32Array(leaves.length),
    slotFeature: new Int32Array(slotCount),
    slotZero: new Float64Array(slotCount),
    nodes,
    weights,
    x: new Float64Array(b.featureCount),
    goesLeft: new Uint8Array(all.length),
    deviated: new Int32Array(all.length),
    hotSlots: new Int32Array(maxSlots),
    factors: new Float64Array(maxSlots + 1),
    sums: new Float64Array(maxSlots),
  };
  let slot = 0;
  leaves.forEach((l, i) => {
    p.slotStart[i] = slot;
    p.slotFeature.set(l.slotFeature, slot);
    p.slotZero.set(l.slotZero, slot);
    slot += l.slotFeature.length;
  });
  PATHS.set(b, p);
  return p;
}

export function explain(b: Booster, valueOf: (feature: number) => number): Explanation {
  const p = prepare(b);
  const x = p.x;
  for (let f = 0; f < x.length; f++) x[f] = valueOf(f);
  const phi = new Float64Array(b.featureCount);
  followRow(p);
  addLeaves(p, phi);
  return { expected: p.expected, contributions: phi };
}

/** Which way the row in `p.x` goes at every node, and which of the path's features it leaves the path at before each node. */
function followRow(p: Paths): void {
  const { x, goesLeft, deviated, feature, threshold, missingLeft, parent, edge } = p;
  for (let n = 0; n < feature.length; n++) {
    const up = parent[n]!;
    if (up >= 0) {
      const e = edge[n]!;
      deviated[n] = deviated[up]! | ((goesLeft[up]! ^ (e & 1)) << (e >> 1));
    } else deviated[n] = 0;
    const f = feature[n]!;
    if (f < 0) continue;
    const v = x[f]!;
    goesLeft[n] = v !== v ? missingLeft[n]! : v <= threshold[n]! ? 1 : 0;
  }
}

/** Adds every leaf's contributions for the row to `phi`. */
function addLeaves(p: Paths, phi: Float64Array): void {
  const { deviated, leafNode, value, slots, slotStart, slotFeature, slotZero, nodes, weights, hotSlots, factors, sums } = p;
  for (let l = 0; l < value.length; l++) {
    const n = slots[l]!;
    const s0 = slotStart[l]!;
    // O: the path's features whose every split the row follows; C: the product of the others' z.
    const away = deviated[leafNode[l]!]!;
    let vc = value[l]!;
    let h = 0;
    for (let j = 0; j < n; j++) {
      if (((away >> j) & 1) === 1) vc *= slotZero[s0 + j]!;
      else hotSlots[h++] = s0 + j;
    }
    // G(O), and G(O∖{j}) for every j ∈ O, by quadrature; with O empty, G(O) = ∫(1 − t)^(n−1) = 1/n.
    let cold = 1 / n;
    if (h > 0) {
      const q = (n + 1) >> 1;
      cold = 0;
      for (let j = 0; j < h; j++) sums[j] = 0;
      for (let i = (q * (q - 1)) >> 1, end = i + q; i < end; i++) {
        const t = nodes[i]!;
        const u = 1 - t;
        let w = weights[i]!;
        for (let k = n - h; k > 0; k--) w *= u;
        // factors[j]: the product of the first j hot factors, times w; then back to front, the others'.
        factors[0] = w;
        for (let j = 0; j < h; j++) factors[j + 1] = factors[j]! * (slotZero[hotSlots[j]!]! * u + t);
        cold += factors[h]! / u;
        let after = 1;
        for (let j = h - 1; j >= 0; j--) {
          sums[j]! += factors[j]! * after;
          after *= slotZero[hotSlots[j]!]! * u + t;
        }
      }
      for (let j = 0; j < h; j++) {
        const s = hotSlots[j]!;
        phi[slotFeature[s]!]! += vc * (1 - slotZero[s]!) * sums[j]!;
      }
    }
    if (h < n) {
      cold *= vc;
      for (let j = 0; j < n; j++) if (((away >> j) & 1) === 1) phi[slotFeature[s0 + j]!]! -= cold;
    }
  }
}

/** The features that raised (or, if none did, moved) this row's score most: its top reasons. */
export function topReasons(e: Explanation, names: readonly string[], count = 3): { feature: string; contribution: number }[] {
  // The `count` largest positive contributions, larger first, the lower feature index first on a tie.
  const c = e.contributions;
  const picked: number[] = [];
  for (let i = 0; i < c.length; i++) {
    const v = c[i]!;
    if (!(v > 0)) continue;
    let at = picked.length;
    while (at > 0 && c[picked[at - 1]!]! < v) at--;
    if (at >= count) continue;
    picked.splice(at, 0, i);
    if (picked.length > count) picked.pop();
  }
  return picked.map((i) => ({ feature: names[i] ?? `f${i}`, contribution: c[i]! }));
}
