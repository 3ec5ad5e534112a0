import { PortcullisError } from '../../domain/errors.ts';
import { portPosition } from '../../iot/geo.ts';
import { DEFAULT_MONITOR_CONFIG } from '../../iot/monitors.ts';
import type { DeviceEvent, MonitorConfig, MonitorPlan } from '../../iot/types.ts';
import { alertsRepo, iotEventsRepo, monitorsRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { planOf } from './devices.ts';

export interface TrackAlert {
  readonly id: string;
  /** The monitor's code (corridor-exit, seal-opened, …). */
  readonly code: string;
  readonly severity: string;
  readonly message: string;
  readonly status: string;
  readonly raisedAt: string;
  /** When the event (or silence) that raised it happened. */
  readonly at: string | null;
  /** Where: the position the monitor names, else that of the first event behind the alert that had a fix; null when none did. */
  readonly position: { readonly lat: number; readonly lon: number } | null;
}

export interface Track {
  readonly consignment: string;
  readonly container: string;
  readonly ports: readonly string[];
  /** The ports with their coordinates, as the monitors place them (iot/geo.ts), in the plan's order. */
  readonly portPositions: readonly { readonly code: string; readonly lat: number; readonly lon: number }[];
  /** Half-width of the corridor around the great-circle legs between the ports, km, that the monitors hold the track to. */
  readonly corridorKm: number;
  readonly events: readonly { readonly event: DeviceEvent; readonly receivedAt: string; readonly ledgerIndex: number | null }[];
  readonly alerts: readonly TrackAlert[];
}

const latLon = (v: unknown): { lat: number; lon: number } | null => {
  const p = v as { lat?: unknown; lon?: unknown } | null | undefined;
  return typeof p?.lat === 'number' && typeof p.lon === 'number' ? { lat: p.lat, lon: p.lon } : null;
};

/**
 * A consignment's planned route (its ports placed, the corridor's width), its container's events in
 * time order, and its open telemetry alerts with where each happened, for the voyage map.
 */
export async function trackOf(app: AppContext, consignment: string, config: Pick<MonitorConfig, 'corridorKm'> = DEFAULT_MONITOR_CONFIG): Promise<Track> {
  const monitor = await monitorsRepo(app.store.db).get(consignment);
  const plan = (monitor?.plan as MonitorPlan | undefined) ?? (await planOf(app, consignment).catch((e: unknown) => {
    if (e instanceof PortcullisError && e.code === 'NOT_FOUND') throw e;
    throw new PortcullisError('NOT_FOUND', `consignment ${consignment} has no monitored route: ${(e as Error).message}`);
  }));
  const events = (await iotEventsRepo(app.store.db).track(plan.container)) as Track['events'];
  const fixes = new Map(events.flatMap((e) => (e.event.position === undefined ? [] : [[e.event.eventId, { lat: e.event.position.lat, lon: e.event.position.lon }] as const])));
  const alerts = (await alertsRepo(app.store.db).openAbout('telemetry', [consignment]))
    .map((a): TrackAlert => {
      const ids = Array.isArray(a.detail.eventIds) ? a.detail.eventIds.filter((x): x is string => typeof x === 'string') : [];
      const position = latLon(a.detail.position) ?? ids.map((x) => fixes.get(x)).find((p) => p !== undefined) ?? null;
      return { id: a.id, code: String(a.detail.code ?? 'telemetry'), severity: a.severity, message: a.message, status: a.status, raisedAt: a.raisedAt, at: typeof a.detail.at === 'string' ? a.detail.at : null, position };
    })
    .sort((x, y) => ((x.at ?? x.raisedAt) < (y.at ?? y.raisedAt) ? -1 : 1));
  // A plan is refused unless every port has a position (geo.ts): none is missing here.
  const portPositions = plan.ports.map((code) => ({ code, ...portPosition(code)! }));
  return { consignment, container: plan.container, ports: plan.ports, portPositions, corridorKm: config.corridorKm, events, alerts };
}

export async function iotStats(app: AppContext): Promise<{ events: number; inbox: number; rejected: Record<string, number> }> {
  const events = iotEventsRepo(app.store.db);
  return { events: await events.count(), inbox: await app.store.iotInbox().count(), rejected: await events.rejections() };
}
