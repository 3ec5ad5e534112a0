import { PortcullisError } from '../../domain/errors.ts';
import type { RuleDefinition, RuleVersion } from '../../domain/rule.ts';
import { effectiveness, type Effectiveness } from '../../risk/effectiveness/summary.ts';
import { sigmoid } from '../../risk/gbdt/tree.ts';
import { compileRuleSet, evaluateRuleSet } from '../../risk/rules/rule-set.ts';
import { factsOf, MODEL_FACTS } from '../../risk/rules/facts.ts';
import { parseCondition } from '../../risk/rules/condition.ts';
import { scoreDeclarations } from '../../risk/scoring/score-batch.ts';
import { ipwEstimate } from '../../risk/selection/ipw.ts';
import { historyRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { activeModel } from '../models/registry.ts';
import { outcomeOf } from './outcome.ts';
import { checkDefinition } from './rules.ts';
import { weekOf } from './week.ts';

/**
 * What a rule would have done over a period of history: its hits' figures (`inspected` counts the
 * hits whose outcome is known: inspected, or labelled history), and the period's.
 */
export interface Backtest extends Omit<Effectiveness, 'selected'> {
  readonly rule: { readonly id: string | null; readonly version: number | null; readonly name: string };
  readonly from: string;
  readonly to: string;
  readonly office: string | null;
  /** The active model whose scores the rule read, if it reads any. */
  readonly model: string | null;
  readonly declarations: number;
  readonly hits: number;
  readonly hitShare: number;
  /** The hit rate random selection would have had over the period. */
  readonly baseRate: number;
  readonly baseRateMethod: 'inverse-propensity' | 'among known outcomes';
  readonly weekly: readonly { readonly week: string; readonly hits: number; readonly inspected: number; readonly findings: number }[];
}

function isoBound(flag: 'from' | 'to', s: string): string {
  const t = Date.parse(s);
  if (!/^\d{4}-\d{2}-\d{2}/.test(s) || Number.isNaN(t)) throw new PortcullisError('INVALID_INPUT', `--${flag} "${s}" is not a date`, [{ field: flag, problem: `"${s}"`, expected: 'an ISO 8601 date such as 2026-01-01' }]);
  return new Date(t).toISOString();
}

/**
 * Runs one rule (stored, or as written) over the declarations filed in [from, to): how many it hits,
 * how many of those have a known outcome, how many were findings, the hit rate with its Wilson 95%
 * interval, the revenue found, and the lift over the hit rate of random selection. That base rate is
 * the inverse-propensity estimate of the flow's rate where the period's declarations were decided
 * with recorded propensities, else the rate among all declarations of known outcome (exact where
 * all were inspected, as in labelled history).
 */
export async function backtestRule(app: AppContext, rule: RuleVersion | unknown, period: { from: string; to: string; office?: string }, onProgress?: (declarations: number) => void): Promise<Backtest> {
  const from = isoBound('from', period.from);
  const to = isoBound('to', period.to);
  if (from >= to) throw new PortcullisError('INVALID_INPUT', `the period ${period.from} to ${period.to} is empty`, [{ field: 'to', problem: 'not after from', expected: 'a date after --from' }]);
  const stored = typeof rule === 'object' && rule !== null && 'version' in rule && 'status' in rule ? (rule as RuleVersion) : undefined;
  const definition: RuleDefinition = stored ?? checkDefinition(rule);
  const reads = parseCondition(definition.condition).facts;
  const model = reads.some((f) => MODEL_FACTS.has(f)) ? await activeModel(app) : undefined;
  if (reads.includes('score') && model === undefined) throw new PortcullisError('CONFLICT', 'the rule reads the model score, and no model is active (portcullis models activate)');
  const set = compileRuleSet([{ ...definition, id: stored?.id ?? 'draft', version: stored?.version ?? 0, status: 'active', author: stored?.author ?? '-', createdAt: stored?.createdAt ?? from }]);

  let declarations = 0;
  let hits = 0;
  let inspected = 0;
  let findings = 0;
  let revenue = 0;
  let known = 0;
  let knownFindings = 0;
  let decided = 0;
  const units: { propensity: number; inspected: boolean; outcome: number }[] = [];
  const weekly = new Map<string, { week: string; hits: number; inspected: number; findings: number }>();
  for await (const page of historyRepo(app.store.db).history({ from, to, ...(period.office !== undefined ? { office: period.office } : {}) })) {
    const probabilities = model === undefined ? undefined : scoreDeclarations(model.pipeline, model.booster, page.map((r) => r.declaration));
    page.forEach((r, i) => {
      const d = r.declaration;
      declarations += 1;
      const outcome = outcomeOf(d, r.labels, r.inspection);
      if (outcome !== undefined) {
        known += 1;
        if (outcome.finding) knownFindings += 1;
      }
      if (r.decision !== undefined) {
        decided += 1;
        const selected = r.decision.lane !== 'green';
        units.push({ propensity: r.decision.propensity, inspected: selected && outcome !== undefined, outcome: selected && outcome?.finding ? 1 : 0 });
      }
      const facts = factsOf(d, { ...(model !== undefined ? { pipeline: model.pipeline } : {}), probability: probabilities === undefined ? null : sigmoid(probabilities[i]!) });
      if (evaluateRuleSet(set, facts, d.filedAt, d.customsOffice).hits.length === 0) return;
      hits += 1;
      const w = weekOf(d.filedAt);
      let wk = weekly.get(w);
      if (wk === undefined) weekly.set(w, (wk = { week: w, hits: 0, inspected: 0, findings: 0 }));
      wk.hits += 1;
      if (outcome === undefined) return;
      inspected += 1;
      wk.inspected += 1;
      if (outcome.finding) {
        findings += 1;
        wk.findings += 1;
        revenue += outcome.revenue;
      }
    });
    onProgress?.(declarations);
  }
  // Propensities tell the flow's rate without the bias of targeted inspections, where every declaration has one.
  const ipw = decided > 0 && decided === declarations && units.some((u) => u.inspected) ? ipwEstimate(units) : undefined;
  const baseRate = ipw !== undefined ? ipw.hajek : known > 0 ? knownFindings / known : Number.NaN;
  const e = effectiveness({ selected: hits, inspected, findings, revenue, baseRate });
  return {
    rule: { id: stored?.id ?? null, version: stored?.version ?? null, name: definition.name },
    from, to, office: period.office ?? null, model: model?.contentHash ?? null,
    declarations, hits, hitShare: declarations > 0 ? hits / declarations : Number.NaN,
    inspected, findings, hitRate: e.hitRate, hitRateLow: e.hitRateLow, hitRateHigh: e.hitRateHigh, revenue,
    baseRate, baseRateMethod: ipw !== undefined ? 'inverse-propensity' : 'among known outcomes', lift: e.lift,
    weekly: [...weekly.values()].sort((a, b) => (a.week < b.week ? -1 : 1)),
  };
}
