// @ts-check
/**
 * The SQLite writer thread: its own connection to the database file (WAL lets readers on other
 * connections go on), so that parsing and validating the next batch on the main thread overlaps
 * with writing this one. Requests are answered in order. Plain JavaScript: see sqlite-batch-writer.mjs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { unpackBatch } from './sqlite-batch-codec.mjs';
import { applyPragmas, prepareBatchWriter } from './sqlite-batch-writer.mjs';

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
const { file, pragmas, writerPragmas, sql, idColumn } = workerData;
const db = new Database(file);
applyPragmas(db, [...pragmas, ...writerPragmas]);
const write = prepareBatchWriter(db, sql, idColumn);

port.on('message', (req) => {
  try {
    switch (req.op) {
      case 'write':
        port.postMessage({ ok: true, outcome: write(req.batch) });
        break;
      case 'write-packed':
        port.postMessage({ ok: true, outcome: write(unpackBatch(req.packed)) });
        break;
      case 'begin':
        db.exec('BEGIN IMMEDIATE');
        port.postMessage({ ok: true });
        break;
      case 'commit':
      case 'rollback':
        if (db.inTransaction) db.exec(req.op === 'commit' ? 'COMMIT' : 'ROLLBACK');
        db.pragma('wal_checkpoint(PASSIVE)');
        port.postMessage({ ok: true });
        break;
      case 'close':
        db.close();
        port.postMessage({ ok: true });
        port.close();
        break;
    }
  } catch (e) {
    port.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) });
  }
});
