/**
 * Valid targeting records for the store tests: decisions, inspection results, rule versions and
 * alerts, parsed through the domain schemas where there is one, and a helper to store the
 * declarations that decisions and inspections refer to.
 */
import type { Alert } from '../../src/domain/alert.ts';
import { Decision } from '../../src/domain/decision.ts';
import { InspectionResult, type Finding } from '../../src/domain/inspection-result.ts';
import { RuleDefinition, type RuleDefinitionInput, type RuleVersion } from '../../src/domain/rule.ts';
import type { DeclarationRecord, StoreAdapter } from '../../src/store/index.ts';

const T0 = Date.UTC(2024, 3, 1);
/** The ISO time `minutes` after 2024-04-01T00:00:00.000Z. */
export const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

/** Stores the records (their declarations and labels) in one atomic write. */
export async function storeRecords(store: StoreAdapter, records: readonly DeclarationRecord[]): Promise<void> {
  const sink = await store.openDeclarationSink({ atomic: true });
  try {
    for (let i = 0; i < records.length; i += 500) await sink.write(records.slice(i, i + 500));
    await sink.commit();
  } catch (e) {
    await sink.rollback();
    throw e;
  }
}

/** A decision on `declarationId`, red by a rule unless `over` says otherwise. */
export function decision(declarationId: string, revision: number, over: Partial<Decision> = {}): Decision {
  return Decision.parse({
    declarationId,
    revision,
    decidedAt: at(revision),
    office: 'NLRTM01',
    lane: 'red',
    selectionType: 'rule-mandated',
    propensity: 1,
    probability: 0.8125,
    score: 0.9125,
    thresholds: { red: 0.75, yellow: 0.5 },
    reasons: [
      { kind: 'rule', code: 'R-1@2', text: 'Laptops from a "new" route' },
      { kind: 'model', code: 'value_per_kg', text: 'declared value per kg far below the median', contribution: -0.4375 },
    ],
    rules: ['R-1@2'],
    model: 'sha256:0123abcd',
    ruleSet: 'sha256:feedbeef',
    ...over,
  });
}

export function inspection(declarationId: string, finding: Finding, over: Partial<InspectionResult> = {}): InspectionResult {
  return InspectionResult.parse({ declarationId, officer: 'officer-1', finding, inspectedAt: at(60), ...over });
}

export function ruleDefinition(over: Partial<RuleDefinitionInput> = {}): RuleDefinition {
  return RuleDefinition.parse({
    name: 'Undervalued laptops',
    reason: 'Laptops declared far below the median value per kg',
    threat: 'undervaluation',
    condition: { and: [{ '==': [{ var: 'hs6' }, '847130'] }, { '<': [{ var: 'valuePerKg' }, 5] }] },
    action: { type: 'add-score', points: 0.25 },
    ...over,
  });
}

/** A draft version of rule `id` by analyst-1. */
export function ruleVersion(id: string, version: number, over: Partial<RuleVersion> = {}): RuleVersion {
  return { ...ruleDefinition(), id, version, status: 'draft', author: 'analyst-1', createdAt: at(version), ...over };
}

export function alert(id: string, over: Partial<Alert> = {}): Alert {
  return {
    id,
    kind: 'drift',
    subject: 'sha256:0123abcd',
    severity: 'warning',
    message: 'The share of declarations from KR doubled this week',
    detail: { feature: 'export_country', psi: 0.31, bins: [0.1, 0.2], note: null },
    raisedAt: at(10),
    status: 'open',
    ...over,
  };
}
