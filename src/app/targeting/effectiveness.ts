import { randomUUID } from 'node:crypto';
import { PortcullisError } from '../../domain/errors.ts';
import { effectiveness, isDecayed, type Effectiveness } from '../../risk/effectiveness/summary.ts';
import { ipwEstimate } from '../../risk/selection/ipw.ts';
import { alertsRepo, historyRepo, rulesRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { raiseAlert } from './alerts.ts';
import { outcomeOf } from './outcome.ts';

/**
 * How well the rules and models did over a period, from what inspections found: per rule version,
 * per model and per selection type, the selections, those inspected, the findings, the hit rate with
 * its Wilson 95% interval, the revenue, and the lift over random selection — whose hit rate is the
 * inverse-propensity estimate of the flow's rate, so that targeted inspections do not inflate it.
 * A rule whose hit rate has decayed below the set level (the interval's upper bound under it, with
 * enough inspections) is flagged for review, and an alert is raised for it.
 */
/** A rule's, a model's or a selection type's figures (risk/effectiveness). */
export type Effect = Effectiveness;

export interface EffectivenessReport {
  readonly from: string;
  readonly to: string;
  readonly office: string | null;
  readonly declarations: number;
  readonly decided: number;
  /** The flow's rate of findings: inverse-propensity estimate (Hájek) with its 95% interval, and the rate among the inspected. */
  readonly flowRate: { readonly estimate: number; readonly ci95: readonly [number, number]; readonly amongInspected: number };
  readonly overall: Effect;
  readonly rules: readonly (Effect & { readonly rule: string; readonly name: string; readonly status: string; readonly decayed: boolean })[];
  readonly models: readonly (Effect & { readonly model: string })[];
  readonly selectionTypes: readonly (Effect & { readonly selectionType: string })[];
  /** Alerts raised now for rules found decayed (none for one already under an open alert). */
  readonly alerts: readonly string[];
}

export interface EffectivenessOptions {
  readonly from: string;
  readonly to: string;
  readonly office?: string;
  /** A rule is flagged when its hit rate is surely below this (default 0.05). */
  readonly minHitRate?: number;
  /** … judged on at least this many inspections (default 30). */
  readonly minInspected?: number;
  readonly raiseAlerts?: boolean;
}

interface Tally { selected: number; inspected: number; findings: number; revenue: number }
const tally = (): Tally => ({ selected: 0, inspected: 0, findings: 0, revenue: 0 });

export async function effectivenessReport(app: AppContext, o: EffectivenessOptions, onProgress?: (n: number) => void): Promise<EffectivenessReport> {
  const from = new Date(o.from);
  const to = new Date(o.to);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) {
    throw new PortcullisError('INVALID_INPUT', `the period ${o.from} to ${o.to} is not a period`, [{ field: Number.isNaN(from.getTime()) ? 'from' : 'to', problem: 'not a date, or not after from', expected: 'ISO 8601 dates, from before to' }]);
  }
  const overall = tally();
  const byRule = new Map<string, Tally>();
  const byModel = new Map<string, Tally>();
  const byType = new Map<string, Tally>();
  const units: { propensity: number; inspected: boolean; outcome: number }[] = [];
  let declarations = 0;
  const add = (map: Map<string, Tally>, key: string, inspected: boolean, finding: boolean, revenue: number) => {
    let t = map.get(key);
    if (t === undefined) map.set(key, (t = tally()));
    count(t, inspected, finding, revenue);
  };
  const count = (t: Tally, inspected: boolean, finding: boolean, revenue: number) => {
    t.selected += 1;
    if (!inspected) return;
    t.inspected += 1;
    if (finding) {
      t.findings += 1;
      t.revenue += revenue;
    }
  };
  for await (const page of historyRepo(app.store.db).history({ from: from.toISOString(), to: to.toISOString(), ...(o.office !== undefined ? { office: o.office } : {}) })) {
    for (const r of page) {
      declarations += 1;
      const d = r.decision;
      if (d === undefined) continue;
      const selected = d.lane !== 'green';
      const outcome = selected ? outcomeOf(r.declaration, r.labels, r.inspection) : undefined;
      const inspected = outcome !== undefined;
      const finding = outcome?.finding === true;
      units.push({ propensity: d.propensity, inspected, outcome: finding ? 1 : 0 });
      if (!selected) continue;
      const revenue = outcome?.revenue ?? 0;
      count(overall, inspected, finding, revenue);
      for (const rule of d.rules) add(byRule, rule, inspected, finding, revenue);
      if (d.model !== null) add(byModel, d.model, inspected, finding, revenue);
      add(byType, d.selectionType, inspected, finding, revenue);
    }
    onProgress?.(declarations);
  }
  const flow = units.some((u) => u.inspected) ? ipwEstimate(units) : undefined;
  const baseRate = flow?.hajek ?? Number.NaN;
  const effect = (t: Tally): Effect => effectiveness({ ...t, baseRate });
  const minHitRate = o.minHitRate ?? 0.05;
  const minInspected = o.minInspected ?? 30;
  const rules = [];
  const alerts: string[] = [];
  const open = o.raiseAlerts ? new Set((await alertsRepo(app.store.db).list({ status: 'open', kind: 'rule-decay', limit: 10_000 })).map((a) => a.subject)) : new Set<string>();
  for (const [key, t] of [...byRule].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const [id, version] = key.split('@') as [string, string];
    const v = await rulesRepo(app.store.db).get(id, Number(version));
    const e = effect(t);
    const decayed = isDecayed(e, minHitRate, minInspected);
    rules.push({ rule: key, name: v?.name ?? '?', status: v?.status ?? '?', ...e, decayed });
    if (decayed && o.raiseAlerts && !open.has(key)) {
      const id2 = randomUUID();
      await raiseAlert(app, {
        id: id2, kind: 'rule-decay', subject: key, severity: 'warning', status: 'open', raisedAt: app.clock().toISOString(),
        message: `rule ${key} (${v?.name ?? '?'}) found ${e.findings} in ${e.inspected} inspections from ${o.from} to ${o.to}: hit rate ${(100 * e.hitRate).toFixed(1)}% (95% CI up to ${(100 * e.hitRateHigh).toFixed(1)}%), below the ${(100 * minHitRate).toFixed(1)}% set for review`,
        detail: { ...e, from: o.from, to: o.to, minHitRate, minInspected },
      });
      alerts.push(id2);
    }
  }
  return {
    from: from.toISOString(), to: to.toISOString(), office: o.office ?? null, declarations, decided: units.length,
    flowRate: { estimate: baseRate, ci95: flow?.ci95 ?? [Number.NaN, Number.NaN], amongInspected: overall.inspected > 0 ? overall.findings / overall.inspected : Number.NaN },
    overall: effect(overall),
    rules,
    models: [...byModel].map(([model, t]) => ({ model, ...effect(t) })),
    selectionTypes: [...byType].map(([selectionType, t]) => ({ selectionType, ...effect(t) })),
    alerts,
  };
}
