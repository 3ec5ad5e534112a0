import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { startCheckpointer } from '../../src/store/dialects/sqlite-checkpointer.ts';
import { PRAGMAS } from '../../src/store/dialects/sqlite-statements.ts';
import { openStore } from '../../src/store/index.ts';

const PAGE = 8192;

function tempFile(): { file: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-checkpointer-'));
  return { file: join(dir, 'store.db'), done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A database with one table, in the store's settings. */
function openRaw(file: string): Database.Database {
  const db = new Database(file);
  for (const p of PRAGMAS) db.pragma(p);
  db.exec('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, k TEXT, v BLOB); CREATE INDEX IF NOT EXISTS t_k ON t (k)');
  return db;
}

/** One connection used by one caller at a time, as Kysely's: `hold` waits its turn. */
function serialised() {
  let tail: Promise<void> = Promise.resolve();
  const use = <T>(fn: () => Promise<T> | T): Promise<T> => {
    const run = tail.then(fn);
    tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
  return { use, hold: (fn: () => Promise<void>) => use(fn) };
}

const walPages = (file: string): number => Math.floor(statSync(`${file}-wal`).size / (PAGE + 24));
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the SQLite checkpointer thread', () => {
  it('copies the log on its own thread and has it start over, so that the log stays bounded while this connection writes', async () => {
    const { file, done } = tempFile();
    const db = openRaw(file);
    const conn = serialised();
    const checkpointer = startCheckpointer(db, file, conn.hold, { everyMs: 5, restartFrames: 64 });
    try {
      assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 16_384, 'this connection checkpoints only far past the thread');
      const insert = db.prepare('INSERT INTO t (id, k, v) VALUES (?, ?, randomblob(2000))');
      let id = 0;
      // About 3,000 pages written in all, in small commits: some 50 times the restart mark.
      for (let round = 0; round < 300; round++) {
        await conn.use(() => {
          db.exec('BEGIN IMMEDIATE');
          for (let i = 0; i < 20; i++, id++) insert.run(id, `k${(id * 7919) % 10007}`);
          db.exec('COMMIT');
        });
        await pause(1);
      }
      const stats = await checkpointer.close();
      assert.ok(stats !== undefined, 'close() gives what the thread did');
      assert.ok(stats.rounds > 0 && stats.restarts > 0, `rounds and restarts: ${JSON.stringify(stats)}`);
      assert.equal(stats.errors, 0);
      // Without the thread the log would hold every page written (the connection's own mark is 128 MB).
      assert.ok(walPages(file) < 1_000, `the log file holds ${walPages(file)} pages; without restarts it would hold about 3,000`);
      assert.equal(db.prepare('SELECT count(*) FROM t').pluck().get(), id, 'every row committed is there');
    } finally {
      await checkpointer.close();
      db.close();
    }
    // What was committed is in the file, for a connection opened afresh.
    const again = new Database(file, { readonly: true });
    try {
      assert.equal(again.prepare('SELECT count(*) FROM t').pluck().get(), 300 * 20);
      assert.equal(again.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      again.close();
      done();
    }
  });

  it('has the log start over only while this connection is held: no write of ours is under way meanwhile', async () => {
    const { file, done } = tempFile();
    const db = openRaw(file);
    let holding = 0;
    const conn = serialised();
    const checkpointer = startCheckpointer(db, file, (fn) => conn.hold(async () => {
      holding++;
      assert.equal(db.inTransaction, false, 'no transaction of ours is open while the log starts over');
      await fn();
    }), { everyMs: 5, restartFrames: 16 });
    try {
      const insert = db.prepare('INSERT INTO t (id, k, v) VALUES (?, ?, randomblob(4000))');
      for (let id = 0; id < 400; id++) {
        await conn.use(async () => {
          db.exec('BEGIN IMMEDIATE');
          insert.run(id, `k${id}`);
          // A transaction that spans a turn of the event loop, as the service's do.
          await pause(0);
          db.exec('COMMIT');
        });
      }
      await pause(20);
      const stats = await checkpointer.close();
      assert.ok(holding > 0 && stats !== undefined && stats.restarts > 0, `held ${holding} times; ${JSON.stringify(stats)}`);
    } finally {
      await checkpointer.close();
      db.close();
      done();
    }
  });

  it('belongs to the service store only: openStore starts it when asked, and closing the store ends it', async () => {
    const { file, done } = tempFile();
    try {
      const plain = await openStore({ sqliteFile: file });
      try {
        const mark = await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(plain.db);
        assert.equal(mark.rows[0]!.wal_autocheckpoint, 1000, 'a command-line store keeps SQLite\'s own checkpoints');
      } finally {
        await plain.close();
      }
      const service = await openStore({ sqliteFile: file, checkpointThread: true });
      try {
        const mark = await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(service.db);
        assert.equal(mark.rows[0]!.wal_autocheckpoint, 16_384);
        await sql`CREATE TABLE extra (x INTEGER)`.execute(service.db);
        await sql`INSERT INTO extra VALUES (1), (2), (3)`.execute(service.db);
      } finally {
        await service.close();
      }
      const reopened = await openStore({ sqliteFile: file });
      try {
        const rows = await sql<{ n: number }>`SELECT count(*) AS n FROM extra`.execute(reopened.db);
        assert.equal(rows.rows[0]!.n, 3);
      } finally {
        await reopened.close();
      }
    } finally {
      done();
    }
  });

  it('says so when its thread stops unasked, and the connection checkpoints in its own commits again', async () => {
    const { file, done } = tempFile();
    const raw = openRaw(file);
    try {
      const said: string[] = [];
      // A thread that cannot open its database (a directory that does not exist) stops at once.
      const c = startCheckpointer(raw, join(file, 'missing', 'store.db'), serialised().hold, { warn: (m) => said.push(m) });
      const until = Date.now() + 10_000;
      while (said.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      assert.equal(said.length, 1, 'one warning');
      assert.match(said[0]!, /checkpointer thread stopped \(.+\); the connection checkpoints in its own commits again/);
      assert.equal(raw.pragma('wal_autocheckpoint', { simple: true }), 1000);
      assert.equal(await c.close(), undefined, 'closing a stopped thread does nothing');
      assert.equal(said.length, 1);
    } finally {
      raw.close();
      done();
    }
  });

  it('says nothing when it is closed', async () => {
    const { file, done } = tempFile();
    const raw = openRaw(file);
    try {
      const said: string[] = [];
      const c = startCheckpointer(raw, file, serialised().hold, { warn: (m) => said.push(m) });
      await new Promise((r) => setTimeout(r, 300));
      const stats = await c.close();
      assert.ok(stats !== undefined && stats.rounds > 0, 'the thread ran its rounds');
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(said, []);
    } finally {
      raw.close();
      done();
    }
  });
});
