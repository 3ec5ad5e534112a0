import { closeSync, fdatasync, openSync } from 'node:fs';
import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { PortcullisError } from '../../domain/errors.ts';
import type { LedgerRows, NodeRow, ScannedRow } from '../ledger-rows.ts';
import type { Schema } from '../schema.ts';

/**
 * The ledger's hot paths on SQLite, with prepared statements made once (as the declaration sink's):
 * a batch is a few thousand executions of three small INSERTs inside BEGIN IMMEDIATE; a proof is a
 * few dozen point reads on the (level, idx) key. Statements run on the Kysely connection while
 * Kysely holds it, so that no other query of this process comes between.
 *
 * Durability ('FULL', the service's): `durable` resolves only once the write-ahead log that holds
 * what was committed is on disk, so that an acknowledged entry survives a power cut. The commit
 * itself does not wait for the disk (synchronous=NORMAL); the log is fsynced afterwards on libuv's
 * thread pool (walSync below), so the event loop goes on meanwhile, and the sequencer commits its
 * next batch while this one is made durable. SQLite's own
 * synchronous=FULL fsynced in the commit, on the main thread: under the service's load that was a
 * tenth of its time, blocked. ('NORMAL' is for the benchmark that shows what durability costs.)
 */
export function sqliteLedgerRows(raw: Database.Database, db: Kysely<Schema>, synchronous: 'FULL' | 'NORMAL' = 'FULL'): LedgerRows {
  let st: ReturnType<typeof prepare> | undefined;
  const prepare = () => ({
    size: raw.prepare('SELECT max(idx) FROM ledger_entries').pluck(),
    entry: raw.prepare('INSERT INTO ledger_entries (idx, type, party, key_id, time, corrects, commitment, signature, subject) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    payload: raw.prepare('INSERT INTO ledger_payloads (idx, salt, payload) VALUES (?, ?, ?)'),
    node: raw.prepare('INSERT INTO ledger_nodes (level, idx, hash) VALUES (?, ?, ?)'),
    get: raw.prepare('SELECT hash FROM ledger_nodes WHERE level = ? AND idx = ?').pluck(),
    scan: raw
      .prepare(
        `SELECT e.idx, e.type, e.party, e.key_id, e.time, e.corrects, e.commitment, e.signature, p.salt, p.payload
         FROM ledger_entries e LEFT JOIN ledger_payloads p ON p.idx = e.idx
         WHERE e.idx >= ? AND e.idx < ? ORDER BY e.idx`,
      )
      .raw(),
    scanNoPayload: raw
      .prepare(
        `SELECT e.idx, e.type, e.party, e.key_id, e.time, e.corrects, e.commitment, e.signature, NULL, NULL
         FROM ledger_entries e
         WHERE e.idx >= ? AND e.idx < ? ORDER BY e.idx`,
      )
      .raw(),
    level: raw.prepare('SELECT level, idx, hash FROM ledger_nodes WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx').raw(),
    // group_concat copies a blob's bytes as they are, and CAST back to BLOB keeps them.
    packed: raw.prepare("SELECT count(*) FILTER (WHERE length(hash) = 32), CAST(coalesce(group_concat(hash, x'' ORDER BY idx), x'') AS BLOB) FROM ledger_nodes WHERE level = ? AND idx >= ? AND idx < ?").raw(),
  });
  const stmts = () => (st ??= prepare());
  const sync = synchronous === 'FULL' && !raw.memory ? walSync(`${resolve(raw.name)}-wal`) : undefined;
  return {
    integrate: async (batch) => {
      await db.connection().execute(async () => {
        const s = stmts();
        raw.exec('BEGIN IMMEDIATE');
        try {
          const m = s.size.get() as number | null;
          const size = m === null ? 0 : m + 1;
          if (size !== batch.first) throw new PortcullisError('CONFLICT', `the ledger holds ${size} entries, not ${batch.first}: another sequencer has written to it`);
          let i = batch.first;
          for (const { entry: e, subject, salt, payload } of batch.entries) {
            s.entry.run(i, e.type, e.party, e.keyId, e.time, e.corrects, e.commitment, e.signature, subject);
            s.payload.run(i, salt, payload);
            i++;
          }
          for (const n of batch.nodes) s.node.run(n.level, n.index, n.hash);
          raw.exec('COMMIT');
        } catch (e) {
          if (raw.inTransaction) raw.exec('ROLLBACK');
          throw e;
        }
      });
    },
    durable: async () => {
      if (sync !== undefined) await sync();
    },
    nodes: async (ids) => {
      const s = stmts();
      return ids.map((id) => {
        const h = s.get.get(id.level, id.index) as Buffer | undefined;
        return h === undefined ? undefined : new Uint8Array(h.buffer, h.byteOffset, h.byteLength);
      });
    },
    scan: async (from, to, payloads) => (payloads ? stmts().scan : stmts().scanNoPayload).iterate(from, to) as IterableIterator<ScannedRow>,
    level: async (level, from, to) => (stmts().level.all(level, from, to) as [number, number, Buffer][]).map(([l, index, hash]): NodeRow => ({ level: l, index, hash })),
    packedLevel: async (level, from, to) => {
      const [count, hashes] = stmts().packed.get(level, from, to) as [number, Buffer];
      return { count, hashes };
    },
  };
}

/**
 * fsync of the write-ahead log file (fdatasync, as SQLite itself syncs on Linux: the file's
 * contents and what reading them needs, not its times), off the main thread, shared by concurrent
 * callers: a caller whose commit came while a sync was under way waits for the next one (the one
 * under way may have started before its frames were written), and all who wait meanwhile share
 * that next one. A sync
 * covers every frame written before it started, whichever connection wrote it; frames that a
 * checkpoint moved into the database file meanwhile were synced there by the checkpoint.
 */
export function walSync(path: string, once: () => Promise<void> = () => fsyncFile(path)): () => Promise<void> {
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const sync = (): Promise<void> => {
    if (running === undefined) {
      running = once().finally(() => {
        running = undefined;
      });
      return running;
    }
    next ??= running
      .catch(() => undefined)
      .then(() => {
        next = undefined;
        return sync();
      });
    return next;
  };
  return sync;
}

/**
 * One job on the thread pool: the open and the close are quick system calls made here. With
 * fs/promises' FileHandle, the open, the sync and the close were three jobs, and the event loop had
 * to come round for each; under filing load (the loop busy with a batch for several milliseconds at
 * a time) a sync seen from the loop took 7 ms at its median instead of 2.7.
 */
async function fsyncFile(path: string): Promise<void> {
  const fd = openSync(path, 'r');
  await new Promise<void>((resolve, reject) =>
    fdatasync(fd, (e) => {
      try {
        closeSync(fd);
      } catch {
        // Closing a descriptor just synced does not fail; the sync's own outcome is what counts.
      }
      if (e) reject(e);
      else resolve();
    }),
  );
}
