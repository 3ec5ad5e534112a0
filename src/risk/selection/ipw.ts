/**
 * Estimates of a mean over the whole flow of declarations (a finding rate, or revenue per
 * declaration) from the inspected part only, weighting each inspected declaration by the inverse
 * of the probability π with which it was selected (the propensity the selector recorded).
 * Inspections chosen by risk are a biased sample — the naive rate among them says little about
 * the flow — but with every π known and > 0 the weighted sums are unbiased.
 *
 * For N units, S the inspected ones, y the outcome, m the model's prediction:
 *
 *   Horvitz–Thompson  μ_HT   = (1/N) Σ_S y/π                      unbiased; noisy when Σ_S 1/π ≠ N
 *   Hájek             μ_H    = Σ_S y/π / Σ_S 1/π                   self-normalised; a ratio, so
 *                                                                   biased O(1/n), usually less variance
 *   augmented (AIPW)  μ_AIPW = (1/N) [Σ_all m + Σ_S (y − m)/π]     unbiased for any m ("doubly
 *                                                                   robust"); its variance comes from
 *                                                                   the residuals y − m only, so an
 *                                                                   informative model shrinks it
 *
 *   post-stratified   μ_PS   = Σ_h (N_h/N) μ_H,h                  the Hájek estimate within strata
 *                                                                   of the prediction (its deciles over
 *                                                                   all units), weighted by their sizes
 *
 * AIPW and the post-stratified estimate are given only when every unit has a prediction (null
 * otherwise). Post-stratification needs the prediction to rank units only, not to be calibrated:
 * a model retrained on the few inspected declarations ranks well long before its probabilities are
 * right, and then the strata's rates differ widely, which is where the variance goes down (the
 * variance becomes Σ_h (N_h/N)² V_h, each V_h linearised as below within its stratum). A stratum
 * with no inspected unit is merged into its neighbour below (above, for the lowest).
 *
 * Standard error: of the Hájek estimate, by Taylor linearisation under Poisson sampling (each
 * unit selected independently with its π):
 *
 *   V̂ = (1/N̂²) Σ_S (1 − π)/π² · (y − μ_H)²,   N̂ = Σ_S 1/π,
 *
 * Units selected with certainty (π = 1) add no variance. The 95% interval: for a finding rate
 * (every outcome 0 or 1), Wilson's interval at the effective sample size n* = μ_H(1 − μ_H)/V̂
 * (Korn and Graubard's approach for survey proportions), so that a rate near 0, estimated from few
 * randomly selected findings, gets the asymmetric interval it needs rather than a normal one that
 * under-covers (with no finding at all, n* is Kish's (Σ1/π)²/Σ1/π² over the inspected units drawn at
 * random); for other outcomes (revenue), μ_H ± 1.959964·√V̂. The
 * selector's propensities depend on what went before; each is the selection probability given the
 * past, so the estimators stay unbiased, and treating the draws as independent is the usual
 * approximation for the variance. The interval is a normal approximation: it needs a fair number
 * of findings among the randomly selected units (ten or more); with a handful it covers the truth
 * less often than 95 % (about 86 % with three, in the tests), and with rare findings the
 * augmented estimator gains little on Horvitz–Thompson (its variance is about (1 − p) times).
 *
 * A unit inspected with propensity 0 is impossible under the recorded design and is refused
 * (RangeError). Units never selectable (π = 0, not inspected) are counted in N but cannot be
 * represented by anyone: the estimates then cover the selectable part only.
 * With no inspected unit the Hájek estimate, its se and interval are NaN; with no unit at all,
 * every estimate is NaN.
 */

export interface IpwUnit {
  /** Probability that the unit was selected for inspection, before the draw. */
  readonly propensity: number;
  readonly inspected: boolean;
  /** 0/1 finding, or revenue; read only for inspected units. */
  readonly outcome: number;
  /** The model's probability (or predicted outcome), for the augmented estimator. */
  readonly prediction?: number | undefined;
}

export interface IpwEstimate {
  readonly n: number;
  readonly inspected: number;
  readonly horvitzThompson: number;
  readonly hajek: number;
  readonly aipw: number | null;
  /** Post-stratified Hájek estimate by deciles of the prediction, with its standard error and interval. */
  readonly stratified: { readonly estimate: number; readonly se: number; readonly ci95: readonly [number, number]; readonly strata: number } | null;
  /** Standard error of the Hájek estimate (linearised). */
  readonly se: number;
  readonly ci95: readonly [number, number];
}

const Z95 = 1.959964;

function check(u: IpwUnit, i: number): void {
  const { propensity: p } = u;
  if (!(p >= 0 && p <= 1)) throw new RangeError(`ipwEstimate: units[${i}].propensity is ${String(p)}; it must be a probability in [0, 1]`);
  if (u.inspected && p === 0) {
    throw new RangeError(`ipwEstimate: units[${i}] was inspected with propensity 0; an inspected unit must have had a positive chance of selection`);
  }
  if (u.inspected && !Number.isFinite(u.outcome)) {
    throw new RangeError(`ipwEstimate: units[${i}].outcome is ${String(u.outcome)}; it must be a finite number`);
  }
  if (u.prediction !== undefined && !Number.isFinite(u.prediction)) {
    throw new RangeError(`ipwEstimate: units[${i}].prediction is ${String(u.prediction)}; it must be a finite number`);
  }
}

export function ipwEstimate(units: readonly IpwUnit[]): IpwEstimate {
  const n = units.length;
  let inspected = 0;
  let weightedOutcome = 0; // Σ_S y/π
  let weights = 0; // Σ_S 1/π
  let predictions = 0; // Σ_all m
  let weightedResiduals = 0; // Σ_S (y − m)/π
  let allPredicted = true;
  for (let i = 0; i < n; i++) {
    const u = units[i]!;
    check(u, i);
    if (u.prediction === undefined) allPredicted = false;
    else predictions += u.prediction;
    if (!u.inspected) continue;
    inspected++;
    const w = 1 / u.propensity;
    weights += w;
    weightedOutcome += w * u.outcome;
    if (u.prediction !== undefined) weightedResiduals += w * (u.outcome - u.prediction);
  }
  const hajek = inspected === 0 ? NaN : weightedOutcome / weights;
  let variance = NaN;
  if (inspected > 0) {
    let sum = 0;
    for (const u of units) {
      if (!u.inspected) continue;
      const d = u.outcome - hajek;
      sum += ((1 - u.propensity) / (u.propensity * u.propensity)) * d * d;
    }
    variance = sum / (weights * weights);
  }
  const se = Math.sqrt(variance);
  const ci95 = interval(units, hajek, se, inspected);
  const stratified = allPredicted && n > 0 && inspected > 0 ? postStratified(units) : null;
  return {
    n,
    inspected,
    horvitzThompson: n === 0 ? NaN : weightedOutcome / n,
    hajek,
    aipw: allPredicted ? (n === 0 ? NaN : (predictions + weightedResiduals) / n) : null,
    stratified,
    se,
    ci95,
  };
}

/** Strata of units by prediction: at most `count` groups of about equal size, ties kept together. */
function strataOf(units: readonly IpwUnit[], count: number): number[][] {
  const order = Array.from(units.keys()).sort((a, b) => units[a]!.prediction! - units[b]!.prediction! || a - b);
  const strata: number[][] = [];
  const size = Math.ceil(order.length / count);
  let current: number[] = [];
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const prev = k > 0 ? units[order[k - 1]!]!.prediction : undefined;
    if (current.length >= size && units[i]!.prediction !== prev) {
      strata.push(current);
      current = [];
    }
    current.push(i);
  }
  if (current.length > 0) strata.push(current);
  // Every stratum needs an inspected unit: merge the others into a neighbour.
  const inspectedIn = (s: readonly number[]) => s.some((i) => units[i]!.inspected);
  const merged: number[][] = [];
  for (const s of strata) {
    if (merged.length > 0 && !inspectedIn(merged[merged.length - 1]!)) merged[merged.length - 1]!.push(...s);
    else merged.push(s);
  }
  if (merged.length > 1 && !inspectedIn(merged[merged.length - 1]!)) merged[merged.length - 2]!.push(...merged.pop()!);
  return merged;
}

const STRATA = 10;

function postStratified(units: readonly IpwUnit[]): NonNullable<IpwEstimate['stratified']> {
  const n = units.length;
  let estimate = 0;
  let variance = 0;
  const strata = strataOf(units, STRATA);
  for (const s of strata) {
    let w = 0;
    let wy = 0;
    for (const i of s) {
      const u = units[i]!;
      if (!u.inspected) continue;
      w += 1 / u.propensity;
      wy += u.outcome / u.propensity;
    }
    const mean = wy / w;
    let v = 0;
    for (const i of s) {
      const u = units[i]!;
      if (!u.inspected) continue;
      const d = u.outcome - mean;
      v += ((1 - u.propensity) / (u.propensity * u.propensity)) * d * d;
    }
    const share = s.length / n;
    estimate += share * mean;
    variance += share * share * (v / (w * w));
  }
  const se = Math.sqrt(variance);
  return { estimate, se, ci95: [estimate - Z95 * se, estimate + Z95 * se], strata: strata.length };
}

/** Wilson's score interval for a proportion p observed on (an effective) n units. */
function wilson(p: number, n: number): [number, number] {
  const z2 = Z95 * Z95;
  const d = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / d;
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / d;
  // At p = 0 or 1 a bound equals p exactly in theory; rounding must not leave p outside.
  return [Math.min(p, Math.max(0, centre - half)), Math.max(p, Math.min(1, centre + half))];
}

function interval(units: readonly IpwUnit[], hajek: number, se: number, inspected: number): readonly [number, number] {
  if (inspected === 0) return [NaN, NaN];
  let binary = true;
  let w = 0;
  let w2 = 0;
  for (const u of units) {
    if (!u.inspected) continue;
    if (u.outcome !== 0 && u.outcome !== 1) binary = false;
    if (u.propensity < 1) {
      w += 1 / u.propensity;
      w2 += 1 / (u.propensity * u.propensity);
    }
  }
  // Nothing drawn at random (every inspected unit was certain), or not a rate: the normal interval.
  if (!binary || w === 0) return [hajek - Z95 * se, hajek + Z95 * se];
  const n = se > 0 && hajek > 0 && hajek < 1 ? (hajek * (1 - hajek)) / (se * se) : (w * w) / w2;
  return wilson(hajek, n);
}
