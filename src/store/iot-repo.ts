import { sql, type Kysely } from 'kysely';
import { PortcullisError } from '../domain/errors.ts';
import type { Schema } from './schema.ts';

/**
 * Container telemetry (issue 7): devices and their keys, the events they published, how many
 * messages were refused and why, and each consignment's monitors. The store may not import the iot
 * layer, so the shapes are declared here again, field for field as src/iot/types.ts has them
 * (DeviceRecord, DeviceEvent, DeviceProgress); test/store/iot-repo.test.ts checks that they stay equal.
 */

/** The tables of migration 0012-iot. */
/** Runs `body` in a transaction: the caller's when `db` is one already (so that a use case can hold several writes together), else a new one. */
function inTransaction<D, T>(db: Kysely<D>, body: (trx: Kysely<D>) => Promise<T>): Promise<T> {
  return db.isTransaction ? body(db) : db.transaction().execute(body);
}

export type IotTables = {
  devices: { id: string; public_key: string; container: string | null; registered_by: string; registered_at: string; revoked_at: string | null; revoked_by: string | null };
  /** The last event applied from a device; `last_seq` is bigint (a string from PostgreSQL). */
  device_progress: { device_id: string; last_seq: number | string; last_time: string };
  /** `body` is the whole event, JSON; the other columns are what it is found by. */
  iot_events: { device_id: string; event_id: string; container: string; time: string; seq: number | string; body: string; received_at: string; ledger_index: number | null };
  iot_rejections: { reason: string; count: number | string; last_at: string };
  /** `plan` and `state` are JSON; what is in them is the app layer's. */
  consignment_monitors: { consignment: string; container: string; plan: string; state: string; updated_at: string };
};

/** A registered device (iot's DeviceRecord). */
export interface DeviceRow {
  readonly id: string;
  /** base64 of the raw 32-byte Ed25519 public key. */
  readonly publicKey: string;
  readonly container: string | null;
  readonly registeredBy: string;
  readonly registeredAt: string;
  readonly revokedAt: string | null;
}

/** An event as a device signed and published it (iot's DeviceEvent). */
export interface DeviceEventRow {
  readonly v: 1;
  readonly eventId: string;
  readonly deviceId: string;
  readonly seq: number;
  readonly container: string;
  readonly time: string;
  readonly eventCode?: 'LOAD' | 'DISC' | 'GTIN' | 'GTOT' | 'STUF' | 'STRP' | 'INSP' | 'RSEA' | 'ARRI' | 'DEPA';
  readonly location?: string;
  readonly position?: { readonly lat: number; readonly lon: number; /** metres */ readonly accuracy?: number };
  readonly seal?: { readonly state: 'intact' | 'opened' | 'tampered'; readonly number: string };
  readonly door?: 'open' | 'closed';
  readonly shock?: number;
  readonly temperature?: number;
  readonly battery?: number;
  readonly signature: string;
}

/** The last event applied from a device (iot's DeviceProgress). */
export interface DeviceProgressRow {
  readonly lastSeq: number;
  readonly lastTime: string;
}

/** An event as stored: when it was received, and the ledger entry that records it (null until recorded). */
export interface StoredDeviceEvent {
  readonly event: DeviceEventRow;
  readonly receivedAt: string;
  readonly ledgerIndex: number | null;
}

export type EventAddStatus = 'inserted' | 'duplicate';

/** A consignment's monitors: its plan and running state, as the app layer gives them. */
export interface MonitorRow {
  readonly consignment: string;
  readonly container: string;
  readonly plan: unknown;
  readonly state: unknown;
  readonly updatedAt: string;
}

/**
 * Telemetry's hot writes where a database has a faster way than Kysely's multi-row statements
 * (SQLite: statements prepared once, run a row at a time; dialects/sqlite-telemetry.ts). Each runs
 * on the connection of the transaction that the caller holds open: on SQLite, the store's one.
 */
export interface TelemetryRows {
  /** Inserts each event not stored under its (device, event id) yet; whether each was inserted. */
  insertEvents(rows: readonly IotTables['iot_events'][]): boolean[];
  /** Moves each device's progress to the row's, never back. */
  advanceProgress(rows: readonly IotTables['device_progress'][]): void;
  /** Notes the ledger index of each event given; unknown events are passed over. */
  noteLedgerIndices(rows: readonly { readonly deviceId: string; readonly eventId: string; readonly index: number }[]): void;
}

/** Rows per statement: at most 8 parameters a row, far below either database's limit. */
const CHUNK = 1000;
/** Keys per look-up statement (two parameters each). */
const KEYS = 500;

const eventKey = (deviceId: string, eventId: string): string => `${deviceId}\u0000${eventId}`;

const fromDevice = (r: IotTables['devices']): DeviceRow => ({
  id: r.id, publicKey: r.public_key, container: r.container, registeredBy: r.registered_by, registeredAt: r.registered_at, revokedAt: r.revoked_at,
});

const fromMonitor = (r: IotTables['consignment_monitors']): MonitorRow => ({
  consignment: r.consignment, container: r.container, plan: JSON.parse(r.plan) as unknown, state: JSON.parse(r.state) as unknown, updatedAt: r.updated_at,
});

const json = (v: unknown): string => JSON.stringify(v) ?? 'null';

/** Registered devices: a device's key is set once, at registration; revoking keeps the record. */
export function devicesRepo(base: Kysely<Schema>) {
  const db = base.withTables<IotTables>();
  return {
    /** Registers a device; 'exists' (changing nothing) when its id is taken. */
    async register(d: DeviceRow): Promise<'inserted' | 'exists'> {
      const r = await db
        .insertInto('devices')
        .values({ id: d.id, public_key: d.publicKey, container: d.container, registered_by: d.registeredBy, registered_at: d.registeredAt, revoked_at: d.revokedAt, revoked_by: null })
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .executeTakeFirst();
      return r === undefined ? 'exists' : 'inserted';
    },
    async get(id: string): Promise<DeviceRow | undefined> {
      const r = await db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
      return r === undefined ? undefined : fromDevice(r);
    },
    /** The devices of `ids` that are registered, by id. */
    async getMany(ids: readonly string[]): Promise<Map<string, DeviceRow>> {
      const out = new Map<string, DeviceRow>();
      const unique = [...new Set(ids)];
      for (let i = 0; i < unique.length; i += KEYS) {
        for (const r of await db.selectFrom('devices').selectAll().where('id', 'in', unique.slice(i, i + KEYS)).execute()) out.set(r.id, fromDevice(r));
      }
      return out;
    },
    /** Every device (of one container, when given), by id. */
    async list(o: { readonly container?: string } = {}): Promise<DeviceRow[]> {
      let q = db.selectFrom('devices').selectAll();
      if (o.container !== undefined) q = q.where('container', '=', o.container);
      return (await q.execute()).map(fromDevice).sort((a, b) => compare(a.id, b.id));
    },
    /** Revokes a device; false when it is unknown or revoked already (the first revocation stands). */
    async revoke(id: string, by: string, at: string): Promise<boolean> {
      const r = await db.updateTable('devices').set({ revoked_at: at, revoked_by: by }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}
export type DevicesRepo = ReturnType<typeof devicesRepo>;

/**
 * Devices' events, each stored once under (device, event id), and the counters of refused messages.
 * `hot`: the store's TelemetryRows, where it has them (the adapter's `telemetryRows`).
 */
export function iotEventsRepo(base: Kysely<Schema>, hot?: TelemetryRows) {
  const db = base.withTables<IotTables>();
  return {
    /**
     * Stores events in one transaction: one not stored yet is 'inserted'; one stored before, or
     * given again within the call, is a 'duplicate' (the stored one is kept). Each device's progress
     * moves to the highest seq inserted (with its time), never back. Statuses are in input order.
     */
    async add(events: readonly { readonly event: DeviceEventRow; readonly receivedAt: string }[]): Promise<EventAddStatus[]> {
      if (events.length === 0) return [];
      const first = new Map<string, number>();
      const offered: IotTables['iot_events'][] = [];
      events.forEach(({ event: e, receivedAt }, i) => {
        const k = eventKey(e.deviceId, e.eventId);
        if (first.has(k)) return;
        first.set(k, i);
        offered.push({ device_id: e.deviceId, event_id: e.eventId, container: e.container, time: e.time, seq: e.seq, body: json(e), received_at: receivedAt, ledger_index: null });
      });
      // In key order, so that concurrent writers take PostgreSQL's row locks in one order (no deadlock).
      offered.sort((a, b) => compare(a.device_id, b.device_id) || compare(a.event_id, b.event_id));
      const inserted = new Set<string>();
      await inTransaction(db, async (trx) => {
        if (hot !== undefined) {
          hot.insertEvents(offered).forEach((yes, i) => yes && inserted.add(eventKey(offered[i]!.device_id, offered[i]!.event_id)));
        }
        for (let i = 0; hot === undefined && i < offered.length; i += CHUNK) {
          const rows = await trx
            .insertInto('iot_events')
            .values(offered.slice(i, i + CHUNK))
            .onConflict((oc) => oc.columns(['device_id', 'event_id']).doNothing())
            .returning(['device_id', 'event_id'])
            .execute();
          for (const r of rows) inserted.add(eventKey(r.device_id, r.event_id));
        }
        const highest = new Map<string, IotTables['device_progress']>();
        for (const r of offered) {
          if (!inserted.has(eventKey(r.device_id, r.event_id))) continue;
          const h = highest.get(r.device_id);
          if (h === undefined || Number(r.seq) > Number(h.last_seq)) highest.set(r.device_id, { device_id: r.device_id, last_seq: r.seq, last_time: r.time });
        }
        const progress = [...highest.values()].sort((a, b) => compare(a.device_id, b.device_id));
        if (hot !== undefined) hot.advanceProgress(progress);
        for (let i = 0; hot === undefined && i < progress.length; i += CHUNK) {
          await trx
            .insertInto('device_progress')
            .values(progress.slice(i, i + CHUNK))
            .onConflict((oc) =>
              oc
                .column('device_id')
                .doUpdateSet((eb) => ({ last_seq: eb.ref('excluded.last_seq'), last_time: eb.ref('excluded.last_time') }))
                .where((eb) => eb('device_progress.last_seq', '<', eb.ref('excluded.last_seq'))),
            )
            .execute();
        }
      });
      return events.map(({ event: e }, i) => {
        const k = eventKey(e.deviceId, e.eventId);
        return first.get(k) === i && inserted.has(k) ? 'inserted' : 'duplicate';
      });
    },
    /** Which of `keys` are stored, as `${deviceId}\u0000${eventId}`. */
    async seen(keys: readonly { readonly deviceId: string; readonly eventId: string }[]): Promise<Set<string>> {
      const out = new Set<string>();
      const unique = [...new Map(keys.map((k) => [eventKey(k.deviceId, k.eventId), k])).values()];
      for (let i = 0; i < unique.length; i += KEYS) {
        const chunk = unique.slice(i, i + KEYS);
        const rows = await db
          .selectFrom('iot_events')
          .select(['device_id', 'event_id'])
          .where((eb) => eb(eb.refTuple('device_id', 'event_id'), 'in', chunk.map((k) => eb.tuple(k.deviceId, k.eventId))))
          .execute();
        for (const r of rows) out.add(eventKey(r.device_id, r.event_id));
      }
      return out;
    },
    /** The last event applied from each of `deviceIds` that has one. */
    async progress(deviceIds: readonly string[]): Promise<Map<string, DeviceProgressRow>> {
      const out = new Map<string, DeviceProgressRow>();
      const unique = [...new Set(deviceIds)];
      for (let i = 0; i < unique.length; i += KEYS) {
        const rows = await db.selectFrom('device_progress').selectAll().where('device_id', 'in', unique.slice(i, i + KEYS)).execute();
        for (const r of rows) out.set(r.device_id, { lastSeq: Number(r.last_seq), lastTime: r.last_time });
      }
      return out;
    },
    /** Notes the ledger entry that records each event (of an event given twice, the last); unknown events are passed over. */
    async setLedgerIndices(pairs: readonly { readonly deviceId: string; readonly eventId: string; readonly index: number }[]): Promise<void> {
      const unique = [...new Map(pairs.map((p) => [eventKey(p.deviceId, p.eventId), p])).values()];
      if (unique.length === 0) return;
      await inTransaction(db, async (trx) => {
        if (hot !== undefined) return hot.noteLedgerIndices(unique);
        for (let i = 0; i < unique.length; i += KEYS) {
          // One statement per chunk; both databases name a VALUES list's columns column1, column2, …
          const values = sql.join(unique.slice(i, i + KEYS).map((p) => sql`(${p.deviceId}, ${p.eventId}, ${p.index})`));
          await sql`UPDATE iot_events SET ledger_index = CAST(v.column3 AS integer)
            FROM (VALUES ${values}) AS v
            WHERE iot_events.device_id = v.column1 AND iot_events.event_id = v.column2`.execute(trx);
        }
      });
    },
    /** A container's events within [from, to), by time, then seq (then device and event id), at most `limit` (10,000 unless given). */
    async track(container: string, o: { readonly from?: string; readonly to?: string; readonly limit?: number } = {}): Promise<StoredDeviceEvent[]> {
      let q = db.selectFrom('iot_events').select(['body', 'received_at', 'ledger_index']).where('container', '=', container);
      if (o.from !== undefined) q = q.where('time', '>=', o.from);
      if (o.to !== undefined) q = q.where('time', '<', o.to);
      const rows = await q
        .orderBy('time')
        .orderBy('seq')
        .orderBy('device_id')
        .orderBy('event_id')
        .limit(Math.max(1, Math.floor(o.limit ?? 10_000)))
        .execute();
      return rows.map((r) => ({ event: JSON.parse(r.body) as DeviceEventRow, receivedAt: r.received_at, ledgerIndex: r.ledger_index === null ? null : Number(r.ledger_index) }));
    },
    /**
     * Events stored without their ledger entry yet, oldest first: a process that stopped between
     * storing a batch and its ledger append leaves some, which the next start puts in the ledger.
     */
    async unledgered(limit: number): Promise<DeviceEventRow[]> {
      const rows = await db.selectFrom('iot_events').select('body').where('ledger_index', 'is', null).orderBy('received_at').orderBy('time').orderBy('seq').limit(Math.max(1, limit)).execute();
      return rows.map((r) => JSON.parse(r.body) as DeviceEventRow);
    },
    /** The highest ledger index noted for an event; undefined when none is. */
    async highestLedgerIndex(): Promise<number | undefined> {
      const r = await db.selectFrom('iot_events').select((eb) => eb.fn.max('ledger_index').as('m')).executeTakeFirst();
      return r?.m === null || r?.m === undefined ? undefined : Number(r.m);
    },
    /** How many events are stored (of one container, when given). */
    async count(o: { readonly container?: string } = {}): Promise<number> {
      let q = db.selectFrom('iot_events').select((eb) => eb.fn.countAll<number | string>().as('n'));
      if (o.container !== undefined) q = q.where('container', '=', o.container);
      return Number((await q.executeTakeFirst())?.n ?? 0);
    },
    /** Adds to the counters of refused messages, by reason; `at` is when (a counter keeps the latest). */
    async addRejections(counts: Readonly<Partial<Record<string, number>>>, at: string): Promise<void> {
      const rows: IotTables['iot_rejections'][] = [];
      for (const [reason, n] of Object.entries(counts).sort(([a], [b]) => compare(a, b))) {
        if (n === undefined || n === 0) continue;
        if (!Number.isSafeInteger(n) || n < 0) {
          throw new PortcullisError('INVALID_INPUT', `rejection count of ${reason} is ${n}`, [{ field: reason, problem: `count ${n}`, expected: 'a whole number, 0 or more' }]);
        }
        rows.push({ reason, count: n, last_at: at });
      }
      if (rows.length === 0) return;
      await db
        .insertInto('iot_rejections')
        .values(rows)
        .onConflict((oc) =>
          oc.column('reason').doUpdateSet((eb) => ({
            count: eb('iot_rejections.count', '+', eb.ref('excluded.count')),
            last_at: eb.case().when('excluded.last_at', '>', eb.ref('iot_rejections.last_at')).then(eb.ref('excluded.last_at')).else(eb.ref('iot_rejections.last_at')).end(),
          })),
        )
        .execute();
    },
    /** Every counter of refused messages, by reason (reasons never counted are absent). */
    async rejections(): Promise<Record<string, number>> {
      const rows = await db.selectFrom('iot_rejections').select(['reason', 'count']).execute();
      return Object.fromEntries(rows.map((r) => [r.reason, Number(r.count)]));
    },
  };
}
export type IotEventsRepo = ReturnType<typeof iotEventsRepo>;

/** Each consignment's monitors: its plan and running state, saved as JSON so that a restart carries on. */
export function monitorsRepo(base: Kysely<Schema>) {
  const db = base.withTables<IotTables>();
  return {
    /** Saves monitors in one transaction, replacing those stored; of a consignment given twice, the last. */
    async put(rows: readonly MonitorRow[]): Promise<void> {
      const unique = [...new Map(rows.map((r) => [r.consignment, r])).values()].sort((a, b) => compare(a.consignment, b.consignment));
      if (unique.length === 0) return;
      await inTransaction(db, async (trx) => {
        for (let i = 0; i < unique.length; i += CHUNK) {
          await trx
            .insertInto('consignment_monitors')
            .values(unique.slice(i, i + CHUNK).map((r) => ({ consignment: r.consignment, container: r.container, plan: json(r.plan), state: json(r.state), updated_at: r.updatedAt })))
            .onConflict((oc) =>
              oc.column('consignment').doUpdateSet((eb) => ({
                container: eb.ref('excluded.container'),
                plan: eb.ref('excluded.plan'),
                state: eb.ref('excluded.state'),
                updated_at: eb.ref('excluded.updated_at'),
              })),
            )
            .execute();
        }
      });
    },
    async get(consignment: string): Promise<MonitorRow | undefined> {
      const r = await db.selectFrom('consignment_monitors').selectAll().where('consignment', '=', consignment).executeTakeFirst();
      return r === undefined ? undefined : fromMonitor(r);
    },
    /** The monitors of the consignments in these containers, by consignment. */
    async byContainers(containers: readonly string[]): Promise<MonitorRow[]> {
      const unique = [...new Set(containers)];
      const out: MonitorRow[] = [];
      for (let i = 0; i < unique.length; i += KEYS) {
        for (const r of await db.selectFrom('consignment_monitors').selectAll().where('container', 'in', unique.slice(i, i + KEYS)).execute()) out.push(fromMonitor(r));
      }
      return out.sort((a, b) => compare(a.consignment, b.consignment));
    },
    /** Every consignment's monitors, by consignment. */
    async all(): Promise<MonitorRow[]> {
      return (await db.selectFrom('consignment_monitors').selectAll().execute()).map(fromMonitor).sort((a, b) => compare(a.consignment, b.consignment));
    },
  };
}
export type MonitorsRepo = ReturnType<typeof monitorsRepo>;

/** By UTF-16 code units, the same on every platform (only the order of writes and of results depends on it). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
