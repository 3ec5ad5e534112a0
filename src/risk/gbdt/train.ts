import { availableParallelism } from 'node:os';
import { SeededRandom } from '../random.ts';
import { binRows, fitBinRows, MAX_BINS, type BinMapper, type BinnedRows, type FeatureSource } from './bins.ts';
import { STRIDE } from './histogram.mjs';
import { HistogramWorkspace } from './histogram-team.ts';
import type { Booster, Tree } from './tree.ts';

/**
 * Gradient-boosted decision trees for a binary label with logistic loss, histogram-based like
 * LightGBM: features in at most 255 bins, read row by row, one gradient/hessian histogram per leaf
 * (the larger child's by subtraction from its parent's), trees grown leaf by leaf (the best split
 * first) up to a leaf and depth limit, Newton leaf values with L1/L2 regularisation. Deterministic
 * for a seed: every sum is taken in a fixed order.
 */
export interface TrainParams {
  readonly rounds: number;
  readonly learningRate: number;
  /** Depth limit; 0 for none (the leaf limit then bounds the tree). */
  readonly maxDepth: number;
  readonly maxLeaves: number;
  /** Minimum hessian sum in a child (XGBoost's min_child_weight). */
  readonly minChildWeight: number;
  /** Minimum number of training rows in a child. */
  readonly minDataInLeaf: number;
  /** L2 regularisation of leaf values. */
  readonly lambda: number;
  /** L1 regularisation of leaf values. */
  readonly alpha: number;
  /** A split must reduce the loss by more than this. */
  readonly minSplitGain: number;
  /** Share of rows drawn (without replacement, afresh each round) to grow a tree. */
  readonly rowSubsample: number;
  /** Share of features drawn for each tree. */
  readonly colSubsample: number;
  /** Stop when the validation loss has not improved for this many rounds (0: never). */
  readonly earlyStoppingRounds: number;
  readonly maxBins: number;
  readonly seed: number;
  /** Threads that build histograms: 1, or 2 (0: 2 where the machine has two cores). The model is the same either way. */
  readonly threads: number;
}

export const DEFAULT_PARAMS: TrainParams = {
  rounds: 300,
  learningRate: 0.1,
  maxDepth: 0,
  maxLeaves: 31,
  minChildWeight: 1e-3,
  minDataInLeaf: 20,
  lambda: 1,
  alpha: 0,
  minSplitGain: 0,
  rowSubsample: 1,
  colSubsample: 1,
  earlyStoppingRounds: 30,
  maxBins: 255,
  seed: 1,
  threads: 0,
};

export interface LabelledMatrix {
  /** The features: a whole matrix, or columns made one at a time (read once, and binned). */
  readonly matrix: FeatureSource;
  /** 1 for positive, 0 for negative. */
  readonly labels: ArrayLike<number>;
  readonly weights?: ArrayLike<number> | undefined;
}

export interface RoundReport {
  readonly round: number;
  readonly trainLoss: number;
  readonly validLoss?: number | undefined;
}

export interface TrainResult {
  readonly booster: Booster;
  readonly bins: BinMapper;
  /** Rounds kept (the best validation round when a validation set stopped training early). */
  readonly rounds: number;
  readonly history: readonly RoundReport[];
}


export function trainBooster(train: LabelledMatrix, valid: LabelledMatrix | undefined, params: Partial<TrainParams> = {}, onRound?: (r: RoundReport) => void): TrainResult {
  const p: TrainParams = { ...DEFAULT_PARAMS, ...params };
  checkParams(p);
  const n = train.matrix.rows;
  const F = train.matrix.names.length;
  checkLabels(train, 'training');
  if (valid) checkLabels(valid, 'validation');
  if (valid && valid.matrix.names.length !== F) throw new RangeError(`validation rows have ${valid.matrix.names.length} features, training rows ${F}`);

  const y = Float64Array.from(train.labels);
  const w = train.weights ? Float64Array.from(train.weights) : undefined;
  let pos = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i]! : 1;
    pos += wi * y[i]!;
    total += wi;
  }
  if (pos <= 0 || pos >= total) throw new RangeError(`the training rows hold one class only (${pos <= 0 ? 'no positive' : 'no negative'} label): a model cannot learn from them`);
  const baseScore = Math.log(pos / (total - pos));

  const threads = p.threads === 0 ? Math.min(2, availableParallelism()) : p.threads;
  const { mapper: bins, binned: trainBins } = fitBinRows(train.matrix, p.maxBins, threads > 1);
  const validBins = valid ? binRows(valid.matrix, bins) : undefined;
  const validY = valid ? Float64Array.from(valid.labels) : undefined;
  const validW = valid?.weights ? Float64Array.from(valid.weights) : undefined;

  const margin = new Float64Array(n).fill(baseScore);
  const validMargin = validBins ? new Float64Array(validBins.rows).fill(baseScore) : undefined;
  const rng = new SeededRandom(p.seed);
  const workspace = new HistogramWorkspace(trainBins, p.maxLeaves + 1, threads);
  const gh = workspace.gh;
  const grower = new TreeGrower(workspace, bins, p);
  const trees: Tree[] = [];
  const history: RoundReport[] = [];
  let best = { round: 0, loss: Infinity };

  try {
    gradients(margin, y, w, gh);
    for (let round = 1; round <= p.rounds; round++) {
      const rows = sampleRows(n, p.rowSubsample, rng);
      const features = sampleFeatures(F, p.colSubsample, rng);
      const tree = grower.grow(rows, features);
      trees.push(tree);
      // Rows that grew the tree sit in its leaves' ranges of the workspace's order; others are routed.
      if (rows.length === n) grower.addLeafValues(tree, margin);
      else routeAdd(tree, trainBins, margin);
      if (validBins && validMargin) routeAdd(tree, validBins, validMargin);

      const report: RoundReport = {
        round,
        // The next round's gradients, and this round's training loss from the same margins.
        trainLoss: gradients(margin, y, w, gh),
        validLoss: validMargin && validY ? logLossOfMargins(validMargin, validY, validW) : undefined,
      };
      history.push(report);
      onRound?.(report);
      if (report.validLoss !== undefined) {
        if (report.validLoss < best.loss) best = { round, loss: report.validLoss };
        else if (p.earlyStoppingRounds > 0 && round - best.round >= p.earlyStoppingRounds) break;
      }
    }
  } finally {
    workspace.close();
  }
  const kept = validBins ? Math.max(best.round, 1) : trees.length;
  return { booster: { baseScore, featureCount: F, trees: trees.slice(0, kept) }, bins, rounds: kept, history };
}

function checkParams(p: TrainParams): void {
  const bad = (name: keyof TrainParams, expected: string) => {
    throw new RangeError(`training parameter ${name} is ${p[name]}; expected ${expected}`);
  };
  if (!Number.isInteger(p.rounds) || p.rounds < 1) bad('rounds', 'a whole number of at least 1');
  if (!(p.learningRate > 0 && p.learningRate <= 1)) bad('learningRate', 'a number in (0, 1]');
  if (!Number.isInteger(p.maxDepth) || p.maxDepth < 0) bad('maxDepth', 'a whole number, 0 for no limit');
  if (!Number.isInteger(p.maxLeaves) || p.maxLeaves < 2) bad('maxLeaves', 'a whole number of at least 2');
  if (!(p.minChildWeight >= 0)) bad('minChildWeight', 'a number of at least 0');
  if (!Number.isInteger(p.minDataInLeaf) || p.minDataInLeaf < 1) bad('minDataInLeaf', 'a whole number of at least 1');
  if (!(p.lambda >= 0)) bad('lambda', 'a number of at least 0');
  if (!(p.alpha >= 0)) bad('alpha', 'a number of at least 0');
  if (!(p.minSplitGain >= 0)) bad('minSplitGain', 'a number of at least 0');
  if (!(p.rowSubsample > 0 && p.rowSubsample <= 1)) bad('rowSubsample', 'a share in (0, 1]');
  if (!(p.colSubsample > 0 && p.colSubsample <= 1)) bad('colSubsample', 'a share in (0, 1]');
  if (!Number.isInteger(p.earlyStoppingRounds) || p.earlyStoppingRounds < 0) bad('earlyStoppingRounds', 'a whole number, 0 for never');
  if (!Number.isInteger(p.maxBins) || p.maxBins < 2 || p.maxBins > MAX_BINS) bad('maxBins', `a whole number in 2..${MAX_BINS}`);
  if (!Number.isInteger(p.seed)) bad('seed', 'a whole number');
  if (p.threads !== 0 && p.threads !== 1 && p.threads !== 2) bad('threads', '0, 1 or 2');
}

function checkLabels(d: LabelledMatrix, what: string): void {
  const n = d.matrix.rows;
  if (d.labels.length !== n) throw new RangeError(`${what} data has ${n} rows but ${d.labels.length} labels`);
  if (d.weights && d.weights.length !== n) throw new RangeError(`${what} data has ${n} rows but ${d.weights.length} weights`);
  if ('columns' in d.matrix) for (const c of d.matrix.columns) if (c.length !== n) throw new RangeError(`${what} data: a feature column has ${c.length} values, not ${n}`);
  for (let i = 0; i < n; i++) {
    const l = d.labels[i];
    if (l !== 0 && l !== 1) throw new RangeError(`${what} row ${i + 1}: label ${l}; expected 0 or 1`);
    if (d.weights && !(d.weights[i]! >= 0 && Number.isFinite(d.weights[i]))) throw new RangeError(`${what} row ${i + 1}: weight ${d.weights[i]}; expected a finite number of at least 0`);
  }
}

function sampleRows(n: number, share: number, rng: SeededRandom): Uint32Array {
  if (share >= 1) {
    const all = new Uint32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    return all;
  }
  const picked = new Uint32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) if (rng.next() < share) picked[k++] = i;
  return picked.slice(0, Math.max(k, 1));
}

function sampleFeatures(f: number, share: number, rng: SeededRandom): Uint32Array {
  if (share >= 1) return Uint32Array.from({ length: f }, (_, i) => i);
  const k = Math.max(1, Math.round(f * share));
  return rng.permutation(f).slice(0, k).sort();
}

/** Adds a tree's output to the margins of rows already in bins. */
function routeAdd(tree: Tree, m: BinnedRows, margin: Float64Array): void {
  const { feature, bin, missingLeft, left, right, value } = tree;
  const cols = m.bins;
  for (let r = 0; r < m.rows; r++) {
    let node = 0;
    let f = feature[0]!;
    while (f >= 0) {
      const b = cols[f]![r]!;
      node = (b === 0 ? missingLeft[node] === 1 : b <= bin[node]!) ? left[node]! : right[node]!;
      f = feature[node]!;
    }
    margin[r]! += value[node]!;
  }
}

/**
 * Writes each row's gradient and hessian of the logistic loss at its margin into gh (side by side)
 * and returns the mean loss, summed exactly as logLossOfMargins does.
 */
function gradients(margin: Float64Array, y: Float64Array, w: Float64Array | undefined, gh: Float64Array): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < margin.length; i++) {
    const m = margin[i]!;
    const wi = w ? w[i]! : 1;
    const e = Math.exp(-Math.abs(m));
    const pr = m >= 0 ? 1 / (1 + e) : e / (1 + e);
    gh[2 * i] = (pr - y[i]!) * wi;
    gh[2 * i + 1] = Math.max(pr * (1 - pr), 1e-16) * wi;
    sum += wi * (Math.max(m, 0) - m * y[i]! + Math.log1p(e));
    total += wi;
  }
  return total > 0 ? sum / total : 0;
}

/** Mean (weighted) logistic loss of log-odds against 0/1 labels, computed stably. */
export function logLossOfMargins(margin: Float64Array, y: Float64Array, w?: Float64Array): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < margin.length; i++) {
    const m = margin[i]!;
    const wi = w ? w[i]! : 1;
    sum += wi * (Math.max(m, 0) - m * y[i]! + Math.log1p(Math.exp(-Math.abs(m))));
    total += wi;
  }
  return total > 0 ? sum / total : 0;
}

interface Split {
  readonly gain: number;
  readonly feature: number;
  readonly bin: number;
  readonly missingLeft: boolean;
  readonly gl: number;
  readonly hl: number;
  readonly cl: number;
}

interface Leaf {
  readonly node: number;
  readonly start: number;
  readonly end: number;
  readonly depth: number;
  readonly g: number;
  readonly h: number;
  /** Its histogram's number in the workspace's pool. */
  readonly hist: number;
  split: Split | null;
}

/** Grows one tree per call on the same binned rows, with the gradients of the current round. */
class TreeGrower {
  /** The leaves of the last tree grown, as ranges of the workspace's order. */
  private lastLeaves: Leaf[] = [];

  constructor(
    private readonly ws: HistogramWorkspace,
    private readonly mapper: BinMapper,
    private readonly p: TrainParams,
  ) {}

  grow(rows: Uint32Array, features: Uint32Array): Tree {
    const { p, ws } = this;
    const gh = ws.gh;
    ws.order.set(rows);
    ws.setFeatures(features);
    const nodes = new NodeList();
    const root = nodes.add();
    let g = 0;
    let h = 0;
    for (let i = 0; i < rows.length; i++) {
      g += gh[2 * rows[i]!]!;
      h += gh[2 * rows[i]! + 1]!;
    }
    const rootHist = ws.take();
    ws.build(rootHist, 0, rows.length);
    const leaves: Leaf[] = [{ node: root, start: 0, end: rows.length, depth: 0, g, h, hist: rootHist, split: null }];
    leaves[0]!.split = this.bestSplit(leaves[0]!, features);
    nodes.cover[root] = h;

    while (leaves.length < p.maxLeaves) {
      let bi = -1;
      for (let i = 0; i < leaves.length; i++) {
        const s = leaves[i]!.split;
        if (s !== null && (bi < 0 || s.gain > leaves[bi]!.split!.gain)) bi = i;
      }
      if (bi < 0) break;
      const leaf = leaves[bi]!;
      const s = leaf.split!;
      const mid = this.partition(leaf.start, leaf.end, s);
      const l = nodes.add();
      const r = nodes.add();
      nodes.setSplit(leaf.node, s, this.mapper.upper[s.feature]![s.bin - 1]!, l, r);
      nodes.cover[l] = s.hl;
      nodes.cover[r] = leaf.h - s.hl;
      // The smaller child's histogram is built from its rows, the larger one's is the parent's minus it.
      const leftSmaller = mid - leaf.start <= leaf.end - mid;
      const small = ws.take();
      if (leftSmaller) ws.build(small, leaf.start, mid);
      else ws.build(small, mid, leaf.end);
      const large = leaf.hist;
      subtract(ws.hist(large), ws.hist(small), ws.rows.offsets, features);
      const lh = leftSmaller ? small : large;
      const rh = leftSmaller ? large : small;
      const left: Leaf = { node: l, start: leaf.start, end: mid, depth: leaf.depth + 1, g: s.gl, h: s.hl, hist: lh, split: null };
      const right: Leaf = { node: r, start: mid, end: leaf.end, depth: leaf.depth + 1, g: leaf.g - s.gl, h: leaf.h - s.hl, hist: rh, split: null };
      left.split = this.bestSplit(left, features);
      right.split = this.bestSplit(right, features);
      leaves.splice(bi, 1, left, right);
    }
    for (const leaf of leaves) {
      nodes.value[leaf.node] = leafValue(leaf.g, leaf.h, p) * p.learningRate;
      ws.give(leaf.hist);
    }
    this.lastLeaves = leaves;
    return nodes.freeze();
  }

  /** Adds the last tree's leaf values to the margins of the rows that grew it. */
  addLeafValues(tree: Tree, margin: Float64Array): void {
    const { order } = this.ws;
    for (const leaf of this.lastLeaves) {
      const v = tree.value[leaf.node]!;
      for (let i = leaf.start; i < leaf.end; i++) margin[order[i]!]! += v;
    }
  }

  /** Splits the rows of [start, end) in place, stably: the left child's first. Returns the boundary. */
  private partition(start: number, end: number, s: Split): number {
    const { order, scratch } = this.ws;
    const col = this.ws.rows.bins[s.feature]!;
    const last = s.bin;
    const missingLeft = s.missingLeft ? 1 : 0;
    let l = start;
    let k = 0;
    // Without a branch per row (which way a row goes is a coin toss to the processor): each row is
    // written to both sides, and the side it belongs to keeps it. l <= i, so order[l] is already read.
    for (let i = start; i < end; i++) {
      const r = order[i]!;
      const b = col[r]!;
      const missing = (b - 1) >>> 31; // 1 when b is 0, the missing values' bin
      const left = (missing & missingLeft) | ((missing ^ 1) & (((last - b) >>> 31) ^ 1));
      order[l] = r;
      scratch[k] = r;
      l += left;
      k += left ^ 1;
    }
    order.set(scratch.subarray(0, k), l);
    return l;
  }

  private bestSplit(leaf: Leaf, features: Uint32Array): Split | null {
    const { p } = this;
    if (p.maxDepth > 0 && leaf.depth >= p.maxDepth) return null;
    const count = leaf.end - leaf.start;
    if (count < 2 * p.minDataInLeaf) return null;
    const { g, h } = leaf;
    const { lambda, alpha, minDataInLeaf, minChildWeight } = p;
    const hist = this.ws.hist(leaf.hist);
    const offsets = this.ws.rows.offsets;
    const parent = score(g, h, lambda, alpha);
    let bestGain = -Infinity;
    let bestF = -1;
    let bestBin = 0;
    let bestMissingLeft = false;
    let bestGl = 0;
    let bestHl = 0;
    let bestCl = 0;
    for (const f of features) {
      const off = offsets[f]! * STRIDE;
      const binsOfF = offsets[f + 1]! - offsets[f]! - 1;
      const gm = hist[off]!;
      const hm = hist[off + 1]!;
      const cm = hist[off + 2]!;
      let gv = 0;
      let hv = 0;
      let cv = 0;
      for (let t = 1; t < binsOfF; t++) {
        const o = off + t * STRIDE;
        // An empty bin splits the rows as the bin before it did: nothing new to try.
        if (hist[o + 2] === 0) continue;
        gv += hist[o]!;
        hv += hist[o + 1]!;
        cv += hist[o + 2]!;
        // Fewer rows are left on the right at every later bin.
        if (count - cv < minDataInLeaf) break;
        for (let side = 0; side < 2; side++) {
          // Missing values go left on the first try, right on the second (none missing: once).
          if (side === 1 && cm === 0) break;
          const missingLeft = side === 0 && cm > 0;
          const gl = missingLeft ? gv + gm : gv;
          const hl = missingLeft ? hv + hm : hv;
          const cl = missingLeft ? cv + cm : cv;
          const hr = h - hl;
          const cr = count - cl;
          if (cl < minDataInLeaf || cr < minDataInLeaf || hl < minChildWeight || hr < minChildWeight) continue;
          const gain = 0.5 * (score(gl, hl, lambda, alpha) + score(g - gl, hr, lambda, alpha) - parent);
          if (gain > p.minSplitGain && gain > bestGain) {
            bestGain = gain;
            bestF = f;
            bestBin = t;
            bestMissingLeft = missingLeft;
            bestGl = gl;
            bestHl = hl;
            bestCl = cl;
          }
        }
      }
    }
    return bestF < 0 ? null : { gain: bestGain, feature: bestF, bin: bestBin, missingLeft: bestMissingLeft, gl: bestGl, hl: bestHl, cl: bestCl };
  }
}

/** The larger child's histogram: its parent's minus the smaller child's, for the features this tree may split on. */
function subtract(from: Float64Array, what: Float64Array, offsets: Int32Array, features: Uint32Array): void {
  for (const f of features) {
    for (let i = offsets[f]! * STRIDE, end = offsets[f + 1]! * STRIDE; i < end; i++) from[i]! -= what[i]!;
  }
}

/** L1-shrunk gradient sum. */
function shrink(g: number, alpha: number): number {
  return g > alpha ? g - alpha : g < -alpha ? g + alpha : 0;
}

function score(g: number, h: number, lambda: number, alpha: number): number {
  const t = shrink(g, alpha);
  return (t * t) / (h + lambda);
}

function leafValue(g: number, h: number, p: TrainParams): number {
  return -shrink(g, p.alpha) / (h + p.lambda);
}

/** Nodes as they are added, frozen into a Tree at the end. */
class NodeList {
  readonly feature: number[] = [];
  readonly threshold: number[] = [];
  readonly bin: number[] = [];
  readonly missingLeft: number[] = [];
  readonly left: number[] = [];
  readonly right: number[] = [];
  readonly value: number[] = [];
  readonly cover: number[] = [];
  readonly gain: number[] = [];

  add(): number {
    const n = this.feature.length;
    this.feature.push(-1);
    this.threshold.push(0);
    this.bin.push(0);
    this.missingLeft.push(0);
    this.left.push(-1);
    this.right.push(-1);
    this.value.push(0);
    this.cover.push(0);
    this.gain.push(0);
    return n;
  }

  setSplit(n: number, s: Split, threshold: number, l: number, r: number): void {
    this.feature[n] = s.feature;
    this.threshold[n] = threshold;
    this.bin[n] = s.bin;
    this.missingLeft[n] = s.missingLeft ? 1 : 0;
    this.left[n] = l;
    this.right[n] = r;
    this.gain[n] = s.gain;
  }

  freeze(): Tree {
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      bin: Uint8Array.from(this.bin),
      missingLeft: Uint8Array.from(this.missingLeft),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      value: Float64Array.from(this.value),
      cover: Float64Array.from(this.cover),
      gain: Float64Array.from(this.gain),
    };
  }
}
