/**
 * A running mean that forgets: exponentially weighted over about the last 1/ALPHA values, kept
 * as two sums (plain JSON) so that it is exact from the first value on — the mean of one value is
 * that value, not a blend with an arbitrary start.
 */

/** Running means forget at this rate: about the last 500 values count. */
export const ALPHA = 1 / 500;

export interface RunningMean {
  /** Exponentially weighted sums: the mean is sum / weight. */
  sum: number;
  weight: number;
}

export function newRunningMean(): RunningMean {
  return { sum: 0, weight: 0 };
}

/** The mean, or `otherwise` before the first value. */
export function meanOf(m: RunningMean, otherwise: number): number {
  return m.weight > 0 ? m.sum / m.weight : otherwise;
}

export function observe(m: RunningMean, x: number): void {
  m.sum = (1 - ALPHA) * m.sum + ALPHA * x;
  m.weight = (1 - ALPHA) * m.weight + ALPHA;
}
