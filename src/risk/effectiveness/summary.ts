import { wilsonInterval } from './wilson.ts';

/**
 * The effectiveness of a selection (a rule, a model, a lane) over a period: how many declarations
 * it selected, how many of those were inspected, what the inspections found, its hit rate with a
 * Wilson 95 % interval, and its lift over random selection.
 *
 * - hitRate = findings / inspected (NaN with no inspections), with the Wilson interval.
 * - lift = hitRate / baseRate, where baseRate is the hit rate random selection would have had
 *   (the flow's finding rate, e.g. an inverse-propensity estimate from ipw.ts). NaN when either is
 *   undefined or baseRate is 0 — never Infinity, so a figure can be shown or compared safely.
 *
 * Decay (isDecayed): a rule is flagged for review when it has at least `minInspected`
 * inspections and even the upper end of its 95 % interval lies below `minHitRate` — the data
 * then say, with 97.5 % one-sided confidence, that its hit rate is below the level. A rule with
 * few inspections is never flagged: too few results cannot show decay.
 */

export interface EffectivenessInput {
  readonly selected: number;
  readonly inspected: number;
  readonly findings: number;
  /** Revenue the findings recovered, in the office's currency. */
  readonly revenue: number;
  /** The finding rate of random selection, a fraction in [0, 1]; NaN when it is not known. */
  readonly baseRate: number;
}

export interface Effectiveness {
  readonly selected: number;
  readonly inspected: number;
  readonly findings: number;
  readonly hitRate: number;
  readonly hitRateLow: number;
  readonly hitRateHigh: number;
  readonly revenue: number;
  readonly lift: number;
}

function count(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`effectiveness: ${name} is ${String(value)}; it must be a whole number ≥ 0`);
  }
}

export function effectiveness(input: EffectivenessInput): Effectiveness {
  const { selected, inspected, findings, revenue, baseRate } = input;
  count('selected', selected);
  count('inspected', inspected);
  count('findings', findings);
  if (inspected > selected) {
    throw new RangeError(`effectiveness: inspected (${inspected}) is more than selected (${selected}); only selected declarations are inspected`);
  }
  if (findings > inspected) {
    throw new RangeError(`effectiveness: findings (${findings}) is more than inspected (${inspected}); each inspection finds at most once`);
  }
  if (!Number.isFinite(revenue)) throw new RangeError(`effectiveness: revenue is ${String(revenue)}; it must be a finite amount`);
  // NaN: the base rate is not known (nothing of the period has a known outcome yet); the lift is then NaN.
  if (!Number.isNaN(baseRate) && !(baseRate >= 0 && baseRate <= 1)) {
    throw new RangeError(`effectiveness: baseRate is ${String(baseRate)}; it must be a fraction in [0, 1], or NaN when unknown`);
  }
  const w = wilsonInterval(findings, inspected);
  return {
    selected,
    inspected,
    findings,
    hitRate: w.rate,
    hitRateLow: w.low,
    hitRateHigh: w.high,
    revenue,
    lift: baseRate > 0 && !Number.isNaN(w.rate) ? w.rate / baseRate : NaN,
  };
}

/**
 * True when `e` rests on at least `minInspected` inspections and the upper bound of its hit
 * rate's 95 % interval is below `minHitRate`: the hit rate has decayed below the level.
 */
export function isDecayed(e: Pick<Effectiveness, 'inspected' | 'hitRateHigh'>, minHitRate: number, minInspected: number): boolean {
  if (!(minHitRate >= 0 && minHitRate <= 1)) {
    throw new RangeError(`isDecayed: minHitRate is ${String(minHitRate)}; it must be a fraction in [0, 1]`);
  }
  if (!(minInspected >= 0)) throw new RangeError(`isDecayed: minInspected is ${String(minInspected)}; it must be ≥ 0`);
  return e.inspected >= minInspected && e.inspected > 0 && e.hitRateHigh < minHitRate;
}
