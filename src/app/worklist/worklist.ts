import { Lane } from '../../domain/rule.ts';
import type { Decision } from '../../domain/decision.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { decisionsRepo, worklistRepo, type Claim, type WorkItem, type WorklistFilter } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { recordInLedger, recordPrivileged } from '../ledger/record.ts';

/**
 * The analysts' worklist: the declarations selected for a check (red and yellow unless asked for
 * other lanes), riskiest first, with who has claimed each. An analyst claims one to work on it
 * (one analyst at a time), releases it, or overrides its lane — with a reason, always — which is a
 * new revision of the decision, in the ledger as a correction of the one before.
 * Who may do each is the access policy's business (the API asks it before calling these).
 */
export function listWorklist(app: AppContext, filter: WorklistFilter): Promise<WorkItem[]> {
  return worklistRepo(app.store.db).list(filter);
}

/**
 * What a reader may keep worklist pages under: a token that changes with every commit to the store
 * (by this process or any other), or undefined where the store has none (PostgreSQL).
 */
export function worklistVersion(app: AppContext): (() => string) | undefined {
  return app.store.changeVersion;
}

async function latestDecision(app: AppContext, declarationId: string): Promise<Decision> {
  const d = await decisionsRepo(app.store.db).latest(declarationId);
  if (d === undefined) throw new PortcullisError('NOT_FOUND', `no decision on declaration "${declarationId}"`);
  return d;
}

export async function claimWork(app: AppContext, actor: string, declarationId: string): Promise<Claim> {
  await latestDecision(app, declarationId);
  const claim = await worklistRepo(app.store.db).claim(declarationId, actor, app.clock().toISOString());
  if (claim.claimedBy !== actor) throw new PortcullisError('CONFLICT', `${declarationId} is claimed by ${claim.claimedBy} since ${claim.claimedAt}`, [{ field: 'declarationId', problem: `claimed by ${claim.claimedBy}`, expected: 'a declaration nobody has claimed (or released first)' }]);
  return claim;
}

/** Releases a claim: one's own, or anyone's for a supervisor (`anyone`). */
export async function releaseWork(app: AppContext, actor: string, declarationId: string, o: { anyone?: boolean } = {}): Promise<void> {
  const repo = worklistRepo(app.store.db);
  const claim = await repo.claimOf(declarationId);
  if (claim === undefined) throw new PortcullisError('CONFLICT', `${declarationId} is not claimed`, [{ field: 'declarationId', problem: 'not claimed', expected: 'a claimed declaration' }]);
  if (claim.claimedBy !== actor && o.anyone !== true) throw new PortcullisError('FORBIDDEN', `${declarationId} is claimed by ${claim.claimedBy}: only they (or a supervisor) release it`, [{ field: 'declarationId', problem: `claimed by ${claim.claimedBy}`, expected: 'a claim of your own' }]);
  await repo.release(declarationId, o.anyone === true ? undefined : actor);
}

/** Overrides the lane of a declaration's latest decision; the reason is required. */
export async function overrideDecision(app: AppContext, actor: string, declarationId: string, input: { lane: string; reason: string }): Promise<Decision> {
  const lane = Lane.safeParse(input.lane);
  if (!lane.success) throw new PortcullisError('INVALID_INPUT', `"${input.lane}" is not a lane`, [{ field: 'lane', problem: `"${input.lane}"`, expected: 'green, yellow or red' }]);
  const reason = input.reason.trim();
  if (reason.length < 3) throw new PortcullisError('INVALID_INPUT', 'an override needs a reason', [{ field: 'reason', problem: reason === '' ? 'empty' : 'too short', expected: 'why the lane is changed, at least 3 characters' }]);
  const before = await latestDecision(app, declarationId);
  if (before.lane === lane.data) throw new PortcullisError('CONFLICT', `${declarationId} is ${before.lane} already`, [{ field: 'lane', problem: lane.data, expected: 'a lane other than the current one' }]);
  const repo = worklistRepo(app.store.db);
  const claim = await repo.claimOf(declarationId);
  if (claim !== undefined && claim.claimedBy !== actor) throw new PortcullisError('CONFLICT', `${declarationId} is claimed by ${claim.claimedBy}`, [{ field: 'declarationId', problem: `claimed by ${claim.claimedBy}`, expected: 'a declaration you claimed, or one nobody has' }]);
  const now = app.clock().toISOString();
  const after: Decision = { ...before, revision: before.revision + 1, decidedAt: now, lane: lane.data, propensity: before.propensity };
  await decisionsRepo(app.store.db).insert([after]);
  await repo.addOverride({ declarationId, revision: after.revision, from: before.lane, to: lane.data, reason, by: actor, at: now });
  await recordInLedger(app, 'decision.made', [{ subject: `declaration:${declarationId}`, payload: { ...after, override: { from: before.lane, reason, by: actor } } }]);
  await recordPrivileged(app, actor, 'decision.override', `declaration:${declarationId}`, { revision: after.revision, from: before.lane, to: lane.data, reason });
  return after;
}

export function overridesOf(app: AppContext, declarationId: string) {
  return worklistRepo(app.store.db).overrides(declarationId);
}
