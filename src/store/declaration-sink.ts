import type { FieldCodec } from './field-codec.ts';
import { sameContent, type DeclarationRecord, type StoredRows, type WriteStatus } from './declaration-rows.ts';

/**
 * Writes declarations in batches, fast: the one place where each database does it its own way
 * (prepared statements on SQLite, array parameters on PostgreSQL). Each `write` is durable when it
 * returns, unless the sink is atomic, in which case nothing is kept until `commit`.
 * A declaration whose id is already stored is a `duplicate` when its content is the same and a
 * `conflict` when it differs; neither changes what is stored.
 * A sink may hold a connection or a thread: it must be ended with `commit` or `rollback` (for a
 * sink that is not atomic both just release it). Callers may start the next `write` before the
 * previous one has resolved; writes are applied in the order they were started.
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

/**
 * The status of each record, from what the database did: inserted, or not inserted because its id
 * was stored already (with what was stored under it, read in the same transaction).
 */
export function settle(batch: readonly DeclarationRecord[], outcome: readonly (true | StoredRows | undefined)[], codec: FieldCodec): WriteStatus[] {
  return batch.map((r, i) => {
    const o = outcome[i];
    if (o === true) return 'inserted';
    return o !== undefined && sameContent(r, o, codec) ? 'duplicate' : 'conflict';
  });
}

/**
 * Keeps the sinks an adapter has open, so that closing the store ends them (rolled back) instead of
 * leaving a connection or a writer thread behind.
 */
export function sinkRegistry() {
  const open = new Set<DeclarationSink>();
  return {
    track(sink: DeclarationSink): DeclarationSink {
      const tracked: DeclarationSink = {
        write: (batch) => sink.write(batch),
        commit: async () => {
          open.delete(tracked);
          await sink.commit();
        },
        rollback: async () => {
          open.delete(tracked);
          await sink.rollback();
        },
      };
      open.add(tracked);
      return tracked;
    },
    async closeAll(): Promise<void> {
      for (const s of [...open]) await s.rollback().catch(() => {});
    },
  };
}
