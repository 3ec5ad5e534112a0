import type Database from 'better-sqlite3';
import { DECLARATION_COLUMNS as DECL_COLS, ITEM_COLUMNS as ITEM_COLS, type StoredRows } from '../declaration-rows.ts';
import { applyPragmas, prepareBatchWriter as prepareRawBatchWriter, type BatchSql } from './sqlite-batch-writer.mjs';

/**
 * The SQL of SQLite bulk writes, with positional parameters (the fastest way to bind with
 * better-sqlite3), and the batch writer that runs them. Used on the writer thread, or in-thread for
 * an in-memory database.
 */
export type Values = readonly unknown[];

/** One batch, flattened: declaration rows, and for each one its goods item rows. */
export interface FlatBatch {
  readonly declarations: Values[];
  readonly items: Values[][];
}

/** For each declaration of the batch: inserted, or what is already stored under its id. */
export type FlatOutcome = (true | StoredRows | undefined)[];

export const ID_COLUMN = DECL_COLS.indexOf('id');

export const BATCH_SQL: BatchSql = {
  insertDeclaration: `INSERT INTO declarations (${DECL_COLS.join(', ')}) VALUES (${DECL_COLS.map(() => '?').join(', ')}) ON CONFLICT(id) DO NOTHING`,
  insertItem: `INSERT INTO goods_items (${ITEM_COLS.join(', ')}) VALUES (${ITEM_COLS.map(() => '?').join(', ')})`,
  storedDeclaration: 'SELECT * FROM declarations WHERE id = ?',
  storedItems: 'SELECT * FROM goods_items WHERE declaration_id = ?',
};

/**
 * Every connection's settings. The page size counts only when the file is created (8 KiB pages
 * made intake about a fifth faster than the default 4 KiB: fewer pages per row and per commit).
 */
export const PRAGMAS = ['page_size = 8192', 'journal_mode = WAL', 'synchronous = NORMAL', 'foreign_keys = ON', 'busy_timeout = 10000', 'cache_size = -16384'];

/**
 * The writer thread's own: no checkpoint after every commit, because bulk writes would copy the
 * same pages back again and again (it makes writing a third slower). The WAL is folded back when a
 * sink ends, or once it passes about 256 MB (32768 pages of 8 KiB). Durability is the WAL's and
 * does not depend on it. No foreign key look-ups: the writer inserts goods items only right after
 * their declaration, in the same transaction, so they cannot be orphans.
 */
export const WRITER_PRAGMAS = ['wal_autocheckpoint = 32768', 'foreign_keys = OFF'];

/** Batch writing with the SQL above; the same code runs on the writer thread. */
export function prepareBatchWriter(db: Database.Database): (batch: FlatBatch) => FlatOutcome {
  const write = prepareRawBatchWriter(db, BATCH_SQL, ID_COLUMN);
  return (batch) => write(batch) as FlatOutcome;
}

/**
 * The main connection's reads (the ledger's proofs above all: a few dozen point reads each, at any
 * place of a tree of millions of nodes) go through a memory map of the file instead of copies into
 * the page cache, so that a read of a page the OS holds costs no system call.
 */
export const READER_PRAGMAS = ['mmap_size = 1073741824', 'cache_size = -65536'];

export function tunePragmas(db: Database.Database): void {
  applyPragmas(db, [...PRAGMAS, ...READER_PRAGMAS]);
}
