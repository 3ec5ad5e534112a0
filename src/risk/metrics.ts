/**
 * Evaluation of a binary risk model: how well its scores rank risky declarations (ROC AUC, average
 * precision, hit rates at fixed inspection rates) and how well its probabilities are calibrated
 * (Brier score, log loss, reliability table).
 *
 * Pure computation. Inputs are array-likes (plain arrays or typed arrays); labels are 0 or 1.
 * Everything that depends on the ranking sorts the rows once, with a radix sort of the 64-bit
 * scores into a Uint32Array of row indices, so a million rows take a fraction of a second.
 * Invalid input (length mismatch, a label other than 0/1, a NaN score, a probability outside
 * [0, 1], a metric that is undefined for the data) throws a RangeError naming the problem.
 */

/** The inspection rates reported by {@link evaluateScores}: 1 %, 2 %, 5 % and 10 % of rows. */
export const INSPECTION_RATES = [0.01, 0.02, 0.05, 0.1] as const;

/** Key of an inspection rate in percent, as printed by `portcullis evaluate --json`. */
export type RateKey = '1' | '2' | '5' | '10';

/** What inspecting the top `k = floor(rows × rate)` scored rows would find. */
export interface RateMetrics {
  /** The requested rate, a fraction of all rows (0.05 = 5 %). */
  rate: number;
  /** Number of rows inspected. */
  k: number;
  /** Positives among the k rows / k (0 when k = 0). */
  precision: number;
  /** Positives among the k rows / all positives (0 when there are no positives). */
  recall: number;
  /** Revenue of the k rows / total revenue (0 when the total is 0); null when no revenue was given. */
  revenueShare: number | null;
}

/** One bin of a reliability table: rows whose predicted probability lies in [from, to). */
export interface ReliabilityBin {
  from: number;
  /** Upper edge; the last bin also holds probability 1. */
  to: number;
  count: number;
  /** Mean predicted probability of the rows in the bin (0 for an empty bin). */
  meanPredicted: number;
  /** Share of positives among the rows in the bin (0 for an empty bin). */
  observedRate: number;
}

/** The evaluation printed by `portcullis evaluate --json`. */
export interface ScoreEvaluation {
  rows: number;
  positives: number;
  auc: number;
  prAuc: number;
  brier: number;
  logLoss: number;
  precisionAt: Record<RateKey, number>;
  recallAt: Record<RateKey, number>;
  /** Share of revenue in the top rows; null when no revenue was given. */
  revenueAt: Record<RateKey, number> | null;
  reliability: ReliabilityBin[];
}

const LOG_LOSS_EPS = 1e-15;

// ---------------------------------------------------------------------------------------------
// Validation

function sameLength(fn: string, names: readonly string[], arrays: readonly ArrayLike<number>[]): number {
  const n = arrays[0]!.length;
  for (let a = 1; a < arrays.length; a++) {
    if (arrays[a]!.length !== n) {
      throw new RangeError(`${fn}: ${names[0]} has ${n} values but ${names[a]} has ${arrays[a]!.length}; they must have the same length`);
    }
  }
  return n;
}

/** Copies labels into a Uint8Array, refusing anything but 0 and 1. */
function readLabels(fn: string, labels: ArrayLike<number>): Uint8Array {
  const n = labels.length;
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = labels[i]!;
    if (v === 1) y[i] = 1;
    else if (v !== 0) throw new RangeError(`${fn}: labels[${i}] is ${String(v)}; labels must be 0 or 1`);
  }
  return y;
}

function countPositives(y: Uint8Array): number {
  let p = 0;
  for (let i = 0; i < y.length; i++) p += y[i]!;
  return p;
}

function checkProbabilities(fn: string, probabilities: ArrayLike<number>): void {
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i]!;
    if (!(p >= 0 && p <= 1)) {
      throw new RangeError(`${fn}: probabilities[${i}] is ${String(p)}; probabilities must lie in [0, 1]`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Ranking

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Row indices ordered by descending score, equal scores by ascending index, with the sort keys
 * in that order (equal keys ⇔ equal scores, since -0 is folded into 0 and NaN refused).
 *
 * LSD radix sort, 16 bits a pass, on the IEEE-754 bits mapped to an unsigned key whose order is
 * the descending numeric order. Each pass is stable and the rows start in index order, so ties
 * end in index order. Passes whose digit is the same for every row are skipped.
 */
function descendingOrder(fn: string, scores: ArrayLike<number>): { order: Uint32Array; hi: Uint32Array; lo: Uint32Array } {
  const n = scores.length;
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = scores[i]!;
    if (Number.isNaN(v)) throw new RangeError(`${fn}: scores[${i}] is NaN; scores must be numbers`);
    s[i] = v + 0; // -0 + 0 === +0: equal scores must have equal bits
  }
  const words = new Uint32Array(s.buffer);
  const loAt = LITTLE_ENDIAN ? 0 : 1;
  const hiAt = 1 - loAt;

  let hi = new Uint32Array(n);
  let lo = new Uint32Array(n);
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let h = words[2 * i + hiAt]!;
    let l = words[2 * i + loAt]!;
    // Ascending key: flip all bits of negatives, only the sign bit of positives. Then invert for descending.
    if (h & 0x80000000) {
      h = ~h;
      l = ~l;
    } else {
      h |= 0x80000000;
    }
    hi[i] = ~h >>> 0;
    lo[i] = ~l >>> 0;
    order[i] = i;
  }

  let hi2 = new Uint32Array(n);
  let lo2 = new Uint32Array(n);
  let order2 = new Uint32Array(n);
  const counts = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const key = pass < 2 ? lo : hi;
    const shift = (pass & 1) * 16;
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const d = (key[i]! >>> shift) & 0xffff;
      counts[d] = counts[d]! + 1;
    }
    if (n === 0 || counts[(key[0]! >>> shift) & 0xffff] === n) continue;
    let start = 0;
    for (let d = 0; d < 65536; d++) {
      const c = counts[d]!;
      counts[d] = start;
      start += c;
    }
    for (let i = 0; i < n; i++) {
      const d = (key[i]! >>> shift) & 0xffff;
      const at = counts[d]!;
      counts[d] = at + 1;
      hi2[at] = hi[i]!;
      lo2[at] = lo[i]!;
      order2[at] = order[i]!;
    }
    [hi, hi2] = [hi2, hi];
    [lo, lo2] = [lo2, lo];
    [order, order2] = [order2, order];
  }
  return { order, hi, lo };
}

/** Rows in ranking order, laid out for sequential walks. */
interface Ranked {
  /** Row indices, highest score first, ties by lower index. */
  order: Uint32Array;
  /** Labels by row index. */
  y: Uint8Array;
  /** Labels in ranking order: ranked[i] = y[order[i]]. */
  ranked: Uint8Array;
  /** tieEnd[i] = 1 when ranked row i is the last of its group of equal scores. */
  tieEnd: Uint8Array;
  positives: number;
}

function rank(fn: string, scores: ArrayLike<number>, labels: ArrayLike<number>): Ranked {
  sameLength(fn, ['scores', 'labels'], [scores, labels]);
  const y = readLabels(fn, labels);
  const { order, hi, lo } = descendingOrder(fn, scores);
  const n = order.length;
  const ranked = new Uint8Array(n);
  const tieEnd = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    ranked[i] = y[order[i]!]!;
    tieEnd[i] = i === n - 1 || hi[i] !== hi[i + 1] || lo[i] !== lo[i + 1] ? 1 : 0;
  }
  return { order, y, ranked, tieEnd, positives: countPositives(y) };
}

function aucOf(fn: string, { ranked, tieEnd, positives }: Ranked): number {
  const n = ranked.length;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    throw new RangeError(
      `${fn}: ROC AUC is undefined with only one class (${positives} positives, ${negatives} negatives); labels need both 0 and 1`,
    );
  }
  // Walk groups of equal score from the top; each positive beats every negative below its group
  // and half-beats the negatives in it (Mann–Whitney U with average ranks for ties).
  let negativesAbove = 0;
  let wins = 0;
  let pos = 0;
  let neg = 0;
  for (let i = 0; i < n; i++) {
    if (ranked[i] === 1) pos++;
    else neg++;
    if (tieEnd[i] === 1) {
      wins += pos * (negatives - negativesAbove - neg) + 0.5 * pos * neg;
      negativesAbove += neg;
      pos = 0;
      neg = 0;
    }
  }
  return wins / (positives * negatives);
}

function averagePrecisionOf(fn: string, { ranked, tieEnd, positives }: Ranked): number {
  const n = ranked.length;
  if (positives === 0) {
    throw new RangeError(`${fn}: average precision is undefined without positives (0 positives among ${n} rows)`);
  }
  // One threshold per distinct score: AP = Σ (recall gained) × precision at that threshold.
  let tp = 0;
  let ap = 0;
  let pos = 0;
  for (let i = 0; i < n; i++) {
    pos += ranked[i]!;
    if (tieEnd[i] === 1 && pos > 0) {
      tp += pos;
      ap += (pos / positives) * (tp / (i + 1));
      pos = 0;
    }
  }
  return ap;
}

/** floor(n × rate), forgiving the representation error of the product (0.29 × 100 is 29, not 28). */
function topCount(n: number, rate: number): number {
  const x = n * rate;
  const nearest = Math.round(x);
  return Math.abs(x - nearest) <= 1e-9 * Math.max(1, x) ? nearest : Math.floor(x);
}

function ratesOf(fn: string, { order, y, ranked, positives }: Ranked, rates: readonly number[], revenue?: ArrayLike<number>): RateMetrics[] {
  const n = order.length;
  let totalRevenue = 0;
  if (revenue !== undefined) {
    sameLength(fn, ['labels', 'revenue'], [y, revenue]);
    for (let i = 0; i < n; i++) {
      const r = revenue[i]!;
      if (!(r >= 0 && r < Infinity)) {
        throw new RangeError(`${fn}: revenue[${i}] is ${String(r)}; revenue must be a finite amount ≥ 0`);
      }
      totalRevenue += r;
    }
  }
  const ks = rates.map((rate, i) => {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`${fn}: rates[${i}] is ${String(rate)}; rates are fractions in [0, 1]`);
    return topCount(n, rate);
  });
  // Visit the rates by increasing k while walking down the ranking once.
  const byK = ks.map((_, i) => i).sort((a, b) => ks[a]! - ks[b]!);
  const result = new Array<RateMetrics>(rates.length);
  let taken = 0;
  let hits = 0;
  let revenueTaken = 0;
  for (const r of byK) {
    const k = ks[r]!;
    for (; taken < k; taken++) {
      hits += ranked[taken]!;
      if (revenue !== undefined) revenueTaken += revenue[order[taken]!]!;
    }
    result[r] = {
      rate: rates[r]!,
      k,
      precision: k === 0 ? 0 : hits / k,
      recall: positives === 0 ? 0 : hits / positives,
      revenueShare: revenue === undefined ? null : totalRevenue === 0 ? 0 : revenueTaken / totalRevenue,
    };
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Calibration

/** Checks lengths and probabilities, and returns the labels as 0/1 bytes. */
function calibrationLabels(fn: string, probabilities: ArrayLike<number>, labels: ArrayLike<number>): Uint8Array {
  sameLength(fn, ['probabilities', 'labels'], [probabilities, labels]);
  const y = readLabels(fn, labels);
  checkProbabilities(fn, probabilities);
  return y;
}

function brierOf(fn: string, probabilities: ArrayLike<number>, y: Uint8Array): number {
  const n = y.length;
  if (n === 0) throw new RangeError(`${fn}: no rows; the Brier score of nothing is undefined`);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = probabilities[i]! - y[i]!;
    sum += d * d;
  }
  return sum / n;
}

function logLossOf(fn: string, probabilities: ArrayLike<number>, y: Uint8Array, weights?: ArrayLike<number>): number {
  const n = y.length;
  let sum = 0;
  let totalWeight = 0;
  for (let i = 0; i < n; i++) {
    const w = weights === undefined ? 1 : weights[i]!;
    if (!(w >= 0 && w < Infinity)) throw new RangeError(`${fn}: weights[${i}] is ${String(w)}; weights must be finite and ≥ 0`);
    const p = Math.min(Math.max(probabilities[i]!, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
    sum -= w * (y[i] === 1 ? Math.log(p) : Math.log1p(-p));
    totalWeight += w;
  }
  if (totalWeight === 0) throw new RangeError(`${fn}: the total weight of the ${n} rows is 0; the mean log loss is undefined`);
  return sum / totalWeight;
}

function reliabilityOf(fn: string, probabilities: ArrayLike<number>, y: Uint8Array, bins: number): ReliabilityBin[] {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`${fn}: bins is ${bins}; it must be a whole number ≥ 1`);
  const edges = new Float64Array(bins + 1);
  for (let b = 0; b <= bins; b++) edges[b] = b / bins;
  const count = new Float64Array(bins);
  const sumPredicted = new Float64Array(bins);
  const sumObserved = new Float64Array(bins);
  for (let i = 0; i < y.length; i++) {
    const p = probabilities[i]!;
    let b = Math.min(Math.floor(p * bins), bins - 1);
    // Keep the bin consistent with the reported edges despite rounding in p × bins.
    if (b < bins - 1 && p >= edges[b + 1]!) b++;
    else if (b > 0 && p < edges[b]!) b--;
    count[b] = count[b]! + 1;
    sumPredicted[b] = sumPredicted[b]! + p;
    sumObserved[b] = sumObserved[b]! + y[i]!;
  }
  const table: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const c = count[b]!;
    table.push({
      from: edges[b]!,
      to: edges[b + 1]!,
      count: c,
      meanPredicted: c === 0 ? 0 : sumPredicted[b]! / c,
      observedRate: c === 0 ? 0 : sumObserved[b]! / c,
    });
  }
  return table;
}

// ---------------------------------------------------------------------------------------------
// Public API

/**
 * Area under the ROC curve: the probability that a random positive scores above a random
 * negative, ties counting one half (Mann–Whitney U with average ranks). O(n log n) or better.
 * Throws a RangeError when the lengths differ or only one class is present.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  return aucOf('rocAuc', rank('rocAuc', scores, labels));
}

/**
 * Average precision, the step-wise area under the precision–recall curve as scikit-learn's
 * `average_precision_score`: Σ over distinct scores, highest first, of (recall gained) × precision,
 * all rows with an equal score entering together. Throws a RangeError when there are no positives.
 */
export function prAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  return averagePrecisionOf('prAuc', rank('prAuc', scores, labels));
}

/**
 * For each rate (a fraction, 0.05 = 5 %), what inspecting the k = floor(rows × rate) top-scored
 * rows finds: precision, recall, and the share of `revenue` they hold. Equal scores are taken in
 * row order, lower index first, so the result is deterministic.
 */
export function atRates(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: { rates: readonly number[]; revenue?: ArrayLike<number> },
): RateMetrics[] {
  return ratesOf('atRates', rank('atRates', scores, labels), opts.rates, opts.revenue);
}

/** Brier score: mean squared difference between predicted probability and label. */
export function brier(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  return brierOf('brier', probabilities, calibrationLabels('brier', probabilities, labels));
}

/**
 * Reliability (calibration) table over `bins` equal-width bins of [0, 1]: per bin the row count,
 * mean predicted probability and observed positive rate. Empty bins are listed with zeros.
 */
export function reliability(probabilities: ArrayLike<number>, labels: ArrayLike<number>, bins = 10): ReliabilityBin[] {
  return reliabilityOf('reliability', probabilities, calibrationLabels('reliability', probabilities, labels), bins);
}

/**
 * Mean binary cross-entropy −[y·ln p + (1−y)·ln(1−p)], probabilities clipped to [1e-15, 1 − 1e-15];
 * with `weights`, the weighted mean Σ wᵢ·lossᵢ / Σ wᵢ.
 */
export function logLoss(probabilities: ArrayLike<number>, labels: ArrayLike<number>, weights?: ArrayLike<number>): number {
  const y = calibrationLabels('logLoss', probabilities, labels);
  if (weights !== undefined) sameLength('logLoss', ['probabilities', 'weights'], [probabilities, weights]);
  return logLossOf('logLoss', probabilities, y, weights);
}

/**
 * The full evaluation of a model on labelled rows: ranking metrics on `scores` (sorted once),
 * calibration metrics on `probabilities`, and precision, recall and revenue share at the
 * inspection rates 1 %, 2 %, 5 % and 10 %. This is what `portcullis evaluate --json` prints.
 */
export function evaluateScores(
  scores: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  revenue?: ArrayLike<number>,
): ScoreEvaluation {
  const fn = 'evaluateScores';
  if (revenue === undefined) sameLength(fn, ['scores', 'probabilities', 'labels'], [scores, probabilities, labels]);
  else sameLength(fn, ['scores', 'probabilities', 'labels', 'revenue'], [scores, probabilities, labels, revenue]);
  const ranked = rank(fn, scores, labels);
  checkProbabilities(fn, probabilities);
  const auc = aucOf(fn, ranked);
  const atInspectionRates = ratesOf(fn, ranked, INSPECTION_RATES, revenue);
  const precisionAt = {} as Record<RateKey, number>;
  const recallAt = {} as Record<RateKey, number>;
  const revenueAt = {} as Record<RateKey, number>;
  for (const m of atInspectionRates) {
    const key = String(Math.round(m.rate * 100)) as RateKey;
    precisionAt[key] = m.precision;
    recallAt[key] = m.recall;
    revenueAt[key] = m.revenueShare ?? 0;
  }
  return {
    rows: ranked.order.length,
    positives: ranked.positives,
    auc,
    prAuc: averagePrecisionOf(fn, ranked),
    brier: brierOf(fn, probabilities, ranked.y),
    logLoss: logLossOf(fn, probabilities, ranked.y),
    precisionAt,
    recallAt,
    revenueAt: revenue === undefined ? null : revenueAt,
    reliability: reliabilityOf(fn, probabilities, ranked.y, 10),
  };
}

// ---------------------------------------------------------------------------------------------
// Curves (for charts)

/** One point of the ROC curve: the share of negatives and of positives scored at or above a threshold. */
export interface RocPoint {
  fpr: number;
  tpr: number;
}

/** What the evaluation charts draw: hits against inspection rate, and the ROC curve. */
export interface EvaluationCurves {
  /** Precision, recall and revenue share of the top rows at inspection rates 1/points, 2/points … up to 100 %. */
  inspection: RateMetrics[];
  /** From (0, 0) to (1, 1), one point per distinct score, thinned to at most `rocPoints` + 1 points. */
  roc: RocPoint[];
}

/**
 * The curves behind an evaluation's charts, from one sort of the rows: precision, recall and
 * revenue share at `ratePoints` evenly spaced inspection rates (as {@link atRates}, ties in row
 * order), and the ROC curve. The ROC curve has a point at each distinct score, all rows with that
 * score entering together (so a tie is a diagonal step, and the trapezoidal area under the full
 * curve is {@link rocAuc}); to keep it small enough to send and draw, a point is kept only once the
 * curve has moved at least 2 / `rocPoints` along fpr + tpr (which grows from 0 to 2) since the
 * last kept one, and the end point (1, 1) always is. Throws a RangeError with only one class.
 */
export function evaluationCurves(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: { revenue?: ArrayLike<number>; ratePoints?: number; rocPoints?: number } = {},
): EvaluationCurves {
  const fn = 'evaluationCurves';
  const ratePoints = opts.ratePoints ?? 100;
  const rocPoints = opts.rocPoints ?? 200;
  for (const [name, v] of [['ratePoints', ratePoints], ['rocPoints', rocPoints]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${fn}: ${name} is ${String(v)}; it must be a whole number ≥ 1`);
  }
  const ranked = rank(fn, scores, labels);
  const { ranked: ys, tieEnd, positives } = ranked;
  const n = ys.length;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    throw new RangeError(`${fn}: the ROC curve is undefined with only one class (${positives} positives, ${negatives} negatives); labels need both 0 and 1`);
  }
  const rates = Array.from({ length: ratePoints }, (_, i) => (i + 1) / ratePoints);
  const inspection = ratesOf(fn, ranked, rates, opts.revenue);

  const step = 2 / rocPoints;
  const roc: RocPoint[] = [{ fpr: 0, tpr: 0 }];
  let tp = 0;
  let fp = 0;
  let keptAt = 0; // fpr + tpr of the last kept point
  for (let i = 0; i < n; i++) {
    if (ys[i] === 1) tp++;
    else fp++;
    if (tieEnd[i] !== 1) continue;
    const fpr = fp / negatives;
    const tpr = tp / positives;
    // A little slack, so that rounding in the sums does not drop a point that is a whole step on.
    if (fpr + tpr - keptAt >= step * (1 - 1e-9) || i === n - 1) {
      roc.push({ fpr, tpr });
      keptAt = fpr + tpr;
    }
  }
  return { inspection, roc };
}
