import { PortcullisError, type ErrorDetail } from '../../domain/errors.ts';
import { RuleDefinition, ThreatCategory, type RuleStatus, type RuleVersion } from '../../domain/rule.ts';
import { parseCondition } from '../../risk/rules/condition.ts';
import { rulesRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { recordInLedger } from '../ledger/record.ts';
import { requireActor } from './actors.ts';

/**
 * The life of an analyst's rule: draft → submitted → approved → active → retired. Every change is a
 * new version and every version is kept. Four eyes: a version is approved, and made active, only by
 * a supervisor who is not its author.
 */

/** Checks a rule as written (fields, then the condition, with where it is wrong); returns it normalised. */
export function checkDefinition(input: unknown): RuleDefinition {
  const r = RuleDefinition.safeParse(input);
  if (!r.success) {
    const details: ErrorDetail[] = r.error.issues.map((i) => ({ field: i.path.join('.') || '(rule)', problem: i.message, expected: expectedOf(String(i.path[0] ?? '')) }));
    throw new PortcullisError('INVALID_INPUT', `the rule is not valid: ${details.map((d) => `${d.field}: ${d.problem}`).join('; ')}`, details);
  }
  const condition = parseCondition(r.data.condition);
  return { ...r.data, condition: condition.expression };
}

function expectedOf(field: string): string {
  switch (field) {
    case 'name': return 'a name of 1 to 120 characters';
    case 'reason': return 'the reason shown with every decision the rule takes part in, 1 to 500 characters';
    case 'threat': return `one of ${ThreatCategory.options.join(', ')}`;
    case 'action': return '{"type":"force-lane","lane":"red|yellow|green"}, {"type":"add-score","points":-1..1} or {"type":"documentary-check"}';
    case 'validFrom': case 'validTo': return 'an ISO 8601 UTC time such as 2026-01-01T00:00:00Z';
    case 'offices': return 'a list of customs office codes (empty: every office)';
    default: return 'the fields name, reason, threat, condition, action, and optionally validFrom, validTo, offices (docs/rules.md)';
  }
}

async function versionOf(app: AppContext, id: string, version?: number): Promise<RuleVersion> {
  const v = await rulesRepo(app.store.db).get(id, version);
  if (v === undefined) throw new PortcullisError('NOT_FOUND', version === undefined ? `no rule "${id}"` : `rule "${id}" has no version ${version}`);
  return v;
}

function expectStatus(v: RuleVersion, from: RuleStatus, doing: string): void {
  if (v.status !== from) {
    throw new PortcullisError('CONFLICT', `rule ${v.id} version ${v.version} is ${v.status}: only a ${from} version can be ${doing}`, [{ field: 'status', problem: v.status, expected: from }]);
  }
}

async function move(app: AppContext, v: RuleVersion, from: RuleStatus, patch: Partial<RuleVersion> & { status: RuleStatus }, doing: string): Promise<RuleVersion> {
  const changed = await rulesRepo(app.store.db).transition(v.id, v.version, from, patch);
  // Someone else moved it between our read and our write.
  if (!changed) throw new PortcullisError('CONFLICT', `rule ${v.id} version ${v.version} changed while it was being ${doing}; look at it again`);
  const now = await versionOf(app, v.id, v.version);
  await recordRule(app, now);
  return now;
}

/** Every version of a rule as it now stands (its status, who moved it and when) is a ledger entry. */
function recordRule(app: AppContext, v: RuleVersion): Promise<number[]> {
  return recordInLedger(app, 'rule.changed', [{ subject: `rule:${v.id}`, payload: v }]);
}

/** A new rule, as version 1, in draft. Analysts and supervisors write rules. */
export async function draftRule(app: AppContext, actor: string | undefined, input: unknown): Promise<RuleVersion> {
  const user = await requireActor(app, actor, ['analyst', 'supervisor'], 'write rules');
  const definition = checkDefinition(input);
  const repo = rulesRepo(app.store.db);
  const id = await repo.newId();
  const v: RuleVersion = { ...definition, id, version: 1, status: 'draft', author: user.id, createdAt: app.clock().toISOString() };
  await repo.insertVersion(v);
  await recordRule(app, v);
  return v;
}

/** A new version of a rule, in draft; the versions before it stay as they are (an active one stays active until the new one is). */
export async function reviseRule(app: AppContext, actor: string | undefined, id: string, input: unknown): Promise<RuleVersion> {
  const user = await requireActor(app, actor, ['analyst', 'supervisor'], 'write rules');
  await versionOf(app, id);
  const definition = checkDefinition(input);
  const repo = rulesRepo(app.store.db);
  const v: RuleVersion = { ...definition, id, version: await repo.nextVersion(id), status: 'draft', author: user.id, createdAt: app.clock().toISOString() };
  await repo.insertVersion(v);
  await recordRule(app, v);
  return v;
}

/** The author sends a draft for approval. */
export async function submitRule(app: AppContext, actor: string | undefined, id: string, version?: number): Promise<RuleVersion> {
  const user = await requireActor(app, actor, ['analyst', 'supervisor'], 'submit rules');
  const v = await versionOf(app, id, version);
  expectStatus(v, 'draft', 'submitted');
  if (v.author !== user.id) throw new PortcullisError('FORBIDDEN', `rule ${id} version ${v.version} is ${v.author}'s draft: only its author submits it`);
  return move(app, v, 'draft', { status: 'submitted', submittedAt: app.clock().toISOString() }, 'submitted');
}

/** Four eyes: a supervisor other than the author approves a submitted version. */
export async function approveRule(app: AppContext, actor: string | undefined, id: string, version?: number): Promise<RuleVersion> {
  const user = await requireActor(app, actor, ['supervisor'], 'approve rules');
  const v = await versionOf(app, id, version);
  expectStatus(v, 'submitted', 'approved');
  if (v.author === user.id) throw new PortcullisError('FORBIDDEN', `${user.id} wrote rule ${id} version ${v.version} and cannot approve it: another supervisor must (four eyes)`, [{ field: 'as', problem: 'is the author', expected: 'a supervisor other than the author' }]);
  return move(app, v, 'submitted', { status: 'approved', approvedBy: user.id, approvedAt: app.clock().toISOString() }, 'approved');
}

/**
 * Puts an approved version into force: from now on it takes part in every decision. Its author
 * cannot (four eyes). The version active before it, if any, is retired.
 */
export async function activateRule(app: AppContext, actor: string | undefined, id: string, version?: number): Promise<RuleVersion> {
  const user = await requireActor(app, actor, ['supervisor'], 'activate rules');
  const v = await versionOf(app, id, version);
  expectStatus(v, 'approved', 'activated');
  if (v.author === user.id) throw new PortcullisError('FORBIDDEN', `${user.id} wrote rule ${id} version ${v.version} and cannot activate it: another supervisor must (four eyes)`, [{ field: 'as', problem: 'is the author', expected: 'a supervisor other than the author' }]);
  const now = app.clock().toISOString();
  for (const other of await rulesRepo(app.store.db).versions(id)) {
    if (other.status === 'active' && other.version !== v.version) await move(app, other, 'active', { status: 'retired', retiredBy: user.id, retiredAt: now }, 'retired');
  }
  return move(app, v, 'approved', { status: 'active', activatedBy: user.id, activatedAt: now }, 'activated');
}

/** Takes a version out of force (or withdraws one not yet in force). Retired versions stay, as every version does. */
export async function retireRule(app: AppContext, actor: string | undefined, id: string, version?: number): Promise<RuleVersion> {
  const user = await requireActor(app, actor, ['analyst', 'supervisor'], 'retire rules');
  const v = await versionOf(app, id, version);
  if (v.status === 'retired') throw new PortcullisError('CONFLICT', `rule ${id} version ${v.version} is already retired`);
  return move(app, v, v.status, { status: 'retired', retiredBy: user.id, retiredAt: app.clock().toISOString() }, 'retired');
}

export function getRule(app: AppContext, id: string, version?: number): Promise<RuleVersion> {
  return versionOf(app, id, version);
}

export function ruleVersions(app: AppContext, id: string): Promise<RuleVersion[]> {
  return rulesRepo(app.store.db).versions(id);
}

export function listRules(app: AppContext, filter: { status?: RuleStatus; limit?: number } = {}): Promise<RuleVersion[]> {
  return rulesRepo(app.store.db).list(filter);
}
