import type { Kysely } from 'kysely';
import type { Decision, DecisionReason, SelectionType } from '../domain/decision.ts';
import type { Lane } from '../domain/rule.ts';
import type { DecisionTable, Schema } from './schema.ts';

/** How a decision is stored: lists and the thresholds as JSON text. */
export function decisionRow(d: Decision): DecisionTable {
  return {
    declaration_id: d.declarationId,
    revision: d.revision,
    decided_at: d.decidedAt,
    office: d.office,
    lane: d.lane,
    selection_type: d.selectionType,
    propensity: d.propensity,
    probability: d.probability,
    score: d.score,
    thresholds: JSON.stringify(d.thresholds),
    reasons: JSON.stringify(d.reasons),
    rules: JSON.stringify(d.rules),
    model: d.model,
    rule_set: d.ruleSet,
  };
}

export function fromDecisionRow(r: DecisionTable): Decision {
  return {
    declarationId: r.declaration_id,
    revision: r.revision,
    decidedAt: r.decided_at,
    office: r.office,
    lane: r.lane as Lane,
    selectionType: r.selection_type as SelectionType,
    propensity: r.propensity,
    probability: r.probability,
    score: r.score,
    thresholds: JSON.parse(r.thresholds) as Decision['thresholds'],
    reasons: JSON.parse(r.reasons) as DecisionReason[],
    rules: JSON.parse(r.rules) as string[],
    model: r.model,
    ruleSet: r.rule_set,
  };
}

/**
 * The latest decision of each of `ids` that has one, by declaration id. Every revision of the ids
 * is read by key and the latest kept here: a query that asks the database for "no later revision"
 * made PostgreSQL scan the whole table twice for every page. The ids go in as parameters: callers
 * keep a page to a few thousand (both databases take tens of thousands).
 */
export async function latestDecisions(db: Kysely<Schema>, ids: readonly string[]): Promise<Map<string, Decision>> {
  const latest = new Map<string, DecisionTable>();
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('decisions').selectAll().where('declaration_id', 'in', ids).execute();
  for (const r of rows) if ((latest.get(r.declaration_id)?.revision ?? 0) < r.revision) latest.set(r.declaration_id, r);
  return new Map([...latest].map(([id, r]) => [id, fromDecisionRow(r)]));
}
