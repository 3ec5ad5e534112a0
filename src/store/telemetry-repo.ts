import type { Kysely } from 'kysely';
import { canonicalJson } from '../ledger/entry/canonical.ts';
import type { TelemetryReading } from '../domain/telemetry-reading.ts';
import { addKeyed, setLedgerIndices, type AddOutcome } from './keyed-records.ts';
import type { Schema } from './schema.ts';

/** A telemetry reading as stored, with the index of the ledger entry that records it. */
export interface StoredReading {
  readonly reading: TelemetryReading;
  readonly ledgerIndex: number | null;
}

const CHUNK = 500;

const toRow = (t: TelemetryReading, recordedAt: string): Schema['telemetry_readings'] => ({
  id: t.eventId, device_id: t.deviceId, container: t.container, time: t.time, kind: t.kind, event_code: t.eventCode ?? null, body: canonicalJson(t), recorded_at: recordedAt, ledger_idx: null,
});

const toStored = (r: { body: string; ledger_idx: number | null }): StoredReading => ({ reading: JSON.parse(r.body) as TelemetryReading, ledgerIndex: r.ledger_idx === null ? null : Number(r.ledger_idx) });

/** Container telemetry: added once under the reading's event id, found by container. */
export function telemetryRepo(db: Kysely<Schema>) {
  return {
    add(readings: readonly TelemetryReading[], recordedAt: string): Promise<AddOutcome[]> {
      return addKeyed(db, 'telemetry_readings', readings.map((t) => toRow(t, recordedAt)));
    },
    setLedgerIndices(pairs: readonly { id: string; index: number }[]): Promise<void> {
      return setLedgerIndices(db, 'telemetry_readings', pairs);
    },
    async get(id: string): Promise<StoredReading | undefined> {
      const r = await db.selectFrom('telemetry_readings').select(['body', 'ledger_idx']).where('id', '=', id).executeTakeFirst();
      return r === undefined ? undefined : toStored(r);
    },
    /** The readings of these containers, optionally within [from, to), in time order (then id). */
    async byContainers(containers: readonly string[], window: { readonly from?: string; readonly to?: string } = {}): Promise<StoredReading[]> {
      const unique = [...new Set(containers)];
      const rows: { id: string; time: string; body: string; ledger_idx: number | null }[] = [];
      for (let i = 0; i < unique.length; i += CHUNK) {
        let q = db.selectFrom('telemetry_readings').select(['id', 'time', 'body', 'ledger_idx']).where('container', 'in', unique.slice(i, i + CHUNK));
        if (window.from !== undefined) q = q.where('time', '>=', window.from);
        if (window.to !== undefined) q = q.where('time', '<', window.to);
        rows.push(...(await q.execute()));
      }
      return rows.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(toStored);
    },
    byContainer(container: string): Promise<StoredReading[]> {
      return this.byContainers([container]);
    },
    async count(): Promise<number> {
      const r = await db.selectFrom('telemetry_readings').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
      return Number(r?.n ?? 0);
    },
  };
}
export type TelemetryRepo = ReturnType<typeof telemetryRepo>;
