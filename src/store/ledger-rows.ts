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
}
