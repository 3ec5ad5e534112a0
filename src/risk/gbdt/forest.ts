import type { FeatureMatrix } from './bins.ts';
import { predictMargin, type Booster, type Tree } from './tree.ts';
import { instantiateKernel, LANES, wasmAvailable, type KernelLayout } from './wasm-forest.ts';

/**
 * A booster compiled for scoring many rows, derived from the model when it is first used (the
 * model file does not change):
 *
 * - Each feature's thresholds, sorted: a value becomes its bin, the count of thresholds below it,
 *   and `v <= threshold[k]` is `bin <= k`. A row is one byte per feature twice over: the bin, with
 *   255 for a missing value (which then goes right), and the bin + 1, with 0 for a missing value
 *   (which then goes left); a split sending missing values left reads the second byte.
 * - Each tree made perfect to the deepest tree's depth (a leaf above that depth becomes splits that
 *   always go left, down to copies of the leaf), so that every row takes the same number of steps
 *   and node i's children are 2i + 1 and 2i + 2: no child pointers, no branch to mispredict.
 * - The scoring loop (wasm-forest.ts) runs tree by tree over a block of rows, whose bytes stay in
 *   the cache while every tree passes over them.
 *
 * Each row's margin is the base score plus the trees' leaves added in the trees' order, as
 * predictMargin adds them: the same number to the last bit. Boosters it cannot compile (deeper
 * than MAX_DEPTH, more than 254 thresholds on a feature, no WebAssembly) are scored by predictMargin.
 */
export interface Forest {
  readonly booster: Booster;
  /** Per feature, its distinct thresholds in ascending order. */
  readonly cuts: readonly Float64Array[];
  /** Bytes per row: the bins of every feature, then their missing-left form. */
  readonly stride: number;
  /** Rows per block. */
  readonly block: number;
  /** The block's bins and margins, in the kernel's memory. */
  readonly bins: Uint8Array;
  readonly margin: Float64Array;
  /** Scores the first `rows` rows of the block, adding to their margins. */
  readonly score: (rows: number) => void;
}

export const MAX_DEPTH = 10;
const BLOCK = 64 * LANES;
const MISSING = 255;

const FORESTS = new WeakMap<Booster, Forest | null>();

function depthOf(t: Tree, n = 0): number {
  return t.feature[n]! < 0 ? 0 : 1 + Math.max(depthOf(t, t.left[n]!), depthOf(t, t.right[n]!));
}

/** The booster compiled, or undefined if it cannot be (score it with predictMargin then). */
export function compileForest(b: Booster): Forest | undefined {
  const cached = FORESTS.get(b);
  if (cached !== undefined) return cached ?? undefined;
  const forest = compile(b);
  FORESTS.set(b, forest ?? null);
  return forest;
}

function compile(b: Booster): Forest | undefined {
  const F = b.featureCount;
  const sets = Array.from({ length: F }, () => new Set<number>());
  for (const t of b.trees) for (let n = 0; n < t.feature.length; n++) if (t.feature[n]! >= 0) sets[t.feature[n]!]!.add(t.threshold[n]!);
  const cuts = sets.map((s) => Float64Array.from(s).sort());
  const depth = b.trees.reduce((d, t) => Math.max(d, depthOf(t)), 0);
  if (!wasmAvailable() || b.trees.length === 0 || depth > MAX_DEPTH || cuts.some((c) => c.length >= MISSING) || 2 * F > 0xffffff) return undefined;
  const inner = 2 ** depth - 1;
  const leaves = 2 ** depth;
  const T = b.trees.length;
  const stride = 2 * F;
  const layout: KernelLayout = {
    trees: T,
    depth,
    stride,
    nodes: 0,
    leaves: align8(T * inner * 4),
    margin: align8(T * inner * 4) + T * leaves * 8,
    bins: align8(T * inner * 4) + T * leaves * 8 + BLOCK * 8,
  };
  const bytes = layout.bins + BLOCK * stride;
  const { buffer, score } = instantiateKernel(layout, bytes);
  const nodeWords = new Int32Array(buffer, layout.nodes, T * inner);
  const leafValues = new Float64Array(buffer, layout.leaves, T * leaves);
  b.trees.forEach((t, ti) => {
    const fill = (n: number, i: number, d: number): void => {
      if (d === depth) {
        leafValues[ti * leaves + i - inner] = t.value[n]!;
        return;
      }
      const f = t.feature[n]!;
      if (f < 0) nodeWords[ti * inner + i] = MISSING; // feature 0's byte is never above 255: always left
      else {
        const k = cuts[f]!.indexOf(t.threshold[n]!);
        nodeWords[ti * inner + i] = t.missingLeft[n] === 1 ? ((F + f) << 8) | (k + 1) : (f << 8) | k;
      }
      fill(f < 0 ? n : t.left[n]!, 2 * i + 1, d + 1);
      fill(f < 0 ? n : t.right[n]!, 2 * i + 2, d + 1);
    };
    fill(0, 0, 0);
  });
  return {
    booster: b,
    cuts,
    stride,
    block: BLOCK,
    bins: new Uint8Array(buffer, layout.bins, BLOCK * stride),
    margin: new Float64Array(buffer, layout.margin, BLOCK),
    score,
  };
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;

/** A value's bin among a feature's thresholds: how many are below it (MISSING for NaN). */
export function binOf(cuts: Float64Array, v: number): number {
  if (v !== v) return MISSING;
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cuts[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Writes a bin into a row's two bytes: the bin itself, and its missing-left form (MISSING + 1 wraps to 0). */
export function putBin(bins: Uint8Array, at: number, featureCount: number, bin: number): void {
  bins[at] = bin;
  bins[at + featureCount] = (bin + 1) & 0xff;
}

/**
 * Scores the block's first `rows` rows (their bins already in `forest.bins`) into `out` from
 * `outAt`: the base score plus every tree.
 */
export function scoreBlock(forest: Forest, rows: number, out: Float64Array, outAt: number): void {
  forest.margin.fill(forest.booster.baseScore, 0, rows);
  // The kernel goes LANES rows at a time; the rows past `rows` are left over from earlier blocks, and unread.
  forest.score(Math.ceil(rows / LANES) * LANES);
  out.set(forest.margin.subarray(0, rows), outAt);
}

/** The model's log-odds for every row of a matrix: predictMargin's numbers, faster. */
export function predictMarginFast(b: Booster, m: FeatureMatrix): Float64Array {
  const forest = compileForest(b);
  if (forest === undefined) return predictMargin(b, m);
  if (m.columns.length !== b.featureCount) throw new RangeError(`the matrix has ${m.columns.length} features, the model ${b.featureCount}`);
  const F = b.featureCount;
  const out = new Float64Array(m.rows);
  for (let from = 0; from < m.rows; from += forest.block) {
    const rows = Math.min(forest.block, m.rows - from);
    for (let f = 0; f < F; f++) {
      const col = m.columns[f]!;
      const cuts = forest.cuts[f]!;
      for (let r = 0; r < rows; r++) putBin(forest.bins, r * forest.stride + f, F, binOf(cuts, col[from + r]!));
    }
    scoreBlock(forest, rows, out, from);
  }
  return out;
}
