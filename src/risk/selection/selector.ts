import type { Budget, SelectionType } from '../../domain/decision.ts';
import type { Lane } from '../../domain/rule.ts';
import { chanceOf, cutAt, insertScore, type Cut } from './window.ts';

/**
 * The streaming selector of one customs office: for each declaration, as it is filed, the lane
 * (green, yellow, red), why (selection type), and the probability with which it was to be
 * selected for a check before the draw (propensity), keeping the office within its inspection
 * budget. Pure: the state is plain JSON data, updated in place, stored by the caller between
 * decisions; randomness comes from the `random` source passed in (a seeded one in tests).
 *
 * Budget. Target rates R (red) and Y (yellow), fractions of all declarations; T = R + Y. The
 * exploration share e of T (default 0.1) is spent on random selection, the rest, (1 − e)·T, on
 * rules and risk.
 *
 * 1. Rule-mandated red or yellow: that lane, type 'rule-mandated', propensity 1. These consume
 *    the budget: the risk-based share is what is left of (1 − e)·T.
 *
 * 2. Risk-based (a score, no lane forced): red if score ≥ the red threshold, else yellow if
 *    score ≥ the yellow threshold; type 'risk-based', propensity 1 (deterministic given the past).
 *    The thresholds are quantiles of recent scores (see window.ts: a sample of the last few
 *    thousand scores that are open to risk selection) at the levels that select
 *      risk share      = (1 − e)·T − mandated share + T-feedback, split so that
 *      red risk share  = (1 − e)·R − mandated red share + R-feedback (within [0, risk share]),
 *    each divided by the share of scored declarations open to risk selection (no lane forced:
 *    the window's population).
 *    The mandated shares are running means over the last ~500 declarations. The feedback keeps
 *    the realised rates of the current UTC day on target: with D = target·n − selected so far
 *    today (for red + yellow, and for red), the share is raised by D / H, so that a shortfall of
 *    D checks is made up over the next H declarations. H is about ten expected checks (10/T) but
 *    at most a twentieth of the day's traffic (the larger of yesterday's count and today's so
 *    far), within [100, 1000] declarations. This is integral control on the day's count: a
 *    threshold that lags the scores (drift), ties, rules and exploration luck leave a standing
 *    shortfall of about H × (the share missed), a small part of the day's checks, so the day
 *    ends within a few checks of R·n and Y·n. A smaller H holds the rate tighter but makes the
 *    threshold move more from one declaration to the next.
 *    Lanes: red takes what R needs; yellow takes the rest of the risk share; when rules already
 *    exceed one lane's target the other absorbs the difference, so the total still holds.
 *    Ties: the cut is randomised at the threshold value (window.ts): scores above it are
 *    selected, scores equal to it with the fraction of their block that the wanted share needs,
 *    so a block of many equal scores is split at random instead of taken whole or left whole.
 *    Such a declaration's selection probability is pSel = that fraction (plus, if the draw does
 *    not select it, its exploration chance), and that is its propensity — below 1 even when risk
 *    selected it. With continuous scores this never happens in practice and risk-based
 *    selections have propensity 1.
 *
 * 3. Exploration: a declaration with a score that rules or risk did not select (a rule-forced
 *    green included — trusted flow is not risk-selected, but random control still reaches it) is
 *    selected with probability qᵢ by one draw u = random(): selected when u < qᵢ, red when
 *    u < qᵢ·R/T (so red with probability R/T among those selected), else yellow. (At a tied cut
 *    the same draw decides both: u < pSel is the risk selection, red when u is below the red
 *    cut's chance; pSel ≤ u < pSel + (1 − pSel)·qᵢ is exploration.) Expected explored
 *    count: e·T of the scored flow, i.e. q̄ = e·T / (running share of scored declarations that
 *    reach this step).
 *    - 'uniform': qᵢ = q̄ for all; selection type 'random' (random control).
 *    - 'uncertainty': qᵢ = clip(q̄ · g · wᵢ / w̄, q̄/10, 1), selection type 'exploration', with
 *      wᵢ = max(√(pᵢ(1 − pᵢ)), 0.01) from the model probability pᵢ (w̄ when there is none), w̄ a
 *      running mean of the weights of the declarations reaching this step, and g a slow
 *      correction (g ← g·exp(0.002·(1 − qᵢ/q̄))) that keeps the mean of the clipped qᵢ at q̄.
 *      Why √(p(1 − p)): the augmented (doubly robust) estimate of the finding rate, with the
 *      model as its augmentation, has variance Σ pᵢ(1 − pᵢ)(1 − πᵢ)/πᵢ for calibrated p, which
 *      for a fixed expected number of checks Σ πᵢ is least with πᵢ ∝ √(pᵢ(1 − pᵢ)) (Lagrange).
 *      For Horvitz–Thompson the optimum is √pᵢ; the two differ by the factor √(1 − p), which is
 *      near 1 for the low probabilities of the declarations that reach exploration (the high ones
 *      are risk-selected). √(p(1 − p)) also sends more checks where the model is least sure,
 *      which is what retraining needs. The floor of 0.01 on w and q̄/10 on q keep every
 *      declaration's chance positive (inverse-propensity estimates need it) and its weight 1/q
 *      at most ten times the average.
 *    The propensity recorded is qᵢ for the selected and for those not selected (lane green,
 *    type 'none') alike, so every declaration's selection probability is known.
 *
 * 4. No score (no active model): no risk-based selection; the budget goes to random selection,
 *    type 'random', with probability q₀ = (share wanted today beyond the mandates) /
 *    (1 − mandated share) — the office's rate, plus the same day feedback — floored at T/10,
 *    red with the share red still wants. The propensity is q₀.
 *
 * The UTC day is that of `at`; the day's counts restart when a later day begins (a declaration
 * dated before the current day is counted in the current day). If rules alone mandate more than
 * (1 − e)·T, risk-based selection stops but exploration goes on: the office then inspects
 * m + e·T, above its budget, rather than lose the random control the estimates depend on. With
 * e = 0 or T = 0 nothing is explored and unselected declarations get propensity 0.
 * `random` is called once for each declaration whose fate is not certain (a draw decides it), and
 * not for the rule-mandated or the certainly risk-selected.
 */

export interface RunningMean {
  /** Exponentially weighted sums: the mean is sum / weight (exact from the first value on). */
  sum: number;
  weight: number;
}

export interface SelectorState {
  version: 1;
  /** A sample of recent scores open to risk selection, ascending (window.ts). */
  scores: number[];
  /** How many scores have entered the sample. */
  seen: number;
  /** The UTC day counted (days since 1970-01-01), null before the first declaration. */
  day: number | null;
  /** Declarations, reds and yellows of that day, every selection type included. */
  declarations: number;
  /** Declarations of the day before (0 when unknown), to size the feedback to the office. */
  previousDeclarations: number;
  red: number;
  yellow: number;
  /** Running shares of all declarations: mandated red, mandated yellow. */
  mandatedRed: RunningMean;
  mandatedYellow: RunningMean;
  /** Running shares of the declarations with a score: open to risk selection, reaching exploration. */
  riskable: RunningMean;
  explorable: RunningMean;
  /** Running mean of the exploration weights, and the clipping correction g. */
  weight: RunningMean;
  gain: number;
}

export interface SelectionInput {
  /** Combined risk score (model probability + rule points); null = no model. */
  readonly score: number | null;
  /** Model probability, for uncertainty-weighted exploration. */
  readonly probability: number | null;
  /** Lane forced by rules (green = trusted flow: not risk-selected, but still open to random control). */
  readonly mandated?: 'red' | 'yellow' | 'green' | undefined;
  /** Filing time, ISO 8601 UTC. */
  readonly at: string;
}

export interface Selection {
  lane: Lane;
  selectionType: SelectionType;
  propensity: number;
  thresholds: { red: number; yellow: number };
}

/** Running means forget at this rate: about the last 500 declarations count. */
const ALPHA = 1 / 500;
/**
 * Feedback horizon H, in declarations: a shortfall is made up over about this many expected
 * checks, but over no more than this share of a day's traffic, within these bounds.
 */
const FEEDBACK_CHECKS = 10;
const FEEDBACK_DAY_SHARE = 1 / 20;
const HORIZON_MIN = 100;
const HORIZON_MAX = 1000;
/** The least exploration weight, and the least exploration probability as a share of the mean. */
const WEIGHT_FLOOR = 0.01;
const Q_MIN_RATIO = 0.1;
/** Step and bounds of the clipping correction g. */
const GAIN_STEP = 0.002;
const GAIN_MIN = 0.25;
const GAIN_MAX = 4;
const DAY_MS = 86_400_000;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export function newSelectorState(): SelectorState {
  const none = () => ({ sum: 0, weight: 0 });
  return {
    version: 1,
    scores: [],
    seen: 0,
    day: null,
    declarations: 0,
    previousDeclarations: 0,
    red: 0,
    yellow: 0,
    mandatedRed: none(),
    mandatedYellow: none(),
    riskable: none(),
    explorable: none(),
    weight: none(),
    gain: 1,
  };
}

function meanOf(m: RunningMean, otherwise: number): number {
  return m.weight > 0 ? m.sum / m.weight : otherwise;
}

function observe(m: RunningMean, x: number): void {
  m.sum = (1 - ALPHA) * m.sum + ALPHA * x;
  m.weight = (1 - ALPHA) * m.weight + ALPHA;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

function checkBudget(b: Budget): void {
  for (const field of ['redRate', 'yellowRate', 'exploreShare'] as const) {
    const v = b[field];
    if (!(v >= 0 && v <= 1)) throw new RangeError(`select: budget.${field} is ${String(v)}; it must be a fraction in [0, 1]`);
  }
  if (b.redRate + b.yellowRate > 1 + 1e-12) {
    throw new RangeError(`select: budget.redRate + budget.yellowRate is ${b.redRate + b.yellowRate}; it must be at most 1`);
  }
  if (b.exploreMode !== 'uniform' && b.exploreMode !== 'uncertainty') {
    throw new RangeError(`select: budget.exploreMode is ${String(b.exploreMode)}; expected "uniform" or "uncertainty"`);
  }
}

function dayOf(at: string): number {
  const ms = ISO_UTC.test(at) ? Date.parse(at) : NaN;
  if (Number.isNaN(ms)) throw new RangeError(`select: input.at is ${JSON.stringify(at)}; expected an ISO 8601 time such as 2025-03-01T08:30:00Z`);
  return Math.floor(ms / DAY_MS);
}

function checkInput(input: SelectionInput): void {
  const { score, probability, mandated } = input;
  if (score !== null && !Number.isFinite(score)) throw new RangeError(`select: input.score is ${String(score)}; it must be a finite number or null`);
  if (probability !== null && !(probability >= 0 && probability <= 1)) {
    throw new RangeError(`select: input.probability is ${String(probability)}; it must be in [0, 1] or null`);
  }
  if (mandated !== undefined && mandated !== 'red' && mandated !== 'yellow' && mandated !== 'green') {
    throw new RangeError(`select: input.mandated is ${String(mandated)}; expected "red", "yellow", "green" or nothing`);
  }
}

/** What the office still wants today, as shares of the declarations to come. */
interface Wanted {
  /** Share of all declarations to select beyond the mandates (risk + exploration), and of it red. */
  total: number;
  totalRed: number;
  /** The cuts for this declaration (red: red only; yellow: red or yellow). */
  red: Cut;
  yellow: Cut;
}

function wanted(state: SelectorState, budget: Budget): Wanted {
  const R = budget.redRate;
  const T = R + budget.yellowRate;
  const explore = budget.exploreShare * T;
  const n = state.declarations;
  const dayTraffic = Math.max(n, state.previousDeclarations);
  const horizon = clamp(Math.min(T > 0 ? FEEDBACK_CHECKS / T : HORIZON_MAX, dayTraffic * FEEDBACK_DAY_SHARE), HORIZON_MIN, HORIZON_MAX);
  const shortTotal = T * n - (state.red + state.yellow);
  const shortRed = R * n - state.red;
  const mRed = meanOf(state.mandatedRed, 0);
  const mTotal = mRed + meanOf(state.mandatedYellow, 0);

  const total = clamp(T - mTotal + shortTotal / horizon, 0, 1);
  const red = clamp(R - mRed + shortRed / horizon, 0, total);
  const risk = Math.max(0, total - explore);
  const riskRed = clamp(red - (T > 0 ? (explore * R) / T : 0), 0, risk);
  // As shares of the scored declarations open to risk selection, the window's population (the
  // scored part of the flow is selected at the office's rate, as the unscored part is in step 4).
  const open = Math.max(1e-9, meanOf(state.riskable, 1 - mTotal));
  return { total, totalRed: red, red: cutAt(state.scores, riskRed / open), yellow: cutAt(state.scores, risk / open) };
}

/** The exploration probability of a declaration with a score that rules and risk did not select. */
function explorationProbability(state: SelectorState, budget: Budget, probability: number | null): number {
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

function uniform(random: () => number): number {
  const u = random();
  if (!(u >= 0 && u < 1)) throw new RangeError(`select: random() returned ${String(u)}; it must return numbers in [0, 1)`);
  return u;
}

function count(state: SelectorState, lane: Lane): void {
  state.declarations++;
  if (lane === 'red') state.red++;
  else if (lane === 'yellow') state.yellow++;
}

export function select(state: SelectorState, budget: Budget, input: SelectionInput, random: () => number): Selection {
  if (state.version !== 1) throw new RangeError(`select: state.version is ${String(state.version)}; this selector reads version 1`);
  checkBudget(budget);
  checkInput(input);
  const day = dayOf(input.at);
  if (state.day === null || day > state.day) {
    state.previousDeclarations = state.day === day - 1 ? state.declarations : 0;
    state.day = day;
    state.declarations = 0;
    state.red = 0;
    state.yellow = 0;
  }
  const R = budget.redRate;
  const T = R + budget.yellowRate;
  const want = wanted(state, budget);
  const thresholds = { red: want.red.value, yellow: want.yellow.value };
  const { score, mandated } = input;
  const open = score !== null && mandated === undefined;

  observe(state.mandatedRed, mandated === 'red' ? 1 : 0);
  observe(state.mandatedYellow, mandated === 'yellow' ? 1 : 0);
  if (score !== null) observe(state.riskable, open ? 1 : 0);

  let selection: Selection;
  if (mandated === 'red' || mandated === 'yellow') {
    if (score !== null) observe(state.explorable, 0);
    selection = { lane: mandated, selectionType: 'rule-mandated', propensity: 1, thresholds };
  } else if (score === null) {
    const mandatedShare = meanOf(state.mandatedRed, 0) + meanOf(state.mandatedYellow, 0);
    const q = clamp(want.total / Math.max(1e-9, 1 - mandatedShare), Q_MIN_RATIO * T, 1);
    const redShare = want.total > 0 ? want.totalRed / want.total : T > 0 ? R / T : 0;
    const u = uniform(random);
    const lane: Lane = u < q * redShare ? 'red' : u < q ? 'yellow' : 'green';
    selection = { lane, selectionType: lane === 'green' ? 'none' : 'random', propensity: q, thresholds };
  } else {
    // The chances that risk selects it: red, and red or yellow (1 or 0 but at a tied cut).
    const pRed = open ? chanceOf(score, want.red) : 0;
    const pSelect = open ? Math.max(pRed, chanceOf(score, want.yellow)) : 0;
    if (open) insertScore(state, score);
    observe(state.explorable, 1 - pSelect);
    const q = pSelect < 1 ? explorationProbability(state, budget, input.probability) : 0;
    const propensity = pSelect + (1 - pSelect) * q;
    const certain = pSelect === 1 && (pRed === 0 || pRed === 1);
    const u = certain ? 0 : uniform(random);
    const explored = pSelect + (1 - pSelect) * q * (T > 0 ? R / T : 0);
    const exploreType: SelectionType = budget.exploreMode === 'uniform' ? 'random' : 'exploration';
    selection =
      u < pRed ? { lane: 'red', selectionType: 'risk-based', propensity, thresholds }
      : u < pSelect ? { lane: 'yellow', selectionType: 'risk-based', propensity, thresholds }
      : u < explored ? { lane: 'red', selectionType: exploreType, propensity, thresholds }
      : u < propensity ? { lane: 'yellow', selectionType: exploreType, propensity, thresholds }
      : { lane: 'green', selectionType: 'none', propensity, thresholds };
  }
  count(state, selection.lane);
  return selection;
}
