import type { Budget } from '../../domain/decision.ts';
import { meanOf, observe, type RunningMean } from './running-mean.ts';

/**
 * The exploration probability qᵢ of a declaration with a score that rules and risk did not
 * select. The expected number explored is e·T of the scored flow: the mean chance is
 * q̄ = e·T / (running share of scored declarations that reach exploration).
 *
 * - 'uniform': qᵢ = q̄ for all (random control).
 * - 'uncertainty': qᵢ = clip(q̄ · g · wᵢ / w̄, q̄/10, 1), with wᵢ = max(√(pᵢ(1 − pᵢ)), 0.01) from
 *   the model probability pᵢ (w̄ when there is none), w̄ the running mean of the weights of the
 *   declarations reaching exploration, and g a slow correction, g ← g·exp(0.002·(1 − qᵢ/q̄)),
 *   that keeps the mean of the clipped qᵢ at q̄.
 *
 * Why √(p(1 − p)). The augmented (doubly robust) estimate of the finding rate, with the model as
 * its augmentation (ipw.ts), has variance Σ pᵢ(1 − pᵢ)(1 − πᵢ)/πᵢ / N² for calibrated p; for a
 * fixed expected number of checks Σ πᵢ it is least with πᵢ ∝ √(pᵢ(1 − pᵢ)) (Lagrange:
 * pᵢ(1 − pᵢ)/πᵢ² = λ). For Horvitz–Thompson the optimum is √pᵢ; the two differ by the factor
 * √(1 − p), near 1 for the low probabilities of the declarations that reach exploration (the
 * high ones are risk-selected). √(p(1 − p)) also sends more checks where the model is least sure,
 * which is what retraining needs. The floor of 0.01 on w and of q̄/10 on q keep every
 * declaration's chance positive (inverse-propensity estimates need it) and its weight 1/q at
 * most ten times the average.
 */

const WEIGHT_FLOOR = 0.01;
/** The least exploration probability, as a share of the mean q̄. */
export const Q_MIN_RATIO = 0.1;
const GAIN_STEP = 0.002;
const GAIN_MIN = 0.25;
const GAIN_MAX = 4;

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** What exploration keeps between declarations (part of the selector's state). */
export interface ExplorationState {
  /** Running share of scored declarations that reach exploration. */
  explorable: RunningMean;
  /** Running mean of the weights, and the clipping correction g. */
  weight: RunningMean;
  gain: number;
}

/** qᵢ for a declaration that reaches exploration; updates the running weight and g. */
export function explorationProbability(state: ExplorationState, budget: Budget, probability: number | null): number {
  const T = budget.redRate + budget.yellowRate;
  const explorable = meanOf(state.explorable, 1 - (1 - budget.exploreShare) * T);
  const qBar = Math.min(1, (budget.exploreShare * T) / Math.max(explorable, 1e-9));
  if (budget.exploreMode === 'uniform' || qBar === 0) return qBar;
  // No probability: the mean weight (ratio 1), and the running mean is left as it is.
  const wBar = meanOf(state.weight, 1);
  const w = probability === null ? wBar : Math.max(Math.sqrt(probability * (1 - probability)), WEIGHT_FLOOR);
  const q = clamp((qBar * state.gain * w) / (state.weight.weight > 0 ? wBar : w), Q_MIN_RATIO * qBar, 1);
  if (probability !== null) observe(state.weight, w);
  state.gain = clamp(state.gain * Math.exp(GAIN_STEP * (1 - q / qBar)), GAIN_MIN, GAIN_MAX);
  return q;
}
