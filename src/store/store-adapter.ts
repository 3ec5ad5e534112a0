import type { Kysely } from 'kysely';
import type { DeclarationSink, SinkOptions } from './declaration-sink.ts';
import type { FieldCodec } from './field-codec.ts';
import type { IotInbox } from './iot-inbox-repo.ts';
import type { TelemetryRows } from './iot-repo.ts';
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
  /** How the sensitive columns are sealed and opened (field-codec.ts); plaintext when the store was opened without one. */
  readonly codec: FieldCodec;
  /** How many rows a bulk write should carry to be efficient on this database. */
  readonly batchRows: number;
  /** How many bulk writes intake keeps started at once, so that the database is never left waiting. */
  readonly writesInFlight: number;
  openDeclarationSink(opts: SinkOptions): Promise<DeclarationSink>;
  /** The ledger's hot paths: its batch append, proofs' node reads, verification's scan (ledger-rows.ts). */
  readonly ledgerRows: LedgerRows;
  /** Telemetry's hot writes, where this database has a faster way than Kysely's (iot-repo.ts); absent elsewhere. */
  readonly telemetryRows?: TelemetryRows;
  /**
   * A token that changes whenever anything is committed to the database, by this process or any
   * other; absent where the database offers no cheap one (PostgreSQL). Lets a reader keep what it
   * computed from the store for as long as nothing changed.
   */
  readonly changeVersion?: () => string;
  /**
   * Runs `fn` while no other process runs one of the same name on this database (PostgreSQL: a
   * session advisory lock; SQLite, which one process serves: at once). For work that several
   * instances starting together must do once, such as loading the demo data into a new database.
   */
  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /**
   * Signals to the other processes on this database (PostgreSQL: LISTEN/NOTIFY), such as "the rules
   * in force changed, load them again". Absent on SQLite, which one process serves.
   */
  readonly signals?: Signals;
  /** The telemetry inbox (iot-inbox-repo.ts), opened on first use and closed with the store. */
  iotInbox(): IotInbox;
  close(): Promise<void>;
}

/**
 * Signals between processes: a topic and a short payload (under 8,000 bytes); one can be missed (a
 * connection lost), after which every subscriber is called with an empty payload.
 */
export interface Signals {
  /** Tells every process subscribed to `topic`, this one included. */
  publish(topic: string, payload?: string): Promise<void>;
  /** Calls `fn` on each signal of `topic`; returns the way to stop. */
  subscribe(topic: string, fn: (payload: string) => void): Promise<() => void>;
}
