import type { Kysely } from 'kysely';
import type { Schema } from './schema.ts';

/** Rows per upsert statement. */
const CHUNK = 500;

function upsert(db: Kysely<Schema>, rows: readonly Schema['selector_state'][]) {
  return db
    .insertInto('selector_state')
    .values(rows)
    .onConflict((oc) => oc.column('office').doUpdateSet((eb) => ({ state: eb.ref('excluded.state'), updated_at: eb.ref('excluded.updated_at') })))
    .execute();
}

/**
 * Long lists of numbers (a selector's sample of 2,048 scores) are kept as the base64 of their
 * float64 bytes, `{"$f64": "…"}`: writing them as decimal text cost ~0.3 ms per office for every
 * batch of decisions, and the bytes keep each score exactly. States written as plain JSON read as before.
 */
const PACK_FROM = 64;
const packNumbers = (_key: string, v: unknown): unknown =>
  Array.isArray(v) && v.length >= PACK_FROM && v.every((x) => typeof x === 'number') ? { $f64: Buffer.from(Float64Array.from(v as number[]).buffer).toString('base64') } : v;
const unpackNumbers = (_key: string, v: unknown): unknown => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const packed = (v as { $f64?: unknown }).$f64;
  if (typeof packed !== 'string' || Object.keys(v).length !== 1) return v;
  // Copied out of Buffer's pool, whose slices need not be aligned for float64.
  const bytes = Uint8Array.from(Buffer.from(packed, 'base64'));
  return Array.from(new Float64Array(bytes.buffer, 0, Math.floor(bytes.length / 8)));
};

const row = (office: string, state: unknown, at: string): Schema['selector_state'] => ({ office, state: JSON.stringify(state, packNumbers) ?? 'null', updated_at: at });

/** Saves the states of several offices within a transaction the caller holds; of an office given twice, the last. */
export async function putStates(trx: Kysely<Schema>, states: readonly { readonly office: string; readonly state: unknown }[], at: string): Promise<void> {
  const rows = [...new Map(states.map((s) => [s.office, row(s.office, s.state, at)])).values()];
  for (let i = 0; i < rows.length; i += CHUNK) await upsert(trx, rows.slice(i, i + CHUNK));
}

/**
 * The running state of each office's selector (its thresholds and what they were learnt from),
 * saved as JSON so that a restart carries on where it stopped. What is in it is the app layer's.
 */
export function selectorStateRepo(db: Kysely<Schema>) {
  return {
    /** The state saved for an office, parsed, or undefined when there is none. */
    async get(office: string): Promise<unknown> {
      const r = await db.selectFrom('selector_state').select('state').where('office', '=', office).executeTakeFirst();
      return r === undefined ? undefined : (JSON.parse(r.state, unpackNumbers) as unknown);
    },
    /** Saves an office's state, replacing the one before. */
    async put(office: string, state: unknown, at: string): Promise<void> {
      await upsert(db, [row(office, state, at)]);
    },
    /** Saves the states of several offices together, in one transaction; of an office given twice, the last. */
    async putMany(states: readonly { readonly office: string; readonly state: unknown }[], at: string): Promise<void> {
      if (states.length === 0) return;
      await db.transaction().execute((trx) => putStates(trx, states, at));
    },
  };
}
export type SelectorStateRepo = ReturnType<typeof selectorStateRepo>;
