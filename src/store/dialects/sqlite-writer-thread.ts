import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { prepareBatchWriter, tunePragmas, type FlatBatch } from './sqlite-statements.ts';

/**
 * The SQLite writer thread: its own connection to the database file (WAL lets readers on other
 * connections go on), so that parsing and validating the next batch on the main thread overlaps
 * with writing this one. Requests are answered in order.
 */
export type WriterRequest =
  | { readonly op: 'write'; readonly batch: FlatBatch }
  | { readonly op: 'begin' | 'commit' | 'rollback' | 'close' };
export type WriterReply = { readonly ok: true; readonly outcome?: (true | string)[] } | { readonly ok: false; readonly message: string };

const port = parentPort!;
const db = new Database((workerData as { file: string }).file);
tunePragmas(db);
// A batch is one transaction, or a savepoint inside the open one: a failed batch leaves nothing half-written.
const write = db.transaction(prepareBatchWriter(db));

port.on('message', (req: WriterRequest) => {
  try {
    switch (req.op) {
      case 'write':
        port.postMessage({ ok: true, outcome: write(req.batch) } satisfies WriterReply);
        break;
      case 'begin':
        db.exec('BEGIN IMMEDIATE');
        port.postMessage({ ok: true } satisfies WriterReply);
        break;
      case 'commit':
      case 'rollback':
        if (db.inTransaction) db.exec(req.op === 'commit' ? 'COMMIT' : 'ROLLBACK');
        port.postMessage({ ok: true } satisfies WriterReply);
        break;
      case 'close':
        db.close();
        port.postMessage({ ok: true } satisfies WriterReply);
        port.close();
        break;
    }
  } catch (e) {
    port.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) } satisfies WriterReply);
  }
});
