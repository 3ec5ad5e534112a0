import { PortcullisError } from '../../domain/errors.ts';
import { InspectionResult } from '../../domain/inspection-result.ts';
import { declarationsRepo, inspectionsRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { recordInLedger } from '../ledger/record.ts';
import { requireActor } from './actors.ts';

/**
 * An officer records what an inspection found. The result becomes the declaration's label for the
 * next training run (a finding other than "none" is illicit) and counts in the hit rates of the
 * rules and models that selected it. A correction is recorded as a new revision; none is overwritten.
 */
export async function recordInspection(app: AppContext, actor: string | undefined, input: Record<string, unknown>): Promise<InspectionResult & { revision: number }> {
  const user = await requireActor(app, actor, ['officer', 'supervisor'], 'record inspection results');
  const r = InspectionResult.safeParse({ officer: user.id, inspectedAt: app.clock().toISOString(), ...input });
  if (!r.success) {
    throw new PortcullisError('INVALID_INPUT', `the inspection result is not valid: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, r.error.issues.map((i) => ({ field: i.path.join('.') || '(result)', problem: i.message, expected: i.path[0] === 'finding' ? 'none, irregularity or seizure' : 'a valid value' })));
  }
  if (r.data.officer !== user.id) throw new PortcullisError('FORBIDDEN', `${user.id} cannot record a result in the name of ${r.data.officer}`);
  const d = await declarationsRepo(app.store.db).get(r.data.declarationId);
  if (d === undefined) throw new PortcullisError('NOT_FOUND', `no declaration "${r.data.declarationId}"`, [{ field: 'declarationId', problem: 'not found', expected: 'the id of a filed declaration' }]);
  const revision = await inspectionsRepo(app.store.db).record(r.data, app.clock().toISOString());
  await recordInLedger(app, 'inspection.recorded', [{ subject: `declaration:${r.data.declarationId}`, payload: { ...r.data, revision } }]);
  return { ...r.data, revision };
}

/** The outcome an inspection result stands for, as training labels do. */
export function isFinding(r: Pick<InspectionResult, 'finding'>): boolean {
  return r.finding !== 'none';
}
