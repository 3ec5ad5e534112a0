import type { Budget, SelectionType } from '../../domain/decision.ts';
import type { Lane } from '../../domain/rule.ts';
import { explorationProbability, Q_MIN_RATIO } from './exploration.ts';
import { meanOf, newRunningMean, observe, type RunningMean } from './running-mean.ts';
import { wanted } from './targets.ts';
import { CAPACITY, chanceOf, insertScore } from './window.ts';

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
 *    The mandated shares are running means over the last ~500 declarations; a feedback term on
 *    the realised counts of the current UTC day keeps the day's red + yellow rate, and each lane's,
 *    on target whatever the scores do (targets.ts).
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
 *    count: e·T of the scored flow. 'uniform': the same qᵢ for all, selection type 'random'
 *    (random control). 'uncertainty': qᵢ ∝ √(pᵢ(1 − pᵢ)) of the model probability, floored at a
 *    tenth of the mean chance, selection type 'exploration' — exploration.ts gives the formula
 *    and why this weight (it minimises the variance of the augmented estimate of the finding
 *    rate for a given number of checks).
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

export interface SelectorState {
  version: 1;
  /** A sample of recent scores open to risk selection, ascending (window.ts). */
  scores: number[];
  /** How many scores have entered the sample. */
  seen: number;
  /**
   * What made the scores in the sample (the model's content hash): scores of another model are on
   * another scale, and a sample of them would set thresholds the new model's scores never meet (or
   * always do). Absent in states written before it.
   */
  scoredBy?: string | null;
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
  /** Running mean of the exploration weights, and their clipping correction (exploration.ts). */
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

const DAY_MS = 86_400_000;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export function newSelectorState(): SelectorState {
  const none = newRunningMean;
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

/**
 * Starts the sample of recent scores afresh from `scores` (the new model's scores of recent
 * traffic, at most CAPACITY of them kept), when the model changes. The day's counts stay: the
 * budget of the day goes on.
 */
export function rescore(state: SelectorState, scores: ArrayLike<number>, scoredBy: string | null): void {
  const all = Array.from(scores).filter((x) => Number.isFinite(x));
  const kept = all.length <= CAPACITY ? all : Array.from({ length: CAPACITY }, (_, i) => all[Math.floor((i * all.length) / CAPACITY)]!);
  state.scores = kept.map((x) => x + 0).sort((a, b) => a - b);
  state.seen = kept.length;
  state.scoredBy = scoredBy;
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
