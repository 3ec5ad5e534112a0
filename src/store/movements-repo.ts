import type { Kysely } from 'kysely';
import { canonicalJson } from '../ledger/entry/canonical.ts';
import type { TransportEvent } from '../domain/transport-event.ts';
import { addKeyed, setLedgerIndices, type AddOutcome } from './keyed-records.ts';
import type { Schema } from './schema.ts';

/** A carrier's movement as stored, with the index of the ledger entry that records it. */
export interface StoredMovement {
  readonly event: TransportEvent;
  readonly ledgerIndex: number | null;
}

const CHUNK = 500;

const toRow = (e: TransportEvent, recordedAt: string): Schema['transport_events'] => ({
  id: e.eventId, carrier: e.carrier, event_type: e.eventType, event_code: e.eventCode, classifier: e.eventClassifier, event_time: e.eventDateTime,
  transport_document: e.transportDocument ?? null, container: e.container ?? null, location: e.location, body: canonicalJson(e), recorded_at: recordedAt, ledger_idx: null,
});

const toStored = (r: { body: string; ledger_idx: number | null }): StoredMovement => ({ event: JSON.parse(r.body) as TransportEvent, ledgerIndex: r.ledger_idx === null ? null : Number(r.ledger_idx) });

/** Carriers' movements: added once under their event id, found by container and by transport document. */
export function movementsRepo(db: Kysely<Schema>) {
  return {
    /** Adds normalised events; what became of each, in order (see keyed-records.ts). */
    add(events: readonly TransportEvent[], recordedAt: string): Promise<AddOutcome[]> {
      return addKeyed(db, 'transport_events', events.map((e) => toRow(e, recordedAt)));
    },
    setLedgerIndices(pairs: readonly { id: string; index: number }[]): Promise<void> {
      return setLedgerIndices(db, 'transport_events', pairs);
    },
    async get(id: string): Promise<StoredMovement | undefined> {
      const r = await db.selectFrom('transport_events').select(['body', 'ledger_idx']).where('id', '=', id).executeTakeFirst();
      return r === undefined ? undefined : toStored(r);
    },
    /** The events of these containers or transport documents, in time order (then id). */
    async about(q: { readonly containers?: readonly string[]; readonly documents?: readonly string[] }): Promise<StoredMovement[]> {
      const found = new Map<string, Schema['transport_events']>();
      for (const [column, values] of [['container', q.containers ?? []], ['transport_document', q.documents ?? []]] as const) {
        const unique = [...new Set(values)];
        for (let i = 0; i < unique.length; i += CHUNK) {
          const rows = await db.selectFrom('transport_events').selectAll().where(column, 'in', unique.slice(i, i + CHUNK)).execute();
          for (const r of rows) found.set(r.id, r);
        }
      }
      return [...found.values()].sort((a, b) => (a.event_time < b.event_time ? -1 : a.event_time > b.event_time ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(toStored);
    },
    byContainer(container: string): Promise<StoredMovement[]> {
      return this.about({ containers: [container] });
    },
    byDocument(document: string): Promise<StoredMovement[]> {
      return this.about({ documents: [document] });
    },
    /**
     * Movements newest first (by event time, then id), a carrier's own or everyone's, the page after
     * `after` (the last one of the page before).
     */
    async list(q: { readonly carrier?: string | undefined; readonly after?: { readonly time: string; readonly id: string } | undefined; readonly limit: number }): Promise<StoredMovement[]> {
      let s = db.selectFrom('transport_events').select(['body', 'ledger_idx']);
      if (q.carrier !== undefined) s = s.where('carrier', '=', q.carrier);
      const after = q.after;
      if (after !== undefined) s = s.where((eb) => eb.or([eb('event_time', '<', after.time), eb.and([eb('event_time', '=', after.time), eb('id', '<', after.id)])]));
      const rows = await s.orderBy('event_time', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
      return rows.map(toStored);
    },
    async count(): Promise<number> {
      const r = await db.selectFrom('transport_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
      return Number(r?.n ?? 0);
    },
  };
}
export type MovementsRepo = ReturnType<typeof movementsRepo>;
