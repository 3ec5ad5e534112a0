import type { Entry } from '../ledger/entry/entry.ts';

/**
 * The ledger's hot paths, written per database (they are where it spends its time): the batch
 * append in one durable transaction, the point reads of tree nodes that proofs make, and the scan
 * that verification streams. Everything else of the ledger is written once, against Kysely, in
 * ledger-repo.ts.
 */
export interface NodeRow {
  readonly level: number;
  readonly index: number;
  readonly hash: Uint8Array;
}

/** What the sequencer integrates in one transaction. */
export interface IntegrateBatch {
  /** The index of the first entry: the size of the log before the batch. */
  readonly first: number;
  readonly entries: readonly { readonly entry: Entry; readonly subject: string | null; readonly salt: string; readonly payload: string }[];
  /** Every node the batch completes, leaves included. */
  readonly nodes: readonly NodeRow[];
}

/**
 * An entry as verification reads it: the entry's columns, then its salt and payload (null where
 * the row is missing or they were not asked for), as one array per entry.
 */
export type ScannedRow = [
  index: number, type: string, party: string, keyId: string, time: string, corrects: number | null, commitment: string, signature: string,
  salt: string | null, payload: string | null,
];

/**
 * The stored nodes of one level over an index range, as verification reads them: how many rows
 * have a 32-byte hash, and all their hashes end to end in index order (one buffer, not a row and a
 * buffer per node). Only when `count` is the whole range and the buffer 32·count bytes long is hash
 * i at 32·i.
 */
export interface PackedLevel {
  readonly count: number;
  readonly hashes: Uint8Array;
}

export interface LedgerRows {
  /**
   * Entries, payloads and nodes of one batch in one transaction, committed when it returns;
   * `durable` says when it is on disk (SQLite: the write-ahead log fsynced after the commit;
   * PostgreSQL's commit is). CONFLICT, writing nothing, when the log does not hold exactly `first`
   * entries (another writer got there first).
   */
  integrate(batch: IntegrateBatch): Promise<void>;
  /**
   * Resolves once everything committed so far is on disk. On SQLite a batch is visible to readers
   * between its commit and its fsync: what is published of the tree (a checkpoint) waits for this.
   */
  durable(): Promise<void>;
  /** The hashes of these complete nodes, in the order asked; undefined for a node not stored. */
  nodes(ids: readonly { readonly level: number; readonly index: number }[]): Promise<(Uint8Array | undefined)[]>;
  /**
   * Entries [from, to) in order, with their salt and payload when asked.
   * The rows may come as they are read (SQLite: an open statement, so that each row is garbage as
   * soon as it has been looked at): use them up before the next query on this store.
   */
  scan(from: number, to: number, payloads: boolean): Promise<Iterable<ScannedRow>>;
  /** The stored nodes of one level whose index is in [from, to), in order. */
  level(level: number, from: number, to: number): Promise<NodeRow[]>;
  /** The same, packed. */
  packedLevel(level: number, from: number, to: number): Promise<PackedLevel>;
  /**
   * PostgreSQL: the log as several processes share it, one of them its sequencer at a time
   * (SharedLedgerRows). Absent on SQLite, where the process that writes sequences its own entries.
   */
  readonly shared?: SharedLedgerRows;
}

/** A batch of entries queued by a process that is not the sequencer. */
export interface QueuedBatch {
  readonly id: number;
  /** Random, chosen by the process that queued it: what its sealed payloads are bound to. */
  readonly token: string;
  readonly entries: IntegrateBatch['entries'];
}

/** Where a queued batch's entries were placed in the log: the index of its first, or -1 when the sequencer refused the batch. */
export interface Placement {
  readonly id: number;
  readonly first: number;
}

/**
 * The log shared by several processes on one database. One process at a time holds the sequencer's
 * lease (a session lock: it ends with the process or its connection) and integrates; the others
 * queue their batches durably and hear where they were placed.
 */
export interface SharedLedgerRows {
  /** Takes the sequencer's lease when nobody holds it; null when another process does. */
  tryLead(): Promise<SequencerLease | null>;
  /** Queues a batch for the sequencer (committed when it returns); its id. */
  enqueue(token: string, entries: QueuedBatch['entries']): Promise<number>;
  /** The placements of these queued batches that have been placed. */
  placed(ids: readonly number[]): Promise<Placement[]>;
  /** Takes back those of these queued batches that are not placed yet: the ids taken back. */
  withdraw(ids: readonly number[]): Promise<number[]>;
  /**
   * Hears the sequencer's placements as it announces them, and (for the sequencer) that a batch
   * was queued. Notices can be missed (a connection lost): callers also poll.
   */
  subscribe(on: { readonly placed: (p: readonly Placement[]) => void; readonly queued: () => void }): Promise<void>;
  close(): Promise<void>;
}

export interface SequencerLease {
  /** Queued batches not placed yet, oldest first: as many as hold `limit` entries (at least one). */
  queued(limit: number): Promise<QueuedBatch[]>;
  /**
   * As LedgerRows.integrate, on the lease's own connection, so that a sequencer that has lost its
   * lease writes nothing; marks the queued batches placed and announces them in the same transaction.
   */
  integrate(batch: IntegrateBatch, placed: readonly Placement[]): Promise<void>;
  /**
   * Refuses queued batches that cannot be read or written (their processes' callers are told):
   * marked placed nowhere (first -1), so that the queue behind them moves on.
   */
  refuse(ids: readonly number[]): Promise<void>;
  /** Resolves when the lease is lost (its connection ended or failed). */
  readonly lost: Promise<void>;
  release(): Promise<void>;
}
