import { sql, type Kysely, type RawBuilder } from 'kysely';
import { SEALED_COLUMNS, rowIdOf, type FieldCodec, type SealedColumn } from './field-codec.ts';
import type { Schema } from './schema.ts';

/** A row's key values, in the order of its column's `key`. */
export type RowKey = readonly (string | number)[];

export interface ResealBatch {
  /** The key of the last row looked at; null when the column has no row after `after`. */
  readonly last: RowKey | null;
  readonly scanned: number;
  readonly resealed: number;
  /** Rows changed by someone else between the read and the update: left for the next run. */
  readonly skipped: number;
}

/** How many values of a column are stored under each key id ("plaintext" for values not sealed). */
export interface KeyCount {
  readonly table: string;
  readonly column: string;
  readonly byKey: Readonly<Record<string, number>>;
}

type Row = Record<string, string | number | null>;

/**
 * The sealed columns as a whole, for key rotation: read in key order one page at a time, and
 * re-sealed under the codec's current key in one transaction per page (a crash loses at most the
 * page in hand; a run from the start skips what is under the current key already).
 */
export function sealedColumnsRepo(db: Kysely<Schema>) {
  const keyAfter = (c: SealedColumn, after: RowKey | null): RawBuilder<unknown> => {
    if (after === null) return sql`1 = 1`;
    const [k1, k2] = c.key as readonly string[];
    if (k2 === undefined) return sql`${sql.ref(k1!)} > ${after[0]}`;
    return sql`(${sql.ref(k1!)} > ${after[0]} OR (${sql.ref(k1!)} = ${after[0]} AND ${sql.ref(k2)} > ${after[1]}))`;
  };
  const keyList = (c: SealedColumn) => sql.join(c.key.map((k) => sql.ref(k)));
  const page = async (q: Kysely<Schema>, c: SealedColumn, after: RowKey | null, limit: number): Promise<Row[]> => {
    const r = await sql<Row>`SELECT ${keyList(c)}, ${sql.ref(c.column)} AS v FROM ${sql.table(c.table)}
      WHERE ${sql.ref(c.column)} IS NOT NULL AND ${keyAfter(c, after)} ORDER BY ${keyList(c)} LIMIT ${limit}`.execute(q);
    return r.rows;
  };
  const keyOf = (c: SealedColumn, r: Row): RowKey => c.key.map((k) => (typeof r[k] === 'string' ? (r[k] as string) : Number(r[k])));

  return {
    columns: SEALED_COLUMNS,

    /** Re-seals, under the codec's current key, the values of the next `limit` rows after `after` that are not under it. */
    async resealBatch(c: SealedColumn, codec: FieldCodec, after: RowKey | null, limit: number): Promise<ResealBatch> {
      return db.transaction().execute(async (trx) => {
        const rows = await page(trx, c, after, limit);
        let resealed = 0;
        let skipped = 0;
        for (const r of rows) {
          const stored = r.v as string;
          if (!codec.needsRotation(stored)) continue;
          const key = keyOf(c, r);
          const rowId = rowIdOf(...key);
          const fresh = codec.seal(c.table, c.column, rowId, codec.open(c.table, c.column, rowId, stored));
          const where = sql.join(c.key.map((k, i) => sql`${sql.ref(k)} = ${key[i]}`), sql` AND `);
          const u = await sql`UPDATE ${sql.table(c.table)} SET ${sql.ref(c.column)} = ${fresh} WHERE ${where} AND ${sql.ref(c.column)} = ${stored}`.execute(trx);
          if (Number(u.numAffectedRows ?? 0) > 0) resealed++;
          else skipped++;
        }
        return { last: rows.length === 0 ? null : keyOf(c, rows[rows.length - 1]!), scanned: rows.length, resealed, skipped };
      });
    },

    /** Per sealed column, how many values are stored under each key id. */
    async keyCounts(codec: FieldCodec, pageRows = 5000): Promise<KeyCount[]> {
      const out: KeyCount[] = [];
      for (const c of SEALED_COLUMNS) {
        const byKey: Record<string, number> = {};
        let after: RowKey | null = null;
        for (;;) {
          const rows = await page(db, c, after, pageRows);
          if (rows.length === 0) break;
          for (const r of rows) {
            const kid = codec.keyIdOf(r.v as string) ?? 'plaintext';
            byKey[kid] = (byKey[kid] ?? 0) + 1;
          }
          after = keyOf(c, rows[rows.length - 1]!);
        }
        out.push({ table: c.table, column: c.column, byKey });
      }
      return out;
    },
  };
}
export type SealedColumnsRepo = ReturnType<typeof sealedColumnsRepo>;
