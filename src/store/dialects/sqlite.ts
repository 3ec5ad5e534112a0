import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { contentHash, toDeclarationRow, toItemRow, type DeclarationRecord } from '../declaration-rows.ts';
import { settle, type DeclarationSink, type SinkOptions } from '../declaration-sink.ts';
import type { Schema } from '../schema.ts';
import type { StoreAdapter } from '../store-adapter.ts';

/**
 * SQLite through better-sqlite3, in WAL mode: the embedded default. Bulk writes use prepared
 * statements inside one transaction per batch, which is what makes intake fast.
 */
export function sqliteAdapter(file: string): StoreAdapter {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const raw = new Database(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  raw.pragma('cache_size = -65536');
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: raw }) });
  return {
    dialect: 'sqlite',
    db,
    description: `SQLite ${file}`,
    openDeclarationSink: (opts) => Promise.resolve(sqliteSink(raw, opts)),
    close: () => db.destroy(),
  };
}

const DECL_COLS = [
  'id', 'filed_at', 'customs_office', 'declarant', 'importer', 'seller', 'courier', 'export_country',
  'mode_of_transport', 'transport_document', 'containers', 'port_of_loading', 'port_of_discharge',
  'attributes', 'item_count', 'total_value', 'label_illicit', 'label_critical', 'label_revenue',
  'content_hash', 'source', 'ingested_at',
] as const;
const ITEM_COLS = [
  'declaration_id', 'sequence', 'hs_code', 'description', 'origin_country', 'quantity', 'quantity_unit',
  'net_mass_kg', 'customs_value', 'currency', 'tax_rate', 'duty',
] as const;

const insertSql = (table: string, cols: readonly string[], conflict: string) =>
  `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')}) ${conflict}`;

function sqliteSink(raw: Database.Database, opts: SinkOptions): DeclarationSink {
  const insertDecl = raw.prepare(insertSql('declarations', DECL_COLS, 'ON CONFLICT(id) DO NOTHING'));
  const insertItem = raw.prepare(insertSql('goods_items', ITEM_COLS, ''));
  const storedHash = raw.prepare('SELECT content_hash FROM declarations WHERE id = ?').pluck();

  const writeBatch = (batch: readonly DeclarationRecord[]) => {
    const hashes: string[] = [];
    const inserted = new Set<number>();
    const stored = new Map<string, string>();
    batch.forEach((r, i) => {
      const hash = contentHash(r.declaration);
      hashes.push(hash);
      if (insertDecl.run(toDeclarationRow(r, hash)).changes === 1) {
        inserted.add(i);
        for (const it of r.declaration.items) insertItem.run(toItemRow(r.declaration.id, it));
      } else {
        stored.set(r.declaration.id, storedHash.get(r.declaration.id) as string);
      }
    });
    return settle(batch, hashes, inserted, stored);
  };
  const inTransaction = raw.transaction(writeBatch);

  if (opts.atomic) raw.exec('BEGIN IMMEDIATE');
  let open = opts.atomic;
  return {
    write: async (batch) => (opts.atomic ? writeBatch(batch) : inTransaction(batch)),
    commit: async () => {
      if (open) raw.exec('COMMIT');
      open = false;
    },
    rollback: async () => {
      if (open) raw.exec('ROLLBACK');
      open = false;
    },
  };
}
