import { sql, type Kysely } from 'kysely';
import { SEALED_COLUMNS, SEALED_PREFIX_TEXT } from './field-codec.ts';
import type { Schema } from './schema.ts';

/** A user as the security audit looks at it: roles, when last seen, when the password was last set. */
export interface AuditedUser {
  readonly id: string;
  readonly roles: readonly string[];
  readonly disabled: boolean;
  readonly createdAt: string;
  readonly lastSeenAt: string | null;
  readonly passwordChangedAt: string | null;
}

/** What the security audit reads: accounts, privileged ledger entries, values not sealed (or not under the current key). */
export function auditRepo(db: Kysely<Schema>) {
  return {
    async users(): Promise<AuditedUser[]> {
      const rows = await db
        .selectFrom('users')
        .leftJoin('user_credentials', 'user_credentials.user_id', 'users.id')
        .select(['users.id', 'users.roles', 'users.disabled', 'users.created_at', 'users.last_seen_at', 'user_credentials.changed_at'])
        .orderBy('users.id')
        .execute();
      return rows.map((r) => ({ id: r.id, roles: JSON.parse(r.roles) as string[], disabled: r.disabled === 1, createdAt: r.created_at, lastSeenAt: r.last_seen_at, passwordChangedAt: r.changed_at ?? null }));
    },

    /** Ledger entries of a type from `since` on (entry time), oldest first, at most `limit`. */
    async entriesOfType(type: string, since: string, limit: number): Promise<{ index: number; time: string; subject: string | null }[]> {
      const rows = await db.selectFrom('ledger_entries').select(['idx', 'time', 'subject']).where('type', '=', type).where('time', '>=', since).orderBy('idx').limit(limit).execute();
      return rows.map((r) => ({ index: Number(r.idx), time: r.time, subject: r.subject }));
    },

    /**
     * Per sealed column, how many values are not sealed at all, and how many are sealed under
     * another key than `currentKid`: counted by the database (a prefix compare), not read out.
     */
    async sealing(currentKid: string): Promise<{ table: string; column: string; plaintext: number; otherKey: number }[]> {
      const current = `${SEALED_PREFIX_TEXT}${currentKid}:`;
      const out = [];
      for (const c of SEALED_COLUMNS) {
        const col = sql.ref(c.column);
        const r = await sql<{ plaintext: number | string; other: number | string }>`SELECT
            sum(CASE WHEN substr(${col}, 1, ${SEALED_PREFIX_TEXT.length}) <> ${SEALED_PREFIX_TEXT} THEN 1 ELSE 0 END) AS plaintext,
            sum(CASE WHEN substr(${col}, 1, ${SEALED_PREFIX_TEXT.length}) = ${SEALED_PREFIX_TEXT} AND substr(${col}, 1, ${current.length}) <> ${current} THEN 1 ELSE 0 END) AS other
          FROM ${sql.table(c.table)} WHERE ${col} IS NOT NULL`.execute(db);
        out.push({ table: c.table, column: c.column, plaintext: Number(r.rows[0]?.plaintext ?? 0), otherKey: Number(r.rows[0]?.other ?? 0) });
      }
      return out;
    },
  };
}
export type AuditRepo = ReturnType<typeof auditRepo>;
