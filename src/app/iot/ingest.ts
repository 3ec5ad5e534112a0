import type { Alert } from '../../domain/alert.ts';
import { authenticateEvent } from '../../iot/devices.ts';
import { deviceIdFromTopic, parseDeviceEvent } from '../../iot/event.ts';
import { DEFAULT_MONITOR_CONFIG, newMonitorState, observe, tick, type MonitorState } from '../../iot/monitors.ts';
import type { DeviceEvent, DeviceProgress, IotAlert, MonitorConfig, MonitorPlan, RejectionReason } from '../../iot/types.ts';
import { alertsRepo, devicesRepo, iotEventsRepo, iotInboxRepo, monitorsRepo, type InboxMessage, type MonitorRow } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { recordGroupsInLedger } from '../ledger/record.ts';

/**
 * Telemetry, from the inbox to decisions: each batch of MQTT messages kept in the inbox
 * (subscriber.ts) is parsed, its events authenticated (registered device, its signature, never
 * applied twice, never out of order), stored, put in the ledger, and fed to the monitors of the
 * consignments whose container they name; the alerts those raise are stored, put in the ledger,
 * and the consignments concerned are decided again (their decision takes the alert as a reason
 * and rises in the worklist). Refused messages are counted by reason and dropped.
 *
 * Crash safety: the events, the monitors' new states, the alerts, the counters and the removal of
 * the messages from the inbox are one transaction; the ledger entries follow, and events a crash
 * left without entries are put in the ledger at the next start (`recordUnledgered`).
 */
export interface IngestResult {
  /** Messages taken from the inbox. */
  readonly messages: number;
  /** Events applied (stored, monitored, in the ledger). */
  readonly applied: number;
  readonly rejected: Readonly<Partial<Record<RejectionReason, number>>>;
  readonly alerts: readonly Alert[];
  /** Declarations whose decision an alert changed: decide them again. */
  readonly redecide: readonly string[];
}

export const INGEST_BATCH = 2000;

const key = (deviceId: string, eventId: string) => `${deviceId}\u0000${eventId}`;

/** Processes the oldest `limit` messages of the inbox; an empty result when it is empty. */
export async function ingestInbox(app: AppContext, o: { limit?: number; config?: MonitorConfig } = {}): Promise<IngestResult> {
  const db = app.store.db;
  const messages = await iotInboxRepo(db).take(o.limit ?? INGEST_BATCH);
  if (messages.length === 0) return { messages: 0, applied: 0, rejected: {}, alerts: [], redecide: [] };
  const config = o.config ?? DEFAULT_MONITOR_CONFIG;
  const rejected: Partial<Record<RejectionReason, number>> = {};
  const refuse = (reason: RejectionReason) => (rejected[reason] = (rejected[reason] ?? 0) + 1);

  const parsed: { message: InboxMessage; event: DeviceEvent }[] = [];
  for (const message of messages) {
    const r = parseDeviceEvent(message.payload);
    if (r.ok) parsed.push({ message, event: r.event });
    else refuse('malformed');
  }

  const deviceIds = [...new Set(parsed.map((p) => p.event.deviceId))];
  const events = iotEventsRepo(db);
  const [devices, progress, seen] = await Promise.all([
    devicesRepo(db).getMany(deviceIds),
    events.progress(deviceIds),
    events.seen(parsed.map((p) => ({ deviceId: p.event.deviceId, eventId: p.event.eventId }))),
  ]);
  const last = new Map<string, DeviceProgress>(progress);
  const accepted: { message: InboxMessage; event: DeviceEvent }[] = [];
  for (const p of parsed) {
    const e = p.event;
    const k = key(e.deviceId, e.eventId);
    const verdict = authenticateEvent(e, { topicDeviceId: deviceIdFromTopic(p.message.topic), device: devices.get(e.deviceId), progress: last.get(e.deviceId), seen: seen.has(k) });
    if (!verdict.ok) {
      refuse(verdict.reason);
      continue;
    }
    seen.add(k);
    last.set(e.deviceId, { lastSeq: e.seq, lastTime: e.time });
    accepted.push(p);
  }

  // The monitors of the containers named, fed in time order (a device's events come in order; two
  // devices' events are interleaved by their times).
  const byContainer = new Map<string, DeviceEvent[]>();
  for (const { event } of accepted) {
    const list = byContainer.get(event.container) ?? [];
    list.push(event);
    byContainer.set(event.container, list);
  }
  const monitors = byContainer.size === 0 ? [] : await monitorsRepo(db).byContainers([...byContainer.keys()]);
  const now = app.clock().toISOString();
  const raised: IotAlert[] = [];
  const states: { consignment: string; container: string; plan: MonitorPlan; state: MonitorState; updatedAt: string }[] = [];
  for (const m of monitors) {
    const { plan, state: stored } = monitorOf(m);
    let state = stored;
    const list = [...(byContainer.get(m.container) ?? [])].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
    for (const e of list) {
      const r = observe(state, plan, e, config);
      state = r.state;
      raised.push(...r.alerts);
    }
    states.push({ consignment: m.consignment, container: m.container, plan, state, updatedAt: now });
  }
  const alerts = raised.map((a) => alertOf(a, now));

  const newAlerts: Alert[] = [];
  await db.transaction().execute(async (trx) => {
    const statuses = await iotEventsRepo(trx).add(accepted.map((p) => ({ event: p.event, receivedAt: p.message.receivedAt })));
    // Another process may have stored one meanwhile: counted as replayed, as it would have been.
    statuses.forEach((s) => s === 'duplicate' && refuse('replayed'));
    if (states.length > 0) await monitorsRepo(trx).put(states);
    newAlerts.push(...(await raiseNew(trx, alerts)));
    if (Object.keys(rejected).length > 0) await iotEventsRepo(trx).addRejections(rejected, now);
    await iotInboxRepo(trx).remove(messages.map((m) => m.id));
  });
  const applied = accepted.map((p) => p.event);
  await ledgerEvents(app, applied, newAlerts);
  return { messages: messages.length, applied: applied.length, rejected, alerts: newAlerts, redecide: [...new Set(newAlerts.map((a) => a.subject))] };
}

/** Telemetry and alert entries in one ledger append; each event's index kept with it. */
async function ledgerEvents(app: AppContext, applied: readonly DeviceEvent[], alerts: readonly Alert[]): Promise<void> {
  if (applied.length === 0 && alerts.length === 0) return;
  const indices = await recordGroupsInLedger(app, [
    { type: 'telemetry.recorded', items: applied.map((e) => ({ subject: `container:${e.container}`, payload: e })) },
    { type: 'alert.raised', items: alerts.map((a) => ({ subject: `alert:${a.id}`, payload: a })) },
  ]);
  await iotEventsRepo(app.store.db).setLedgerIndices(applied.map((e, i) => ({ deviceId: e.deviceId, eventId: e.eventId, index: indices[i]! })));
}

/**
 * Puts in the ledger the events a stopped process stored without their entries (the store's
 * transaction committed, the ledger append did not happen): called at start, before new messages.
 */
export async function ledgerUnledgered(app: AppContext): Promise<number> {
  let n = 0;
  for (;;) {
    const events = await iotEventsRepo(app.store.db).unledgered(INGEST_BATCH);
    if (events.length === 0) return n;
    await ledgerEvents(app, events, []);
    n += events.length;
  }
}

/** The monitors' clock: silences and stops that no event reveals (a device gone dark). */
export async function tickMonitors(app: AppContext, o: { config?: MonitorConfig } = {}): Promise<IngestResult> {
  const db = app.store.db;
  const now = app.clock().toISOString();
  const raised: IotAlert[] = [];
  const states: { consignment: string; container: string; plan: MonitorPlan; state: MonitorState; updatedAt: string }[] = [];
  for (const m of await monitorsRepo(db).all()) {
    const { plan, state } = monitorOf(m);
    const r = tick(state, plan, now, o.config ?? DEFAULT_MONITOR_CONFIG);
    if (r.alerts.length === 0) continue;
    raised.push(...r.alerts);
    states.push({ consignment: m.consignment, container: m.container, plan, state: r.state, updatedAt: now });
  }
  const newAlerts: Alert[] = [];
  if (states.length > 0) {
    await db.transaction().execute(async (trx) => {
      await monitorsRepo(trx).put(states);
      newAlerts.push(...(await raiseNew(trx, raised.map((x) => alertOf(x, now)))));
    });
    await ledgerEvents(app, [], newAlerts);
  }
  return { messages: 0, applied: 0, rejected: {}, alerts: newAlerts, redecide: [...new Set(newAlerts.map((a) => a.subject))] };
}

/** A stored monitor's plan and state (a new state when none was saved). */
function monitorOf(m: MonitorRow): { plan: MonitorPlan; state: MonitorState } {
  const plan = m.plan as MonitorPlan;
  return { plan, state: (m.state ?? newMonitorState(plan)) as MonitorState };
}

/** Raises alerts in the caller's transaction; those not raised before, which go into the ledger. */
async function raiseNew(trx: AppContext['store']['db'], alerts: readonly Alert[]): Promise<Alert[]> {
  const added: Alert[] = [];
  for (const a of alerts) if (await alertsRepo(trx).raise(a)) added.push(a);
  return added;
}

/** An alert of the monitors as the service keeps it: about the consignment (its declaration), one id per code and time, so that raising it again adds nothing. */
function alertOf(a: IotAlert, now: string): Alert {
  return {
    id: `telemetry:${a.consignment}:${a.code}:${a.at}`,
    kind: 'telemetry',
    subject: a.consignment,
    severity: a.severity,
    message: a.message,
    detail: { ...a.detail, code: a.code, container: a.container, at: a.at },
    raisedAt: now,
    status: 'open',
  };
}
