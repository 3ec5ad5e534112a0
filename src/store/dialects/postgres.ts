import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PortcullisError } from '../../domain/errors.ts';
import { DECLARATION_COLUMNS as DECL_COLS, declarationValues, ITEM_COLUMNS as ITEM_COLS, itemValues, type DeclarationRecord, type StoredRows } from '../declaration-rows.ts';
import { settle, sinkRegistry, type DeclarationSink, type SinkOptions } from '../declaration-sink.ts';
import { PLAIN_CODEC, setFieldCodec, type FieldCodec } from '../field-codec.ts';
import { tableInbox, type IotInbox } from '../iot-inbox-repo.ts';
import type { DeclarationTable, GoodsItemTable, Schema } from '../schema.ts';
import type { StoreAdapter } from '../store-adapter.ts';
import { pgSignals } from './pg-signals.ts';
import { pgLedgerRows } from './pg-ledger.ts';
import { copyRows } from './pg-copy.ts';

/**
 * PostgreSQL through node-postgres. Bulk writes COPY a batch straight into the declarations table,
 * inside a savepoint; when an id of the batch is stored already (the COPY fails on the key), they
 * fall back to COPY into a temporary staging table and insert from it what is new (ON CONFLICT DO
 * NOTHING RETURNING id). Either way the goods items of the new declarations are then copied into
 * their table: a few statements per batch, whatever its size.
 */
export function postgresAdapter(url: string, opts: { schema?: string | undefined; codec?: FieldCodec } = {}): StoreAdapter {
  const schema = opts.schema;
  const codec = opts.codec ?? PLAIN_CODEC;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new PortcullisError('CONFIG_ERROR', `PostgreSQL schema "${schema}" is not a plain lower-case identifier`);
  }
  let safe: URL;
  try {
    safe = new URL(url);
  } catch {
    throw new PortcullisError('CONFIG_ERROR', 'DATABASE_URL is not a URL; expected e.g. postgres://user@host:5432/database');
  }
  safe.password = '';
  const pool = new pg.Pool({ connectionString: url, max: 8, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  setFieldCodec(db, codec);
  const sinks = sinkRegistry();
  let inbox: IotInbox | undefined;
  const signals = pgSignals(pool, { url, schema });
  return {
    signals,
    dialect: 'postgres',
    db,
    codec,
    description: `PostgreSQL ${safe.host}${safe.pathname}`,
    schema,
    batchRows: 4096,
    writesInFlight: 2,
    ledgerRows: pgLedgerRows(pool, { url, schema }, signals),
    openDeclarationSink: async (o) => sinks.track(await postgresSink(pool, o, codec)),
    iotInbox: () => (inbox ??= tableInbox(db)),
    exclusive: async (name, fn) => {
      const client = await pool.connect();
      const key = `portcullis.${name}:${schema ?? ''}`;
      try {
        await client.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
        try {
          return await fn();
        } finally {
          await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
        }
      } finally {
        client.release();
      }
    },
    close: async () => {
      await signals.close();
      await sinks.closeAll();
      await db.destroy();
    },
  };
}

/** Whether the last batch of a sink was all new: then the next one is tried the direct way first. */
interface SinkState {
  direct: boolean;
}

const UNIQUE_VIOLATION = '23505';

async function writeBatch(client: pg.PoolClient, batch: readonly DeclarationRecord[], state: SinkState, codec: FieldCodec) {
  // Only the first of equal ids in the batch is offered for insert; the next ones then meet it
  // as stored, as they would in a row-by-row insert.
  const firsts: number[] = [];
  const seen = new Set<string>();
  batch.forEach((r, i) => {
    if (!seen.has(r.declaration.id)) firsts.push(i);
    seen.add(r.declaration.id);
  });
  const values = firsts.map((i) => declarationValues(batch[i]!));
  if (state.direct && firsts.length === batch.length) {
    // New declarations, as in most intake: straight into the table, half the work of staging.
    await client.query('SAVEPOINT direct');
    try {
      await copyRows(client, 'declarations', DECL_COLS, values);
      await client.query('RELEASE SAVEPOINT direct');
      await copyRows(client, 'goods_items', ITEM_COLS, batch.flatMap((r) => itemValues(r.declaration, codec)));
      return batch.map(() => 'inserted' as const);
    } catch (e) {
      if ((e as { code?: string }).code !== UNIQUE_VIOLATION) throw e;
      await client.query('ROLLBACK TO SAVEPOINT direct');
    }
  }
  // The staging table lives as long as the connection and empties at every commit.
  await client.query('CREATE TEMP TABLE IF NOT EXISTS staging_declarations (LIKE declarations) ON COMMIT DELETE ROWS');
  await client.query('TRUNCATE staging_declarations');
  await copyRows(client, 'staging_declarations', DECL_COLS, values);
  const res = await client.query<{ id: string }>(
    `INSERT INTO declarations (${DECL_COLS.join(', ')}) SELECT ${DECL_COLS.join(', ')} FROM staging_declarations
     ON CONFLICT (id) DO NOTHING RETURNING id`,
  );
  const insertedIds = new Set(res.rows.map((r) => r.id));
  // A file that re-files what is stored goes the staging way until a batch is all new again.
  state.direct = insertedIds.size === batch.length;
  const inserted = new Set(firsts.filter((i) => insertedIds.has(batch[i]!.declaration.id)));
  const items = batch.flatMap((r, i) => (inserted.has(i) ? itemValues(r.declaration, codec) : []));
  await copyRows(client, 'goods_items', ITEM_COLS, items);
  // What is stored under the ids that were not inserted, read in the same transaction.
  const missing = [...new Set(batch.filter((_, i) => !inserted.has(i)).map((r) => r.declaration.id))];
  const stored = new Map<string, StoredRows>();
  if (missing.length > 0) {
    const found = await client.query<DeclarationTable>('SELECT * FROM declarations WHERE id = ANY($1)', [missing]);
    const its = await client.query<GoodsItemTable>('SELECT * FROM goods_items WHERE declaration_id = ANY($1)', [missing]);
    for (const row of found.rows) stored.set(row.id, { row, items: its.rows.filter((it) => it.declaration_id === row.id) });
  }
  return settle(batch, batch.map((r, i) => (inserted.has(i) ? true : stored.get(r.declaration.id))), codec);
}

async function inTransaction<T>(client: pg.PoolClient, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const r = await work();
    await client.query('COMMIT');
    return r;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  }
}

async function postgresSink(pool: pg.Pool, opts: SinkOptions, codec: FieldCodec): Promise<DeclarationSink> {
  const client = await pool.connect();
  const state: SinkState = { direct: true };
  let open = true;
  // Writes are applied in the order they were started, on one connection.
  let tail: Promise<unknown> = Promise.resolve();
  const queue = <T>(work: () => Promise<T>): Promise<T> => {
    const result = tail.then(work);
    tail = result.catch(() => {});
    return result;
  };
  const end = async (sql: string | null) => {
    if (!open) return;
    open = false;
    try {
      await tail;
      if (sql !== null) await client.query(sql);
    } finally {
      client.release();
    }
  };
  if (opts.atomic) {
    try {
      await client.query('BEGIN');
    } catch (e) {
      client.release();
      throw e;
    }
    return {
      // A batch is a savepoint: one that fails leaves nothing of itself behind.
      write: (batch) =>
        queue(async () => {
          await client.query('SAVEPOINT batch');
          try {
            const r = await writeBatch(client, batch, state, codec);
            await client.query('RELEASE SAVEPOINT batch');
            return r;
          } catch (e) {
            await client.query('ROLLBACK TO SAVEPOINT batch').catch(() => {});
            throw e;
          }
        }),
      commit: () => end('COMMIT'),
      rollback: () => end('ROLLBACK'),
    };
  }
  return {
    write: (batch) => queue(() => inTransaction(client, () => writeBatch(client, batch, state, codec))),
    commit: () => end(null),
    rollback: () => end(null),
  };
}
