import type { Budget } from '../../domain/decision.ts';
import { meanOf, type RunningMean } from './running-mean.ts';
import { cutAt, type Cut } from './window.ts';

/**
 * What an office still wants selected today, and the risk cuts that get it: the budget
 * controller of the selector (selector.ts).
 *
 * Shares of all declarations to come, with R, Y the budget's rates, T = R + Y, e the exploration
 * share and m the running mandated shares:
 *   total = T − m + D/H               beyond the mandates (risk + exploration), in [0, 1]
 *   red   = R − m_red + D_red/H       in [0, total]; yellow gets the rest
 *   risk  = total − e·T               the risk-based part, ≥ 0; red's part of it is
 *                                     red − e·T·R/T, in [0, risk]
 * The red cut selects red's part of the risk share, the yellow cut all of it (red or yellow), of
 * the window of recent scores (window.ts), each share divided by the share of scored
 * declarations open to risk selection (the window's population).
 *
 * Feedback: D = T·n − (red + yellow so far today), D_red = R·n − red so far today: a shortfall of
 * D checks is made up over the next H declarations (a surplus likewise given back). H is about
 * ten expected checks (10/T) but at most a twentieth of the day's traffic (the larger of
 * yesterday's count and today's so far), within [100, 1000] declarations. This is integral
 * control on the day's count: a threshold that lags the scores (drift), ties, rules and
 * exploration luck leave a standing shortfall of about H × (the share missed) — a small part of
 * the day's checks — so the day ends within a few checks of R·n and Y·n. A smaller H holds the
 * rate tighter but moves the threshold more from one declaration to the next. When rules exceed
 * one lane's target the other lane absorbs the difference, so the total still holds.
 *
 * Known limit: a cut drawn from past scores cannot select a declaration scoring below all recent
 * ones. A flow whose scores fall faster than the window renews (about 2000 declarations) is
 * under-selected until the fall stops (in simulation a fall of the typical score from 27 % to
 * 2 % over a day ends the day about 3.5 % short at a 1 % budget; a strictly decreasing score is
 * never risk-selected at all).
 */

/**
 * Feedback horizon H, in declarations: a shortfall is made up over about this many expected
 * checks, but over no more than this share of a day's traffic, within these bounds.
 */
const FEEDBACK_CHECKS = 10;
const FEEDBACK_DAY_SHARE = 1 / 20;
const HORIZON_MIN = 100;
const HORIZON_MAX = 1000;

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** What the controller reads of the selector's state. */
export interface TargetState {
  readonly scores: readonly number[];
  readonly declarations: number;
  readonly previousDeclarations: number;
  readonly red: number;
  readonly yellow: number;
  readonly mandatedRed: RunningMean;
  readonly mandatedYellow: RunningMean;
  readonly riskable: RunningMean;
}

/** What the office still wants today, as shares of the declarations to come. */
export interface Wanted {
  /** Share of all declarations to select beyond the mandates (risk + exploration), and of it red. */
  total: number;
  totalRed: number;
  /** The cuts for this declaration (red: red only; yellow: red or yellow). */
  red: Cut;
  yellow: Cut;
}

export function wanted(state: TargetState, budget: Budget): Wanted {
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
