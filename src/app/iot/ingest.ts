import type { Alert } from '../../domain/alert.ts';
import { authenticateEvent } from '../../iot/devices.ts';
import { deviceIdFromTopic, parseDeviceEvent } from '../../iot/event.ts';
import { DEFAULT_MONITOR_CONFIG, newMonitorState, observe, tick, type MonitorState } from '../../iot/monitors.ts';
import type { DeviceEvent, DeviceProgress, IotAlert, MonitorConfig, MonitorPlan, RejectionReason } from '../../iot/types.ts';
import { alertsRepo, devicesRepo, iotEventsRepo, monitorsRepo, type InboxMessage, type MonitorRow } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { ledgerOf } from '../ledger/ledger.ts';
import { appendGroupsToLedger } from '../ledger/record.ts';

/**
 * Telemetry, from the inbox to decisions: each batch of MQTT messages kept in the inbox
 * (service.ts, receiver.ts) is parsed (or taken as the receiver thread parsed it), its events authenticated (registered device, its signature, never
 * applied twice, never out of order), stored, put in the ledger, and fed to the monitors of the
 * consignments whose container they name; the alerts those raise are stored, put in the ledger,
 * and the consignments concerned are decided again (their decision takes the alert as a reason
 * and rises in the worklist). Refused messages are counted by reason and dropped.
 *
 * Crash safety: the events, the monitors' new states, the alerts and the counters are one
 * transaction, and the messages leave the inbox in it (an inbox in the store) or after it (an
 * inbox file: processed again after a crash, never applied twice); the ledger entries follow, and
 * at the next start `ledgerUnledgered` notes or makes the entries a crash left out.
 */
export interface IngestResult {
  /** Messages taken from the inbox. */
  readonly messages: number;
  /** The highest inbox id taken, the last (messages are taken in id order); 0 when none was. */
  readonly lastId: number;
  /** Events applied (stored, monitored, in the ledger). */
  readonly applied: number;
  readonly rejected: Readonly<Partial<Record<RejectionReason, number>>>;
  readonly alerts: readonly Alert[];
  /** Declarations whose decision an alert changed: decide them again. */
  readonly redecide: readonly string[];
  /** Device keys the receiver did not verify with and should (null: a revoked device, to forget). */
  readonly keys: readonly (readonly [string, string | null])[];
}

export const INGEST_BATCH = 2000;

const key = (deviceId: string, eventId: string) => `${deviceId}\u0000${eventId}`;

export interface IngestOptions {
  readonly limit?: number;
  readonly config?: MonitorConfig;
  /** Only messages of ids after `after` and up to `upTo` (those the receiver thread has checked). */
  readonly after?: number;
  readonly upTo?: number;
  /**
   * Whether to remove the processed messages from the inbox (true); false where the receiver
   * thread removes them, told `lastId` (the inbox file then has one writer, and its lock never
   * makes the two threads wait for each other).
   */
  readonly remove?: boolean;
  /**
   * Where the applied events go for their ledger entries: by default they are appended with the
   * batch's alerts; the service hands them to a TelemetryLedger, which gathers them over a short
   * window (the alerts are appended at once all the same).
   */
  readonly telemetryLedger?: (events: readonly DeviceEvent[]) => void;
}

/** Processes the oldest `limit` messages of the inbox (within `after` and `upTo`, when given); an empty result when there are none. */
export async function ingestInbox(app: AppContext, o: IngestOptions = {}): Promise<IngestResult> {
  const db = app.store.db;
  const inbox = app.store.iotInbox();
  const messages = await inbox.take(o.limit ?? INGEST_BATCH, { after: o.after, upTo: o.upTo });
  if (messages.length === 0) return { messages: 0, lastId: 0, applied: 0, rejected: {}, alerts: [], redecide: [], keys: [] };
  const config = o.config ?? DEFAULT_MONITOR_CONFIG;
  const rejected: Partial<Record<RejectionReason, number>> = {};
  const refuse = (reason: RejectionReason) => (rejected[reason] = (rejected[reason] ?? 0) + 1);

  const parsed: { message: InboxMessage; event: DeviceEvent }[] = [];
  for (const message of messages) {
    // The receiver thread parsed it already: its normalised event is what parsing would give.
    if (message.event !== undefined) {
      parsed.push({ message, event: JSON.parse(message.event) as DeviceEvent });
      continue;
    }
    const r = parseDeviceEvent(message.payload);
    if (r.ok) parsed.push({ message, event: r.event });
    else refuse('malformed');
  }

  const deviceIds = [...new Set(parsed.map((p) => p.event.deviceId))];
  const hot = app.store.telemetryRows;
  const events = iotEventsRepo(db, hot);
  const [devices, progress] = await Promise.all([devicesRepo(db).getMany(deviceIds), events.progress(deviceIds)]);
  // Only an event at or below its device's progress can have been applied before (progress moves
  // to the highest seq applied, in the transaction that stores the events): only those are looked up.
  const seen = await events.seen(
    parsed.filter((p) => p.event.seq <= (progress.get(p.event.deviceId)?.lastSeq ?? -Infinity)).map((p) => ({ deviceId: p.event.deviceId, eventId: p.event.eventId })),
  );
  const last = new Map<string, DeviceProgress>(progress);
  const accepted: { message: InboxMessage; event: DeviceEvent }[] = [];
  const keys = new Map<string, string | null>();
  for (const p of parsed) {
    const e = p.event;
    const k = key(e.deviceId, e.eventId);
    const device = devices.get(e.deviceId);
    const verifiedWith = p.message.verifiedKey;
    // What the receiver should verify this device's next events with, when it did not know.
    if (device !== undefined && device.id === e.deviceId) {
      const current = device.revokedAt === null ? device.publicKey : null;
      if ((verifiedWith ?? null) !== current) keys.set(e.deviceId, current);
    }
    const verdict = authenticateEvent(e, { topicDeviceId: deviceIdFromTopic(p.message.topic), device, progress: last.get(e.deviceId), seen: seen.has(k), verifiedWith });
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
    const statuses = await iotEventsRepo(trx, hot).add(accepted.map((p) => ({ event: p.event, receivedAt: p.message.receivedAt })));
    // Another process may have stored one meanwhile: counted as replayed, as it would have been.
    statuses.forEach((s) => s === 'duplicate' && refuse('replayed'));
    if (states.length > 0) await monitorsRepo(trx).put(states);
    newAlerts.push(...(await raiseNew(trx, alerts)));
    if (Object.keys(rejected).length > 0) await iotEventsRepo(trx).addRejections(rejected, now);
    if (inbox.inStore && o.remove !== false) await inbox.remove(messages.map((m) => m.id), trx);
  });
  if (!inbox.inStore && o.remove !== false) await inbox.remove(messages.map((m) => m.id));
  const applied = accepted.map((p) => p.event);
  if (o.telemetryLedger === undefined) await ledgerEvents(app, telemetrySeries(applied), newAlerts);
  else {
    o.telemetryLedger(applied);
    await ledgerEvents(app, [], newAlerts);
  }
  return { messages: messages.length, lastId: messages.at(-1)!.id, applied: applied.length, rejected, alerts: newAlerts, redecide: [...new Set(newAlerts.map((a) => a.subject))], keys: [...keys] };
}

/**
 * A container's events applied together (in one batch, or over the service's window:
 * TelemetryLedger), in the order applied (a device's in its order): one ledger entry
 * (`telemetry.series`) under `container:ID`. The entry's commitment covers every event, each with
 * its device's signature, so that each is in the log as surely as it would be in an entry of its
 * own; its proof is the entry's inclusion proof and this payload. The log's cost per entry (the
 * service's signature, sealing, three rows and the tree's nodes) is shared by the events of a
 * series; one event alone is a series of one.
 */
export interface TelemetrySeries {
  readonly container: string;
  readonly events: readonly DeviceEvent[];
}

export function telemetrySeries(events: readonly DeviceEvent[]): TelemetrySeries[] {
  const byContainer = new Map<string, DeviceEvent[]>();
  for (const e of events) {
    const list = byContainer.get(e.container);
    if (list === undefined) byContainer.set(e.container, [e]);
    else list.push(e);
  }
  return [...byContainer].map(([container, list]) => ({ container, events: list }));
}

/**
 * Telemetry (a series per container) and alert entries in one ledger append; each event's index
 * (its series') kept with it. Resolves once the entries are committed (a stopped process cannot
 * lose them; the next batch is sequenced after them), not once they are on the disk: nobody waits
 * for telemetry's entries, and the batch behind is processed while the disk makes these durable.
 * A failed fsync is reported to `onDurableError`.
 */
async function ledgerEvents(app: AppContext, series: readonly TelemetrySeries[], alerts: readonly Alert[]): Promise<void> {
  if (series.length === 0 && alerts.length === 0) return;
  const appended = await appendGroupsToLedger(app, [
    { type: 'telemetry.series', items: series.map((s) => ({ subject: `container:${s.container}`, payload: s })) },
    { type: 'alert.raised', items: alerts.map((a) => ({ subject: `alert:${a.id}`, payload: a })) },
  ]);
  appended.durable.catch((e: unknown) => durableErrors.get(app)?.(e));
  const indices = await appended.committed;
  await iotEventsRepo(app.store.db, app.store.telemetryRows).setLedgerIndices(series.flatMap((s, i) => s.events.map((e) => ({ deviceId: e.deviceId, eventId: e.eventId, index: indices[i]! }))));
}

/**
 * Telemetry's ledger entries gathered over a window (`maxMs`, or `maxEvents` events, whichever
 * comes first), so that a container's series holds the events of that window instead of those of
 * one batch: at 5,000 events/s from 250 containers a batch holds one or two events of each, and
 * the log's cost per entry, paid for each, was the largest part of an event's processing and of
 * the time from its publish to its alert. Nobody waits for telemetry's entries; alerts are
 * appended at once, and name their events, which follow within the window. A process stopped
 * within a window leaves its events stored without entries: `ledgerUnledgered` makes them at the
 * next start, as for any append a crash cut short.
 */
export interface TelemetryLedger {
  add(events: readonly DeviceEvent[]): void;
  /** Appends what is gathered now (and waits for the appends under way). */
  flush(): Promise<void>;
}

const FLUSH_SERIES = 25;

export function telemetryLedger(app: AppContext, o: { maxMs: number; maxEvents: number; onError: (e: unknown) => void }): TelemetryLedger {
  let pending: DeviceEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  let appending: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (pending.length > 0) {
      const series = telemetrySeries(pending);
      pending = [];
      // The events stay stored without their index when this fails; the next start appends them.
      appending = appending
        .then(async () => {
          // A few containers' series at a time, with a turn of the event loop between: the batches
          // that come meanwhile (and the alerts they raise) wait for a slice, not for the window.
          for (let i = 0; i < series.length; i += FLUSH_SERIES) {
            if (i > 0) await new Promise((r) => setImmediate(r));
            await ledgerEvents(app, series.slice(i, i + FLUSH_SERIES), []);
          }
        })
        .catch(o.onError);
    }
    return appending;
  };
  return {
    add(events) {
      if (events.length === 0) return;
      pending.push(...events);
      if (pending.length >= o.maxEvents) void flush();
      else if (timer === undefined) {
        timer = setTimeout(() => void flush(), o.maxMs);
        timer.unref();
      }
    },
    flush,
  };
}

/** Who hears that telemetry's ledger entries could not be made durable (the service's onError). */
const durableErrors = new WeakMap<AppContext, (e: unknown) => void>();
export function onDurableError(app: AppContext, report: (e: unknown) => void): void {
  durableErrors.set(app, report);
}

/**
 * Puts in the ledger the events a stopped process stored without their entries (the store's
 * transaction committed, the ledger append did not happen): called at start, before new messages.
 * A process stopped after the append but before it noted the indices left entries that already
 * hold those events: they are found first, among the telemetry entries after the last index noted,
 * so that no event is put in the ledger twice.
 */
export async function ledgerUnledgered(app: AppContext): Promise<number> {
  const events = iotEventsRepo(app.store.db);
  if ((await events.unledgered(1)).length === 0) return 0;
  await noteLedgered(app);
  let n = 0;
  for (;;) {
    const batch = await events.unledgered(INGEST_BATCH);
    if (batch.length === 0) return n;
    await ledgerEvents(app, telemetrySeries(batch), []);
    n += batch.length;
  }
}

/** Notes the indices of telemetry entries appended after the last one noted. */
async function noteLedgered(app: AppContext): Promise<void> {
  const repo = ledgerOf(app).repo;
  const size = await repo.size();
  const from = ((await iotEventsRepo(app.store.db).highestLedgerIndex()) ?? -1) + 1;
  for (let at = from; at < size; at += INGEST_BATCH) {
    const to = Math.min(size, at + INGEST_BATCH);
    // Series (and, in a store written before series, one entry per event: telemetry.recorded).
    const types = new Map((await repo.entries(at, to)).filter((e) => e.type === 'telemetry.series' || e.type === 'telemetry.recorded').map((e) => [e.index, e.type]));
    if (types.size === 0) continue;
    const found = (await repo.payloads(at, to))
      .filter((p) => types.has(p.index))
      .flatMap((p) => {
        const parsed = JSON.parse(p.payload) as TelemetrySeries | DeviceEvent;
        const events = types.get(p.index) === 'telemetry.series' ? (parsed as TelemetrySeries).events : [parsed as DeviceEvent];
        // A telemetry.recorded entry may also be a reading recorded from a file (no device event).
        return events.filter((e) => typeof e.deviceId === 'string').map((e) => ({ deviceId: e.deviceId, eventId: e.eventId, index: p.index }));
      });
    await iotEventsRepo(app.store.db).setLedgerIndices(found);
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
  return { messages: 0, lastId: 0, applied: 0, rejected: {}, alerts: newAlerts, redecide: [...new Set(newAlerts.map((a) => a.subject))], keys: [] };
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
