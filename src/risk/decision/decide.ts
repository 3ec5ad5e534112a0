import type { Declaration } from '../../domain/declaration.ts';
import type { Budget, Decision, DecisionReason } from '../../domain/decision.ts';
import type { FittedPipeline } from '../features/pipeline.ts';
import { transformBatch } from '../features/transform-batch.ts';
import { predictMarginFast } from '../gbdt/forest.ts';
import type { ExplainThread } from '../gbdt/explain-thread.ts';
import { explain, topReasons } from '../gbdt/shap.ts';
import { sigmoid, type Booster } from '../gbdt/tree.ts';
import { factsOf } from '../rules/facts.ts';
import { evaluateRuleSet, type RuleSet } from '../rules/rule-set.ts';
import { select, type SelectorState } from '../selection/selector.ts';

/**
 * The targeting decision on one declaration, in memory: its features and the model's probability
 * with the top reasons (TreeSHAP), the analysts' rules over its facts, then selection within its
 * office's budget. Pure: the model, rules, budgets, selector states, random source and time come in;
 * the caller stores the decision and the changed state.
 */
export interface RiskModel {
  /** The model's content hash. */
  readonly id: string;
  readonly pipeline: FittedPipeline;
  readonly booster: Booster;
}

export interface DecisionInputs {
  readonly model: RiskModel | undefined;
  readonly rules: RuleSet;
  /** The budget in force at an office. */
  budgetOf(office: string): Budget;
  /** The running selector state of an office (changed in place by each decision). */
  stateOf(office: string): SelectorState;
  readonly random: () => number;
  /** How many model reasons a decision gives. */
  readonly reasons?: number;
  /** Discrepancies across parties known for a declaration (the `discrepancies` fact); none when absent. */
  discrepanciesOf?(declarationId: string): number;
  /** Open alerts about the consignment from its container's telemetry (a seal opened at sea…); none when absent. */
  alertsOf?(declarationId: string): readonly ConsignmentAlert[];
}

/** An open telemetry alert as a decision sees it. */
export interface ConsignmentAlert {
  readonly code: string;
  readonly severity: 'info' | 'warning' | 'critical';
  readonly message: string;
}

/**
 * What an open telemetry alert does to a decision: it is a reason, it adds to the score (so that
 * the consignment rises in the worklist), and a critical one (a seal opened or changed at sea, a
 * door opened in transit, the corridor left, a container in two places) mandates a physical
 * inspection, as a rule forcing red would.
 */
export const ALERT_POINTS: Readonly<Record<ConsignmentAlert['severity'], number>> = { info: 0, warning: 0.2, critical: 0.5 };

/** What the model says of a declaration: its probability and top reasons. */
export interface ModelView {
  readonly probability: number;
  readonly reasons: readonly DecisionReason[];
}

const modelReason = (r: { feature: string; contribution: number }): DecisionReason => ({ kind: 'model', code: r.feature, text: `${r.feature} raises the risk`, contribution: r.contribution });

/** The model's probability and top reasons for one declaration. */
export function modelView(model: RiskModel, d: Declaration, count = 3): ModelView {
  const matrix = transformBatch(model.pipeline, [d]);
  const margin = predictMarginFast(model.booster, matrix)[0]!;
  const e = explain(model.booster, (f) => matrix.columns[f]![0]!);
  return { probability: sigmoid(margin), reasons: topReasons(e, matrix.names, count).map(modelReason) };
}

/** The model's view of many declarations: features made once for the batch. */
export function modelViews(model: RiskModel, ds: readonly Declaration[], count = 3): ModelView[] {
  const matrix = transformBatch(model.pipeline, ds);
  const margins = predictMarginFast(model.booster, matrix);
  return ds.map((_, r) => {
    const e = explain(model.booster, (f) => matrix.columns[f]![r]!);
    return { probability: sigmoid(margins[r]!), reasons: topReasons(e, matrix.names, count).map(modelReason) };
  });
}

/**
 * The same views as modelViews, with the explanations worked out on `thread` (explain-thread.ts):
 * the features and probabilities here, the TreeSHAP there.
 */
export async function modelViewsOn(thread: ExplainThread, model: RiskModel, ds: readonly Declaration[], count = 3): Promise<ModelView[]> {
  const matrix = transformBatch(model.pipeline, ds);
  const margins = predictMarginFast(model.booster, matrix);
  const features = matrix.columns.length;
  const values = new Float64Array(ds.length * features);
  for (let f = 0; f < features; f++) {
    const column = matrix.columns[f]!;
    for (let r = 0; r < ds.length; r++) values[r * features + f] = column[r]!;
  }
  const tops = await thread.top(values, ds.length, features, matrix.names, count);
  return ds.map((_, r) => ({ probability: sigmoid(margins[r]!), reasons: tops[r]!.map(modelReason) }));
}

/** Decides one declaration. `view` may carry the model's view when the caller scored a batch already. */
export function decide(inputs: DecisionInputs, d: Declaration, decidedAt: string, revision = 1, view?: ModelView): Decision {
  const m = inputs.model === undefined ? undefined : (view ?? modelView(inputs.model, d, inputs.reasons ?? 3));
  const probability = m?.probability ?? null;
  const facts = factsOf(d, { ...(inputs.model !== undefined ? { pipeline: inputs.model.pipeline } : {}), probability, discrepancies: inputs.discrepanciesOf?.(d.id) ?? 0 });
  const outcome = evaluateRuleSet(inputs.rules, facts, d.filedAt, d.customsOffice);
  const alerts = inputs.alertsOf?.(d.id) ?? [];
  const alertPoints = alerts.reduce((sum, a) => sum + ALERT_POINTS[a.severity], 0);
  const score = probability === null ? (alerts.length === 0 ? null : alertPoints) : probability + outcome.points + alertPoints;
  const mandated = alerts.some((a) => a.severity === 'critical') ? 'red' : outcome.lane;
  const budget = inputs.budgetOf(d.customsOffice);
  const s = select(inputs.stateOf(d.customsOffice), budget, { score, probability, at: d.filedAt, ...(mandated !== undefined ? { mandated } : {}) }, inputs.random);
  const reasons: DecisionReason[] = [
    ...alerts.map((a): DecisionReason => ({ kind: 'alert', code: a.code, text: a.message })),
    ...outcome.hits.map((h): DecisionReason => ({ kind: 'rule', code: `${h.id}@${h.version}`, text: h.reason })),
  ];
  if (m !== undefined) reasons.push(...m.reasons);
  return {
    declarationId: d.id,
    revision,
    decidedAt,
    office: d.customsOffice,
    lane: s.lane,
    selectionType: s.selectionType,
    propensity: s.propensity,
    probability,
    score,
    thresholds: s.thresholds,
    reasons,
    rules: outcome.hits.map((h) => `${h.id}@${h.version}`),
    model: inputs.model?.id ?? null,
    ruleSet: inputs.rules.digest,
  };
}
