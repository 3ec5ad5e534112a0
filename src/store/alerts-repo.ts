import type { Kysely } from 'kysely';
import type { Alert, AlertKind } from '../domain/alert.ts';
import { fieldCodecOf, type FieldCodec } from './field-codec.ts';
import type { Schema } from './schema.ts';

export interface AlertFilter {
  readonly status?: Alert['status'];
  readonly kind?: AlertKind;
  /** Keyset paging: the last alert of the previous page (the list is newest first). */
  readonly before?: { readonly raisedAt: string; readonly id: string };
  readonly limit?: number;
}

const toAlertWith = (codec: FieldCodec) => (r: Schema['alerts']): Alert => ({
  id: r.id,
  kind: r.kind as AlertKind,
  subject: r.subject,
  severity: r.severity as Alert['severity'],
  message: r.message,
  detail: JSON.parse(r.detail) as Record<string, unknown>,
  raisedAt: r.raised_at,
  status: r.status as Alert['status'],
  ...(r.acknowledged_by === null ? {} : { acknowledgedBy: r.acknowledged_by }),
  ...(r.acknowledged_at === null ? {} : { acknowledgedAt: r.acknowledged_at }),
  ...(r.acknowledge_reason === null ? {} : { acknowledgeReason: codec.open('alerts', 'acknowledge_reason', r.id, r.acknowledge_reason) }),
});

/** Alerts that need a person: raised once under their id, acknowledged once, never deleted. */
export function alertsRepo(db: Kysely<Schema>) {
  const codec = fieldCodecOf(db);
  const toAlert = toAlertWith(codec);
  const reasonOf = (id: string, reason: string | undefined): string | null => (reason === undefined ? null : codec.seal('alerts', 'acknowledge_reason', id, reason));
  return {
    /**
     * Raises an alert: true when it is new, false when an alert with its id was raised already (that
     * one is kept as it is, so that a monitor may raise the same alert again without doubling it).
     */
    async raise(a: Alert): Promise<boolean> {
      const r = await db
        .insertInto('alerts')
        .values({
          id: a.id, kind: a.kind, subject: a.subject, severity: a.severity, message: a.message, detail: JSON.stringify(a.detail), raised_at: a.raisedAt,
          status: a.status, acknowledged_by: a.acknowledgedBy ?? null, acknowledged_at: a.acknowledgedAt ?? null, acknowledge_reason: reasonOf(a.id, a.acknowledgeReason),
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async get(id: string): Promise<Alert | undefined> {
      const r = await db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toAlert(r) : undefined;
    },
    /** Alerts newest first (then by id, descending), filtered, one page at a time. */
    /** Open alerts of a kind about the given subjects. */
    async openAbout(kind: AlertKind, subjects: readonly string[]): Promise<Alert[]> {
      const out: Alert[] = [];
      for (let i = 0; i < subjects.length; i += 1000) {
        const rows = await db.selectFrom('alerts').selectAll().where('kind', '=', kind).where('status', '=', 'open').where('subject', 'in', subjects.slice(i, i + 1000)).execute();
        out.push(...rows.map(toAlert));
      }
      return out;
    },

    async list(f: AlertFilter = {}): Promise<Alert[]> {
      let q = db.selectFrom('alerts').selectAll();
      if (f.status !== undefined) q = q.where('status', '=', f.status);
      if (f.kind !== undefined) q = q.where('kind', '=', f.kind);
      if (f.before !== undefined) {
        const b = f.before;
        q = q.where((eb) => eb(eb.refTuple('raised_at', 'id'), '<', eb.tuple(b.raisedAt, b.id)));
      }
      const rows = await q.orderBy('raised_at', 'desc').orderBy('id', 'desc').limit(Math.min(f.limit ?? 100, 10_000)).execute();
      return rows.map(toAlert);
    },
    /** Acknowledges an open alert: true when it was open, false when it was not (or does not exist). */
    async acknowledge(id: string, by: string, at: string, reason: string): Promise<boolean> {
      const r = await db
        .updateTable('alerts')
        .set({ status: 'acknowledged', acknowledged_by: by, acknowledged_at: at, acknowledge_reason: reasonOf(id, reason) })
        .where('id', '=', id)
        .where('status', '=', 'open')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}
export type AlertsRepo = ReturnType<typeof alertsRepo>;
