import type { Budget } from '../../domain/decision.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { SeededRandom } from '../../risk/random.ts';
import { scoreDeclarations } from '../../risk/scoring/score-batch.ts';
import { ipwEstimate } from '../../risk/selection/ipw.ts';
import { newSelectorState, rescore, select } from '../../risk/selection/selector.ts';
import { CAPACITY } from '../../risk/selection/window.ts';
import { sigmoid } from '../../risk/gbdt/tree.ts';
import type { Mapping } from '../intake/mapping.ts';
import { fitDeclarations } from '../models/fit-declarations.ts';
import { readLabelled, type LabelName } from '../models/read-labelled.ts';
import { weekOf } from './week.ts';

/**
 * Replays labelled history week by week as if the service had run on it: each week it scores the
 * arrivals with the model it has, selects within the budget (keeping the exploration share), learns
 * the outcome only of what it selected, and retrains on everything it has learnt so far. What it
 * reports is what a service would have achieved (precision, recall, revenue of its selections) and
 * how well it could tell, from its own inspections alone, the fraud rate of the whole flow
 * (inverse-propensity estimates against the truth, which the history knows).
 *
 * The first week has no model: the whole budget is random selection at the target rate, as a
 * service starting out would do.
 */
export type RetrainEvery = 'weekly' | 'monthly' | 'never';

export interface SimulateOptions {
  readonly files: readonly string[];
  readonly mapping: Mapping;
  readonly label: LabelName;
  /** Share of declarations inspected, 0 to 1. */
  readonly rate: number;
  /** Share of the inspections kept for exploration, 0 to 1. */
  readonly explore: number;
  readonly exploreMode: Budget['exploreMode'];
  /** weekly; monthly (every four weeks); never (trained once, after the first week). */
  readonly retrain: RetrainEvery;
  readonly seed: number;
  readonly onRead?: (rows: number, file: string) => void;
  readonly onWeek?: (w: WeekReport, index: number, weeks: number) => void;
}

export interface WeekReport {
  /** The Monday (UTC) the week starts on. */
  readonly week: string;
  readonly arrivals: number;
  readonly selected: number;
  /** Selected by exploration or random control, rather than by score or rule. */
  readonly explored: number;
  /** Illicit declarations among the arrivals (the truth, which the service does not see). */
  readonly positives: number;
  /** Illicit declarations among the selected. */
  readonly findings: number;
  readonly precision: number;
  readonly recall: number;
  /** Revenue at stake in the findings. */
  readonly revenue: number;
  /** The share of all illicit declarations' revenue that the selections found. */
  readonly revenueShare: number;
  /** The labelled rows the week's model was trained on (0: no model yet). */
  readonly trainedOn: number;
}

export interface Estimate {
  readonly horvitzThompson: number;
  readonly hajek: number;
  readonly aipw: number | null;
  /** Hájek within deciles of the model's prediction at decision time. */
  readonly stratified: number | null;
  readonly se: number;
  readonly ci95: readonly [number, number];
}

/** The replay's settings, and what came of it. */
export interface SimulationReport extends Pick<SimulateOptions, 'label' | 'rate' | 'explore' | 'exploreMode' | 'retrain' | 'seed'> {
  readonly rows: number;
  readonly skipped: number;
  readonly weeks: readonly WeekReport[];
  /** The weeks' figures over the whole replay, and what the service could tell of the flow's rate. */
  readonly total: Omit<WeekReport, 'week' | 'trainedOn'> & {
    /** The true rate of illicit declarations in the flow. */
    readonly trueRate: number;
    /** The rate among what was inspected: what a service without propensities would report. */
    readonly naiveRate: number;
    /** Inverse-propensity estimates of the flow's rate, from the inspected declarations alone. */
    readonly estimate: Estimate;
    /** |Hájek estimate − true rate|, in rate units. */
    readonly estimateError: number;
  };
}


export async function simulate(o: SimulateOptions): Promise<SimulationReport> {
  if (!(o.rate > 0 && o.rate <= 1)) throw new PortcullisError('INVALID_INPUT', `the inspection rate ${o.rate * 100}% is not between 0 and 100%`, [{ field: 'rate', problem: `${o.rate * 100}`, expected: 'a percentage above 0, at most 100' }]);
  if (!(o.explore >= 0 && o.explore <= 1)) throw new PortcullisError('INVALID_INPUT', `the exploration share ${o.explore} is not between 0 and 1`, [{ field: 'explore', problem: `${o.explore}`, expected: 'a share from 0 to 1, e.g. 0.1' }]);
  const data = await readLabelled(o.files, o.mapping, o.label, o.onRead);
  const order: number[] = [];
  for (let i = 0; i < data.declarations.length; i++) if (!Number.isNaN(data.labels[i]!)) order.push(i);
  if (order.length === 0) throw new PortcullisError('INVALID_INPUT', `no row of the files has the "${o.label}" label: nothing to replay`);
  order.sort((a, b) => (data.declarations[a]!.filedAt < data.declarations[b]!.filedAt ? -1 : data.declarations[a]!.filedAt > data.declarations[b]!.filedAt ? 1 : a - b));

  // The weeks, in order, each a run of `order`.
  const weeks: { week: string; from: number; to: number }[] = [];
  for (let k = 0; k < order.length; k++) {
    const w = weekOf(data.declarations[order[k]!]!.filedAt);
    if (weeks.length === 0 || weeks[weeks.length - 1]!.week !== w) weeks.push({ week: w, from: k, to: k + 1 });
    else weeks[weeks.length - 1]!.to = k + 1;
  }

  const budget: Budget = { office: '*', redRate: o.rate, yellowRate: 0, exploreShare: o.explore, exploreMode: o.exploreMode };
  const state = newSelectorState();
  const random = new SeededRandom(o.seed);
  const rnd = () => random.next();
  // What the service has learnt: the declarations it inspected, with their outcomes.
  const seen: number[] = [];
  let model: ReturnType<typeof fitDeclarations>;
  let trainedOn = 0;
  // Per declaration of the flow: the propensity, whether inspected, the model's prediction.
  const units: { propensity: number; inspected: boolean; outcome: number; prediction?: number }[] = [];
  const reports: WeekReport[] = [];
  let revenueAll = 0;

  for (let wi = 0; wi < weeks.length; wi++) {
    const { week, from, to } = weeks[wi]!;
    const rows = order.slice(from, to);
    const probability = model === undefined ? undefined : Array.from(scoreDeclarations(model.pipeline, model.booster, rows.map((i) => data.declarations[i]!)), sigmoid);
    // Until a model exists, the prediction the augmented estimator uses is the rate seen so far.
    const prior = seen.length === 0 ? 0 : seen.reduce((s, i) => s + data.labels[i]!, 0) / seen.length;
    let selected = 0;
    let explored = 0;
    let positives = 0;
    let findings = 0;
    let revenue = 0;
    let weekRevenue = 0;
    rows.forEach((i, r) => {
      const d = data.declarations[i]!;
      const p = probability?.[r] ?? null;
      const s = select(state, budget, { score: p, probability: p, at: d.filedAt }, rnd);
      const y = data.labels[i]!;
      const chosen = s.lane !== 'green';
      positives += y;
      if (y === 1) weekRevenue += data.revenue[i]!;
      if (chosen) {
        selected += 1;
        if (s.selectionType === 'exploration' || s.selectionType === 'random') explored += 1;
        seen.push(i);
        if (y === 1) {
          findings += 1;
          revenue += data.revenue[i]!;
        }
      }
      units.push({ propensity: s.propensity, inspected: chosen, outcome: chosen ? y : 0, prediction: p ?? prior });
    });
    revenueAll += weekRevenue;
    reports.push({
      week, arrivals: rows.length, selected, explored, positives, findings,
      precision: selected > 0 ? findings / selected : Number.NaN,
      recall: positives > 0 ? findings / positives : Number.NaN,
      revenue, revenueShare: weekRevenue > 0 ? revenue / weekRevenue : Number.NaN, trainedOn,
    });
    o.onWeek?.(reports[reports.length - 1]!, wi, weeks.length);
    const due = o.retrain === 'weekly' || (o.retrain === 'monthly' && wi % 4 === 0) || (o.retrain === 'never' && model === undefined);
    if (due && seen.length > trainedOn) {
      const fitted = fitDeclarations(seen.map((i) => data.declarations[i]!), seen.map((i) => data.labels[i]!), { mapping: o.mapping, label: o.label, seed: o.seed });
      if (fitted !== undefined) {
        model = fitted;
        trainedOn = seen.length;
        // The selector's thresholds are quantiles of its window of recent scores; those were the
        // old model's, on its own scale, and a model refitted on a few more inspected rows scores
        // otherwise (often far lower), so that its scores would fall short of thresholds drawn from
        // the old ones for weeks. The window is what the new model says of the latest arrivals.
        const recent = order.slice(Math.max(0, to - CAPACITY), to).map((i) => data.declarations[i]!);
        rescore(state, Array.from(scoreDeclarations(model.pipeline, model.booster, recent), sigmoid), `week ${wi + 1}`);
      }
    }
  }

  const sum = <K extends keyof WeekReport>(k: K) => reports.reduce((s, w) => s + (w[k] as number), 0);
  const arrivals = sum('arrivals');
  const selected = sum('selected');
  const positives = sum('positives');
  const findings = sum('findings');
  const revenue = sum('revenue');
  const e = ipwEstimate(units);
  const trueRate = positives / arrivals;
  return {
    label: o.label, rate: o.rate, explore: o.explore, exploreMode: o.exploreMode, retrain: o.retrain, seed: o.seed,
    rows: data.rows, skipped: data.rows - order.length, weeks: reports,
    total: {
      arrivals, selected, explored: sum('explored'), positives, findings,
      precision: selected > 0 ? findings / selected : Number.NaN,
      recall: positives > 0 ? findings / positives : Number.NaN,
      revenue, revenueShare: revenueAll > 0 ? revenue / revenueAll : Number.NaN,
      trueRate, naiveRate: selected > 0 ? findings / selected : Number.NaN,
      estimate: { horvitzThompson: e.horvitzThompson, hajek: e.hajek, aipw: e.aipw, stratified: e.stratified?.estimate ?? null, se: e.se, ci95: e.ci95 },
      estimateError: Math.abs(e.hajek - trueRate),
    },
  };
}
