import { PortcullisError } from '../../domain/errors.ts';
import type { DeviceEvent, MonitorPlan } from '../../iot/types.ts';
import { alertsRepo, iotEventsRepo, monitorsRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { planOf } from './devices.ts';

export interface Track {
  readonly consignment: string;
  readonly container: string;
  readonly ports: readonly string[];
  readonly events: readonly { readonly event: DeviceEvent; readonly receivedAt: string; readonly ledgerIndex: number | null }[];
  readonly alerts: readonly { readonly id: string; readonly severity: string; readonly message: string; readonly status: string; readonly raisedAt: string }[];
}

/** A consignment's planned route, its container's events in time order, and its telemetry alerts. */
export async function trackOf(app: AppContext, consignment: string): Promise<Track> {
  const monitor = await monitorsRepo(app.store.db).get(consignment);
  const plan = (monitor?.plan as MonitorPlan | undefined) ?? (await planOf(app, consignment).catch((e: unknown) => {
    if (e instanceof PortcullisError && e.code === 'NOT_FOUND') throw e;
    throw new PortcullisError('NOT_FOUND', `consignment ${consignment} has no monitored route: ${(e as Error).message}`);
  }));
  const events = (await iotEventsRepo(app.store.db).track(plan.container)) as Track['events'];
  const alerts = (await alertsRepo(app.store.db).openAbout('telemetry', [consignment])).map((a) => ({ id: a.id, severity: a.severity, message: a.message, status: a.status, raisedAt: a.raisedAt }));
  return { consignment, container: plan.container, ports: plan.ports, events, alerts };
}

export async function iotStats(app: AppContext): Promise<{ events: number; inbox: number; rejected: Record<string, number> }> {
  const events = iotEventsRepo(app.store.db);
  return { events: await events.count(), inbox: await app.store.iotInbox().count(), rejected: await events.rejections() };
}
