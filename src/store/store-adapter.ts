import type { Kysely } from 'kysely';
import type { DeclarationSink, SinkOptions } from './declaration-sink.ts';
import type { LedgerRows } from './ledger-rows.ts';
import type { Schema } from './schema.ts';

/**
 * What differs between the databases, kept to the few capabilities that must differ. Everything
 * else is written once against Kysely.
 */
export interface StoreAdapter {
  readonly dialect: 'sqlite' | 'postgres';
  readonly db: Kysely<Schema>;
  /** Where the data lives, without secrets (no password in it). */
  readonly description: string;
  /** PostgreSQL only: the schema that holds the tables, when not the default one. */
  readonly schema?: string | undefined;
  /** How many rows a bulk write should carry to be efficient on this database. */
  readonly batchRows: number;
  /** How many bulk writes intake keeps started at once, so that the database is never left waiting. */
  readonly writesInFlight: number;
  openDeclarationSink(opts: SinkOptions): Promise<DeclarationSink>;
  /**
   * A transaction that holds the write lock from its start and is on disk when it returns (the
   * ledger's appends: acknowledged means durable). SQLite: synchronous=FULL for its commit, and
   * BEGIN IMMEDIATE, so that it never fails to upgrade a read snapshot that another connection's
   * commit (the intake writer thread's) made stale. PostgreSQL: an ordinary transaction, whose
   * commit waits for the WAL flush (synchronous_commit on).
   */
  durableTransaction<T>(work: (trx: Kysely<Schema>) => Promise<T>): Promise<T>;
  /** The ledger's hot paths: its batch append, proofs' node reads, verification's scan (ledger-rows.ts). */
  readonly ledgerRows: LedgerRows;
  close(): Promise<void>;
}
