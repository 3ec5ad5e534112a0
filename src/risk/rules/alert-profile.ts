import type { RiskAlert } from '../../domain/risk-alert.ts';
import type { RuleDefinitionInput } from '../../domain/rule.ts';
import type { Json } from './check-expression.ts';

/**
 * The draft risk profile a receiving service's analysts start from when a partner's risk alert
 * comes in: a rule whose condition holds for a declaration that
 * - moves what the alert describes: each kind of flow indicator it names holds (one of its HS
 *   codes, by chapter, heading, subheading or full code; one of its routes; one of its countries of
 *   origin), or
 * - names one of its parties (importer, declarant or seller), or one of its containers.
 * A seizure notice forces the red lane, an intelligence notice adds 0.3 to the score; the rule is
 * valid while the alert is. The analysts may change any of it before they submit it: it is a draft,
 * approved and activated by the service's own supervisors (four eyes), never by the alert.
 */
export function alertProfile(a: RiskAlert): RuleDefinitionInput {
  const v = (name: string): Json => ({ var: name });
  const oneOf = (name: string, values: readonly string[]): Json => ({ in: [v(name), [...values]] });
  const any = (clauses: Json[]): Json | undefined => (clauses.length === 0 ? undefined : clauses.length === 1 ? clauses[0] : { or: clauses });
  const i = a.indicators;
  const byLength = (n: number) => i.hsCodes.filter((c) => c.length === n);
  const hs = any([
    ...([[2, 'hs2'], [4, 'hs4'], [6, 'hs6']] as const).filter(([n]) => byLength(n).length > 0).map(([n, fact]) => oneOf(fact, byLength(n))),
    ...(i.hsCodes.some((c) => c.length > 6) ? [oneOf('hsCode', i.hsCodes.filter((c) => c.length > 6))] : []),
  ]);
  const routes = any(i.routes.map((r) => ({ and: [{ '==': [v('portOfLoading'), r.from] }, { '==': [v('portOfDischarge'), r.to] }] })));
  const origins = i.originCountries.length === 0 ? undefined : oneOf('originCountry', i.originCountries);
  const flow = [hs, routes, origins].filter((c): c is Json => c !== undefined);
  const parties = i.parties.length === 0 ? undefined : any(['importer', 'declarant', 'seller'].map((f) => oneOf(f, i.parties)));
  const containers = any(i.containers.map((c) => ({ in: [c, v('containers')] })));
  const condition = any([...(flow.length === 0 ? [] : [flow.length === 1 ? flow[0]! : { and: flow }]), ...[parties, containers].filter((c): c is Json => c !== undefined)])!;
  const what = `${a.kind} notice ${a.id} from ${a.issuer}`;
  return {
    name: what.slice(0, 120),
    reason: `${what}: ${a.summary}`.slice(0, 500),
    threat: a.threat,
    condition,
    action: a.kind === 'seizure' ? { type: 'force-lane', lane: 'red' } : { type: 'add-score', points: 0.3 },
    validFrom: a.validFrom,
    validTo: a.validUntil,
    offices: [],
  };
}
