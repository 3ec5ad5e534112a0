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

const row = (office: string, state: unknown, at: string): Schema['selector_state'] => ({ office, state: JSON.stringify(state) ?? 'null', updated_at: at });

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
      return r === undefined ? undefined : (JSON.parse(r.state) as unknown);
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
