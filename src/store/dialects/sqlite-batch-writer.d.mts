import type Database from 'better-sqlite3';

export interface BatchSql {
  readonly insertDeclaration: string;
  readonly insertItem: string;
  readonly storedDeclaration: string;
  readonly storedItems: string;
}

export interface RawBatch {
  readonly declarations: readonly (readonly unknown[])[];
  readonly items: readonly (readonly (readonly unknown[])[])[];
}

/** For each declaration: true when inserted, else what is stored under its id (undefined if nothing). */
export type RawOutcome = (true | { row: unknown; items: unknown[] } | undefined)[];

export function prepareBatchWriter(db: Database.Database, sql: BatchSql, idColumn: number): (batch: RawBatch) => RawOutcome;
/** Several batches in one transaction; an outcome per batch. */
export function prepareGroupWriter(db: Database.Database, sql: BatchSql, idColumn: number): (batches: RawBatch[]) => RawOutcome[];
export function applyPragmas(db: Database.Database, pragmas: readonly string[]): void;
