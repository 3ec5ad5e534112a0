import type Database from 'better-sqlite3';

/**
 * The SQL of SQLite bulk writes, with positional parameters (the fastest way to bind with
 * better-sqlite3), and the batch writer that runs them. Used on the writer thread, or in-thread for
 * an in-memory database.
 */
export const DECL_COLS = [
  'id', 'filed_at', 'customs_office', 'declarant', 'importer', 'seller', 'courier', 'export_country',
  'mode_of_transport', 'transport_document', 'containers', 'port_of_loading', 'port_of_discharge',
  'attributes', 'item_count', 'total_value', 'label_illicit', 'label_critical', 'label_revenue',
  'content_hash', 'source', 'ingested_at',
] as const;
export const ITEM_COLS = [
  'declaration_id', 'sequence', 'hs_code', 'description', 'origin_country', 'quantity', 'quantity_unit',
  'net_mass_kg', 'customs_value', 'currency', 'tax_rate', 'duty',
] as const;

export type Values = readonly unknown[];

/** One batch, flattened: declaration rows, and for each one its goods item rows. */
export interface FlatBatch {
  readonly declarations: Values[];
  readonly items: Values[][];
}

/** For each declaration of the batch: inserted, or the content hash already stored under its id. */
export type FlatOutcome = (true | string)[];

const ID = DECL_COLS.indexOf('id');

export function prepareBatchWriter(db: Database.Database): (batch: FlatBatch) => FlatOutcome {
  const insertDecl = db.prepare(`INSERT INTO declarations (${DECL_COLS.join(', ')}) VALUES (${DECL_COLS.map(() => '?').join(', ')}) ON CONFLICT(id) DO NOTHING`);
  const insertItem = db.prepare(`INSERT INTO goods_items (${ITEM_COLS.join(', ')}) VALUES (${ITEM_COLS.map(() => '?').join(', ')})`);
  const storedHash = db.prepare('SELECT content_hash FROM declarations WHERE id = ?').pluck();
  return (batch) =>
    batch.declarations.map((row, i) => {
      if (insertDecl.run(row).changes === 1) {
        for (const it of batch.items[i]!) insertItem.run(it);
        return true;
      }
      return storedHash.get(row[ID]) as string;
    });
}

export function tunePragmas(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 10000');
  db.pragma('cache_size = -16384');
}
