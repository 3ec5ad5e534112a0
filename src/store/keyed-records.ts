import type { Kysely } from 'kysely';
import type { Schema } from './schema.ts';

/**
 * Adding records that carry their own ids (carrier events, telemetry readings) so that sending them
 * again is harmless: a record under a new id is added; the same record under a known id is a
 * duplicate; another record under a known id is a conflict (the first one is kept). Each table has
 * `id`, `body` (the record's canonical JSON) and `ledger_idx`.
 */
export type KeyedTable = 'transport_events' | 'telemetry_readings';

export type AddStatus = 'added' | 'duplicate' | 'conflict';

/** What became of one record given, in the order given; `ledgerIndex` as stored (null when not yet in the ledger). */
export interface AddOutcome {
  readonly id: string;
  readonly status: AddStatus;
  readonly ledgerIndex: number | null;
}

/** Rows per statement: the widest table has 12 columns, well under SQLite's 32,766 bound variables. */
const CHUNK = 500;

export async function addKeyed<R extends { id: string; body: string }>(db: Kysely<Schema>, table: KeyedTable, rows: readonly R[]): Promise<AddOutcome[]> {
  // The first of several rows with one id in the batch is the one offered; the others are judged against it.
  const first = new Map<string, R>();
  for (const r of rows) if (!first.has(r.id)) first.set(r.id, r);
  const offered = [...first.values()];
  const added = new Set<string>();
  for (let i = 0; i < offered.length; i += CHUNK) {
    const inserted = await db
      .insertInto(table)
      .values(offered.slice(i, i + CHUNK) as never)
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .execute();
    for (const r of inserted) added.add(r.id);
  }
  const known = new Map<string, { body: string; ledger_idx: number | null }>();
  const others = offered.filter((r) => !added.has(r.id)).map((r) => r.id);
  for (let i = 0; i < others.length; i += CHUNK) {
    const found = await db.selectFrom(table).select(['id', 'body', 'ledger_idx']).where('id', 'in', others.slice(i, i + CHUNK)).execute();
    for (const f of found) known.set(f.id, { body: f.body, ledger_idx: f.ledger_idx === null ? null : Number(f.ledger_idx) });
  }
  const claimed = new Set<string>();
  return rows.map((r) => {
    const mine = added.has(r.id) && !claimed.has(r.id) && first.get(r.id) === r;
    if (mine) {
      claimed.add(r.id);
      return { id: r.id, status: 'added', ledgerIndex: null };
    }
    const body = added.has(r.id) ? first.get(r.id)!.body : known.get(r.id)?.body;
    const ledgerIndex = added.has(r.id) ? null : (known.get(r.id)?.ledger_idx ?? null);
    return { id: r.id, status: body === r.body ? 'duplicate' : 'conflict', ledgerIndex };
  });
}

/** Notes the ledger entry that records each row. */
export async function setLedgerIndices(db: Kysely<Schema>, table: KeyedTable, pairs: readonly { id: string; index: number }[]): Promise<void> {
  if (pairs.length === 0) return;
  await db.transaction().execute(async (trx) => {
    for (const p of pairs) await trx.updateTable(table).set({ ledger_idx: p.index }).where('id', '=', p.id).execute();
  });
}
