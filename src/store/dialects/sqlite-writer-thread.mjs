// @ts-check
/**
 * The SQLite writer thread: its own connection to the database file (WAL lets readers on other
 * connections go on), so that parsing and validating the next batch on the main thread overlaps
 * with writing this one. Requests are answered in order. Plain JavaScript: see sqlite-batch-writer.mjs.
 *
 * Group commit: the write requests that are already waiting when one arrives are written in the same
 * transaction, and each is answered once that transaction has committed, so a batch is durable when
 * its answer comes and the main thread can send small batches without paying a commit for each. A
 * group that fails is written again batch by batch, so that only the failing batch is refused.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { unpackBatch } from './sqlite-batch-codec.mjs';
import { applyPragmas, prepareBatchWriter, prepareGroupWriter } from './sqlite-batch-writer.mjs';

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
const { file, pragmas, writerPragmas, sql, idColumn } = workerData;
const db = new Database(file);
applyPragmas(db, [...pragmas, ...writerPragmas]);
const writeOne = prepareBatchWriter(db, sql, idColumn);
const writeGroup = prepareGroupWriter(db, sql, idColumn);

/** @param {any} req */
const isWrite = (req) => req.op === 'write' || req.op === 'write-packed';
/** @param {any} req */
const batchOf = (req) => (req.op === 'write-packed' ? unpackBatch(req.packed) : req.batch);
/** @param {unknown} e */
const failure = (e) => ({ ok: false, message: e instanceof Error ? e.message : String(e) });

/** @param {any[]} group */
function write(group) {
  try {
    const outcomes = writeGroup(group.map(batchOf));
    for (const outcome of outcomes) port.postMessage({ ok: true, outcome });
  } catch (e) {
    if (group.length === 1) return port.postMessage(failure(e));
    for (const req of group) {
      try {
        port.postMessage({ ok: true, outcome: writeOne(batchOf(req)) });
      } catch (e1) {
        port.postMessage(failure(e1));
      }
    }
  }
}

/** @param {any} req */
function control(req) {
  try {
    switch (req.op) {
      case 'begin':
        db.exec('BEGIN IMMEDIATE');
        break;
      case 'commit':
      case 'rollback':
        if (db.inTransaction) db.exec(req.op === 'commit' ? 'COMMIT' : 'ROLLBACK');
        db.pragma('wal_checkpoint(PASSIVE)');
        break;
      case 'close':
        db.close();
        port.postMessage({ ok: true });
        port.close();
        return;
    }
    port.postMessage({ ok: true });
  } catch (e) {
    port.postMessage(failure(e));
  }
}

port.on('message', (first) => {
  /** @type {any} */
  let req = first;
  while (req !== undefined) {
    if (!isWrite(req)) {
      control(req);
      return;
    }
    const group = [req];
    req = undefined;
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
      if (!isWrite(m.message)) {
        req = m.message;
        break;
      }
      group.push(m.message);
    }
    write(group);
  }
});
