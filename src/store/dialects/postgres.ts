import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { contentHash, toDeclarationRow, toItemRow, type DeclarationRecord } from '../declaration-rows.ts';
import { settle, sinkRegistry, type DeclarationSink, type SinkOptions } from '../declaration-sink.ts';
import { PortcullisError } from '../../domain/errors.ts';
import type { DeclarationTable, GoodsItemTable, Schema } from '../schema.ts';
import type { StoreAdapter } from '../store-adapter.ts';

/**
 * PostgreSQL through node-postgres. Bulk writes send each column of a batch as one array parameter
 * and insert with `unnest`, one statement per table per batch: no per-row round trips.
 */
export function postgresAdapter(url: string, opts: { schema?: string } = {}): StoreAdapter {
  const schema = opts.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new PortcullisError('CONFIG_ERROR', `PostgreSQL schema "${schema}" is not a plain lower-case identifier`);
  }
  const pool = new pg.Pool({ connectionString: url, max: 8, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  const sinks = sinkRegistry();
  const safe = new URL(url);
  safe.password = '';
  return {
    dialect: 'postgres',
    db,
    description: `PostgreSQL ${safe.host}${safe.pathname}`,
    schema,
    openDeclarationSink: async (o) => sinks.track(await postgresSink(db, o)),
    close: async () => {
      await sinks.closeAll();
      await db.destroy();
    },
  };
}

type Col<T> = readonly [keyof T & string, string];
const DECL: Col<DeclarationTable>[] = [
  ['id', 'text'], ['filed_at', 'text'], ['customs_office', 'text'], ['declarant', 'text'], ['importer', 'text'],
  ['seller', 'text'], ['courier', 'text'], ['export_country', 'text'], ['mode_of_transport', 'text'],
  ['transport_document', 'text'], ['containers', 'text'], ['port_of_loading', 'text'], ['port_of_discharge', 'text'],
  ['attributes', 'text'], ['item_count', 'int4'], ['total_value', 'float8'], ['label_illicit', 'int4'],
  ['label_critical', 'int4'], ['label_revenue', 'float8'], ['content_hash', 'text'], ['source', 'text'], ['ingested_at', 'text'],
];
const ITEM: Col<GoodsItemTable>[] = [
  ['declaration_id', 'text'], ['sequence', 'int4'], ['hs_code', 'text'], ['description', 'text'], ['origin_country', 'text'],
  ['quantity', 'float8'], ['quantity_unit', 'text'], ['net_mass_kg', 'float8'], ['customs_value', 'float8'],
  ['currency', 'text'], ['tax_rate', 'float8'], ['duty', 'float8'],
];

/** INSERT INTO table (cols) SELECT * FROM unnest($1::type[], ...) — one array per column. */
function unnestInsert<T>(table: string, cols: readonly Col<T>[], rows: readonly T[], tail: string) {
  const arrays = cols.map(([c, type]) => sql`${rows.map((r) => r[c as keyof T])}::${sql.raw(type)}[]`);
  return sql`INSERT INTO ${sql.table(table)} (${sql.join(cols.map(([c]) => sql.ref(c)))})
    SELECT * FROM unnest(${sql.join(arrays)}) ${sql.raw(tail)}`;
}

async function writeBatch(trx: Transaction<Schema> | Kysely<Schema>, batch: readonly DeclarationRecord[]) {
  const hashes = batch.map((r) => contentHash(r.declaration));
  const rows = batch.map((r, i) => toDeclarationRow(r, hashes[i]!));
  const res = await unnestInsert('declarations', DECL, rows, 'ON CONFLICT (id) DO NOTHING RETURNING id').execute(trx);
  const insertedIds = new Set((res.rows as { id: string }[]).map((r) => r.id));
  // Within one batch the first of two equal ids is the one inserted.
  const inserted = new Set<number>();
  const seen = new Set<string>();
  batch.forEach((r, i) => {
    const id = r.declaration.id;
    if (insertedIds.has(id) && !seen.has(id)) inserted.add(i);
    seen.add(id);
  });
  const items = batch.flatMap((r, i) => (inserted.has(i) ? r.declaration.items.map((it) => toItemRow(r.declaration.id, it)) : []));
  if (items.length > 0) await unnestInsert('goods_items', ITEM, items, '').execute(trx);
  const missing = batch.filter((_, i) => !inserted.has(i)).map((r) => r.declaration.id);
  const stored = new Map<string, string>();
  if (missing.length > 0) {
    const found = await trx.selectFrom('declarations').select(['id', 'content_hash']).where('id', 'in', [...new Set(missing)]).execute();
    for (const f of found) stored.set(f.id, f.content_hash);
  }
  return settle(batch, hashes, inserted, stored);
}

async function postgresSink(db: Kysely<Schema>, opts: SinkOptions): Promise<DeclarationSink> {
  if (!opts.atomic) {
    // Writes are applied in the order they were started, each in its own transaction.
    let tail: Promise<unknown> = Promise.resolve();
    return {
      write: (batch) => {
        const result = tail.then(() => db.transaction().execute((trx) => writeBatch(trx, batch)));
        tail = result.catch(() => {});
        return result;
      },
      commit: async () => {},
      rollback: async () => {},
    };
  }
  const trx = await db.startTransaction().execute();
  let open = true;
  return {
    write: (batch) => writeBatch(trx, batch),
    commit: async () => {
      if (open) await trx.commit().execute();
      open = false;
    },
    rollback: async () => {
      if (open) await trx.rollback().execute();
      open = false;
    },
  };
}
