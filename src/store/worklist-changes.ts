import { sql, type Kysely } from 'kysely';
import type { Schema } from './schema.ts';

/**
 * A token that changes when the worklist may have: a decision made or overridden (its time), an
 * alert raised or acknowledged, a claim taken or released, an inspection recorded. Each term is an
 * index look-up or a count over a small table, so a server can ask every second for all its
 * watchers at once. Where the store has a cheaper token of its own (SQLite's commit counter), the
 * caller uses that instead.
 */
export async function worklistChangeToken(db: Kysely<Schema>): Promise<string> {
  const r = await sql<{ t: string | null }>`SELECT
      coalesce((SELECT max(decided_at) FROM decisions), '') || '|' ||
      CAST((SELECT count(*) FROM alerts) AS TEXT) || '|' ||
      CAST((SELECT count(*) FROM alerts WHERE status = 'open') AS TEXT) || '|' ||
      CAST((SELECT count(*) FROM worklist_claims) AS TEXT) || '|' ||
      coalesce((SELECT max(claimed_at) FROM worklist_claims), '') || '|' ||
      CAST((SELECT count(*) FROM inspections) AS TEXT) AS t`.execute(db);
  return r.rows[0]?.t ?? '';
}
