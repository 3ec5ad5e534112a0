/**
 * The recent scores of an office, kept compactly for its running thresholds: a sorted sample of
 * at most CAPACITY scores. While the sample is not full every score enters; after that each new
 * score replaces one chosen pseudo-randomly (by a hash of the count of scores seen, so the
 * caller's random source is left to the exploration draws and the choice replays exactly). A
 * score thus survives k later arrivals with probability (1 − 1/CAPACITY)^k: the sample is an
 * exponentially ageing window over about the last CAPACITY scores (mean age CAPACITY), which
 * follows drift, and being sorted it gives any quantile at once and stays one plain array of
 * numbers in the stored state (no second copy in arrival order is needed, as a sliding window
 * would).
 *
 * cutAt(scores, share) is the cut that selects a share of the sample: the threshold value v (a
 * score of the sample) and the fraction f of the scores equal to v to take, so that
 * count(> v) + f · count(= v) = share × size exactly. A declaration passes it with probability
 * 1 when its score is above v, f when equal to v, 0 below (chanceOf). With continuous scores f
 * hardly matters (a new score rarely equals a stored one); with many equal scores — a model
 * whose trees give the same value to whole groups of declarations — it is what lets the office
 * select 5 % of the flow when 30 % of it share one score, without a bias toward taking all of
 * the block or none of it. A share ≤ 0 gives NO_SELECTION (nothing passes), a share ≥ 1
 * ALL_SELECTED (every finite score passes).
 */

export const CAPACITY = 2048;

/** The threshold that no score passes (JSON-safe, unlike Infinity). */
export const NO_SELECTION = Number.MAX_VALUE;
/** The threshold that every finite score passes. */
export const ALL_SELECTED = -Number.MAX_VALUE;

export interface ScoreWindow {
  /** Ascending. */
  scores: number[];
  /** Scores that have entered the sample so far. */
  seen: number;
}

/** First index whose score is ≥ x (strict = false) or > x (strict = true). */
function bound(sorted: readonly number[], x: number, strict: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x || (strict && sorted[mid] === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A 32-bit mix of n (the finaliser of splitmix32). */
function mix(n: number): number {
  let z = (n + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

export function insertScore(window: ScoreWindow, score: number, capacity = CAPACITY): void {
  const { scores } = window;
  const x = score + 0; // −0 and 0 are one score
  if (scores.length >= capacity) scores.splice(mix(window.seen) % scores.length, 1);
  scores.splice(bound(scores, x, true), 0, x);
  window.seen++;
}

/** A cut: scores above `value` pass, scores equal to it pass with probability `fraction`. */
export interface Cut {
  readonly value: number;
  readonly fraction: number;
}

export function cutAt(sorted: readonly number[], share: number): Cut {
  const n = sorted.length;
  if (n === 0 || !(share > 0)) return { value: NO_SELECTION, fraction: 0 };
  if (share >= 1) return { value: ALL_SELECTED, fraction: 1 };
  const want = share * n;
  const value = sorted[n - Math.min(n, Math.ceil(want))]!; // the ⌈want⌉-th largest
  const above = n - bound(sorted, value, true); // < want
  const equal = n - above - bound(sorted, value, false); // ≥ 1, and above + equal ≥ want
  return { value, fraction: Math.min(1, (want - above) / equal) };
}

/** The probability that a score passes a cut. */
export function chanceOf(score: number, cut: Cut): number {
  return score > cut.value ? 1 : score === cut.value ? cut.fraction : 0;
}
