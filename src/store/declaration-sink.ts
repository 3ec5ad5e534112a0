import type { DeclarationRecord, WriteStatus } from './declaration-rows.ts';

/**
 * Writes declarations in batches, fast: the one place where each database does it its own way
 * (prepared statements on SQLite, array parameters on PostgreSQL). Each `write` is durable when it
 * returns, unless the sink is atomic, in which case nothing is kept until `commit`.
 * A declaration whose id is already stored is a `duplicate` when its content is the same and a
 * `conflict` when it differs; neither changes what is stored.
 */
export interface DeclarationSink {
  write(batch: readonly DeclarationRecord[]): Promise<WriteStatus[]>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export interface SinkOptions {
  /** All batches in one transaction: kept together at `commit` or not at all. */
  readonly atomic: boolean;
}

/** Decides duplicate versus conflict for the records that were not inserted. */
export function settle(
  batch: readonly DeclarationRecord[],
  hashes: readonly string[],
  inserted: ReadonlySet<number>,
  stored: ReadonlyMap<string, string>,
): WriteStatus[] {
  return batch.map((r, i) => {
    if (inserted.has(i)) return 'inserted';
    return stored.get(r.declaration.id) === hashes[i] ? 'duplicate' : 'conflict';
  });
}
