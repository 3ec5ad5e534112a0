import { createHash } from 'node:crypto';
import { PortcullisError, isPortcullisError } from '../../domain/errors.ts';
import type { Lane, RuleAction, RuleVersion, ThreatCategory } from '../../domain/rule.ts';
import { compileCondition, parseCondition, type CompiledCondition } from './condition.ts';
import type { Facts } from './facts.ts';

/**
 * The active rules, compiled once, and their evaluation for one declaration.
 *
 * Which lane the hits force, strongest first:
 * 1. any hit forcing red → red;
 * 2. else any hit forcing yellow, or any documentary-check hit → yellow;
 * 3. else any hit forcing green → green (a trusted flow);
 * 4. else no lane: the score (plus the points of add-score hits) decides.
 */

export interface RuleHit {
  readonly id: string;
  readonly version: number;
  readonly name: string;
  readonly reason: string;
  readonly threat: ThreatCategory;
  readonly action: RuleAction;
}

export interface RuleOutcome {
  /** The rules that hit, in the set's order (by id). */
  readonly hits: readonly RuleHit[];
  /** The lane the hits force (see the precedence above); absent when none does. */
  readonly lane?: Lane;
  /** The sum of the add-score hits' points. */
  readonly points: number;
  /** Some hit asks for a documentary check. */
  readonly documentary: boolean;
}

export interface CompiledRule {
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly offices: ReadonlySet<string> | undefined;
  readonly test: CompiledCondition;
  /** The hit as reported, made once (frozen: every outcome shares it). */
  readonly hit: RuleHit;
}

export interface RuleSet {
  /** A short stable id of the set: a hash of its sorted id@version list. */
  readonly digest: string;
  /** id@version of each rule in the set, sorted. */
  readonly versions: readonly string[];
  /** The facts the rules read, sorted (a rule reading `score` needs a model). */
  readonly facts: readonly string[];
  readonly rules: readonly CompiledRule[];
}

const key = (r: { readonly id: string; readonly version: number }) => `${r.id}@${r.version}`;

/**
 * Compiles the active rules among these (other statuses are left out), each condition once.
 * A stored condition that does not parse is an error naming the rule; so are two active versions of one rule.
 */
export function compileRuleSet(rules: readonly RuleVersion[]): RuleSet {
  const active = rules.filter((r) => r.status === 'active').sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.version - b.version));
  for (let i = 1; i < active.length; i++) {
    if (active[i]!.id === active[i - 1]!.id) {
      throw new PortcullisError('CONFLICT', `rule ${active[i]!.id} is active in two versions (${active[i - 1]!.version} and ${active[i]!.version})`, [{ field: 'rules', problem: `two active versions of rule ${active[i]!.id}`, expected: 'one active version per rule' }]);
    }
  }
  const facts = new Set<string>();
  const compiled = active.map((r): CompiledRule => {
    let test: CompiledCondition;
    try {
      const condition = parseCondition(r.condition);
      for (const f of condition.facts) facts.add(f);
      test = compileCondition(condition);
    } catch (e) {
      if (!isPortcullisError(e)) throw e;
      throw new PortcullisError(e.code, `rule ${key(r)}: ${e.message}`, e.details.map((d) => ({ ...d, field: `${key(r)}/${d.field ?? 'condition'}` })), { cause: e });
    }
    const action = Object.freeze({ ...r.action });
    const hit: RuleHit = Object.freeze({ id: r.id, version: r.version, name: r.name, reason: r.reason, threat: r.threat, action });
    const from = r.validFrom === undefined ? undefined : canonicalTime(r.validFrom, `${key(r)}/validFrom`);
    const to = r.validTo === undefined ? undefined : canonicalTime(r.validTo, `${key(r)}/validTo`);
    return { from, to, offices: r.offices.length > 0 ? new Set(r.offices) : undefined, test, hit };
  });
  const versions = compiled.map((c) => key(c.hit));
  return { digest: digestOf(versions), versions, facts: [...facts].sort(), rules: compiled };
}

/** The first 16 hex digits of the SHA-256 of the sorted id@version lines. */
function digestOf(versions: readonly string[]): string {
  return createHash('sha256').update([...versions].sort().join('\n')).digest('hex').slice(0, 16);
}

/** The canonical UTC form (24 characters, as the domain stores times), in which times compare as text. */
function canonicalTime(time: string, field: string): string {
  if (time.length === 24 && time.charCodeAt(23) === 90 /* Z */) return time;
  const t = Date.parse(time);
  if (!/(Z|[+-]\d\d:\d\d)$/.test(time) || Number.isNaN(t)) {
    throw new PortcullisError('INVALID_INPUT', `${field} "${time}" is not an ISO 8601 time with a zone`, [{ field, problem: `"${time}" is not an ISO 8601 UTC time`, expected: 'a time such as 2025-01-31T12:00:00.000Z' }]);
  }
  return new Date(t).toISOString();
}

/**
 * The rules of the set that apply to a declaration filed at filedAt at the office (within
 * [validFrom, validTo), and the office among the rule's offices when it names any) and hit on its facts.
 */
export function evaluateRuleSet(set: RuleSet, facts: Facts, filedAt: string, office: string): RuleOutcome {
  const at = canonicalTime(filedAt, 'filedAt');
  const hits: RuleHit[] = [];
  let points = 0;
  let red = false;
  let yellow = false;
  let green = false;
  let documentary = false;
  const rules = set.rules;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    if ((r.from !== undefined && at < r.from) || (r.to !== undefined && at >= r.to)) continue;
    if (r.offices !== undefined && !r.offices.has(office)) continue;
    if (!r.test(facts)) continue;
    hits.push(r.hit);
    const action = r.hit.action;
    if (action.type === 'add-score') points += action.points;
    else if (action.type === 'documentary-check') documentary = true;
    else if (action.lane === 'red') red = true;
    else if (action.lane === 'yellow') yellow = true;
    else green = true;
  }
  const lane: Lane | undefined = red ? 'red' : yellow || documentary ? 'yellow' : green ? 'green' : undefined;
  return lane === undefined ? { hits, points, documentary } : { hits, lane, points, documentary };
}
