// @ts-check
/**
 * The SQLite checkpointer thread: folds the write-ahead log back into the database file on its
 * own connection, so that the service's event loop does not do it inside a commit.
 *
 * Why. With SQLite's automatic checkpoint (every 1,000 pages, 8 MB here), the commit that crosses
 * the mark copies those pages into the database file and syncs the log and the file, on the
 * thread that committed: the service's event loop, a few times a second under filing load,
 * blocked for the copy and two syncs each time.
 *
 * How. Every `everyMs` this thread runs a PASSIVE checkpoint: it waits for no one, copies what no
 * reader still needs, and syncs, all on this thread. The log starts over from its beginning only
 * when a writer begins while every frame is copied, which steady writing seldom allows; so once the
 * log holds `restartFrames` pages this thread asks the main thread (`restart-wanted`). The main
 * thread takes its connection, so that none of its own writes can be under way or begin (they
 * wait, asynchronously, as for any other use of the connection), and answers `restart`. This thread
 * then copies the few frames left and has the log start over (RESTART), without waiting for any
 * other writer (busy_timeout 0: if one is writing, it tries again next round), and answers
 * `restarted`. The service's own automatic checkpoint is kept at a far higher mark
 * (sqlite-checkpointer.ts), in case this thread falls behind.
 *
 * Durability does not depend on it: a commit is durable when its frames are synced in the log
 * (sqlite-ledger.ts walSync), and a checkpoint syncs the log before copying from it.
 */
import { clearInterval, setInterval } from 'node:timers';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { applyPragmas } from './sqlite-batch-writer.mjs';

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
/** @type {{ file: string, pragmas: string[], everyMs: number, restartFrames: number }} */
const { file, pragmas, everyMs, restartFrames } = workerData;
const db = new Database(file);
applyPragmas(db, [...pragmas, 'wal_autocheckpoint = 0', 'busy_timeout = 0']);
const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const restart = db.prepare('PRAGMA wal_checkpoint(RESTART)');

/** What the rounds did, given back on close. */
const stats = { rounds: 0, restarts: 0, restartsRefused: 0, mostFramesInLog: 0, errors: 0 };
/** A restart asked for and not yet answered. */
let asked = false;

/** @param {unknown} e */
function failed(e) {
  stats.errors++;
  port.postMessage({ op: 'error', message: e instanceof Error ? e.message : String(e) });
}

const timer = setInterval(() => {
  try {
    // Frames in the log since it last started over, and how many of them are copied.
    const row = /** @type {{ busy: number, log: number, checkpointed: number }} */ (passive.get());
    stats.rounds++;
    stats.mostFramesInLog = Math.max(stats.mostFramesInLog, row.log);
    if (row.log >= restartFrames && !asked) {
      asked = true;
      port.postMessage({ op: 'restart-wanted' });
    }
  } catch (e) {
    failed(e);
  }
}, everyMs);

port.on('message', (/** @type {{ op: string }} */ req) => {
  if (req.op === 'restart') {
    let busy = 1;
    try {
      busy = /** @type {{ busy: number }} */ (restart.get()).busy;
      if (busy === 0) stats.restarts++;
      else stats.restartsRefused++;
    } catch (e) {
      failed(e);
    }
    asked = false;
    port.postMessage({ op: 'restarted', busy });
  } else if (req.op === 'close') {
    clearInterval(timer);
    db.close();
    port.postMessage({ op: 'closed', stats });
    port.close();
  }
});
