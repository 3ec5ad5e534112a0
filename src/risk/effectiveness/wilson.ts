/**
 * The Wilson score interval of a binomial proportion (Wilson 1927): the set of rates p whose
 * score test |p̂ − p| / √(p(1 − p)/n) ≤ z does not reject, solved for p. Unlike the normal
 * ("Wald") interval it stays inside [0, 1], is not degenerate at 0 or n successes, and keeps
 * close to its nominal coverage with the small counts a rule's inspections often give.
 *
 *   centre = (p̂ + z²/2n) / (1 + z²/n)
 *   half   = z / (1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²)
 *
 * With no trials nothing is known: the rate is NaN and the interval the whole of [0, 1].
 */

export interface WilsonInterval {
  /** successes / trials; NaN when there are no trials. */
  readonly rate: number;
  readonly low: number;
  readonly high: number;
}

/** The two-sided 95 % normal quantile. */
export const Z95 = 1.959964;

export function wilsonInterval(successes: number, trials: number, z = Z95): WilsonInterval {
  if (!Number.isInteger(trials) || trials < 0) {
    throw new RangeError(`wilsonInterval: trials is ${String(trials)}; it must be a whole number ≥ 0`);
  }
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new RangeError(`wilsonInterval: successes is ${String(successes)}; it must be a whole number from 0 to trials (${trials})`);
  }
  if (!(z > 0 && z < Infinity)) throw new RangeError(`wilsonInterval: z is ${String(z)}; it must be a finite number > 0`);
  if (trials === 0) return { rate: NaN, low: 0, high: 1 };
  const n = trials;
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0 and n successes the bound is exactly 0 or 1; keep rounding from putting it a hair off.
  return {
    rate: p,
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === n ? 1 : Math.min(1, centre + half),
  };
}
