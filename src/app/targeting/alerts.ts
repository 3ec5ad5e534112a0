import type { Alert, AlertKind } from '../../domain/alert.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { alertsRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { recordInLedger, recordPrivileged } from '../ledger/record.ts';
import { requireActor } from './actors.ts';

/** Alerts raised by drift, by decayed rules (and, later, by telemetry), newest first. */
export function listAlerts(app: AppContext, filter: { status?: Alert['status']; kind?: AlertKind; limit?: number } = {}): Promise<Alert[]> {
  return alertsRepo(app.store.db).list(filter);
}

/** Raises an alert, and puts it in the ledger when it is new (the same id raised again adds nothing). */
export async function raiseAlert(app: AppContext, alert: Alert): Promise<boolean> {
  const added = await alertsRepo(app.store.db).raise(alert);
  if (added) await recordInLedger(app, 'alert.raised', [{ subject: `alert:${alert.id}`, payload: alert }]);
  return added;
}

/** Someone has looked at an alert: who, when and why it needs nothing more (a reason is required). */
export async function acknowledgeAlert(app: AppContext, actor: string | undefined, id: string, reason: string): Promise<Alert> {
  const user = await requireActor(app, actor, ['analyst', 'supervisor', 'officer'], 'acknowledge alerts');
  if (reason.trim() === '') throw new PortcullisError('INVALID_INPUT', 'acknowledging an alert needs a reason', [{ field: 'reason', problem: 'empty', expected: 'why the alert needs nothing more, or what was done' }]);
  const repo = alertsRepo(app.store.db);
  const alert = await repo.get(id);
  if (alert === undefined) throw new PortcullisError('NOT_FOUND', `no alert "${id}"`);
  if (!(await repo.acknowledge(id, user.id, app.clock().toISOString(), reason.trim()))) throw new PortcullisError('CONFLICT', `alert ${id} was acknowledged already, by ${alert.acknowledgedBy ?? 'someone'}`);
  await recordPrivileged(app, user.id, 'alert.acknowledged', `alert:${id}`, { reason: reason.trim() });
  return (await repo.get(id))!;
}
