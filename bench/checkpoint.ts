/**
 * The service's SQLite connection under steady writing, with SQLite's automatic checkpoint (the
 * commit that crosses 1,000 pages copies them into the database file and syncs, on the event
 * loop) against the checkpointer thread (src/store/dialects/sqlite-checkpointer-thread.mjs). The load
 * has the shape of filing: a few hundred small transactions a second, each adding rows to an
 * indexed table at random places, ledger entries at the end of theirs and tree nodes.
 *
 * Reported per mode, medians of the runs (the modes alternate, so that both see the same moments
 * of a shared machine): the time the event loop spent inside commits a second, and the commit's
 * p99 and p99.9; and the thread's ratios to the automatic checkpoint.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startCheckpointer } from '../src/store/dialects/sqlite-checkpointer.ts';
import { PRAGMAS } from '../src/store/dialects/sqlite-statements.ts';
import { emit, machine, median, round } from './stats.ts';

const SECONDS = 10;
const ROWS_PER_COMMIT = 8;
type Mode = 'automatic' | 'thread';

interface Run { readonly commits: number; readonly inCommitsMsPerSecond: number; readonly p99: number; readonly p999: number; readonly holdMsMedian: number | null }

async function run(mode: Mode): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-bench-checkpoint-'));
  const file = join(dir, 'store.db');
  const db = new Database(file);
  for (const p of PRAGMAS) db.pragma(p);
  db.exec(`CREATE TABLE declarations (id TEXT PRIMARY KEY, importer TEXT, body BLOB); CREATE INDEX declarations_importer ON declarations (importer);
           CREATE TABLE entries (idx INTEGER PRIMARY KEY, commitment BLOB, subject TEXT); CREATE INDEX entries_subject ON entries (subject);
           CREATE TABLE nodes (level INTEGER, idx INTEGER, hash BLOB, PRIMARY KEY (level, idx))`);
  // The connection, one user at a time (as Kysely's): the thread's restart waits its turn.
  let tail: Promise<unknown> = Promise.resolve();
  const use = <T>(fn: () => Promise<T> | T): Promise<T> => {
    const r = tail.then(fn);
    tail = r.catch(() => undefined);
    return r;
  };
  const holds: number[] = [];
  const checkpointer = mode === 'thread'
    ? startCheckpointer(db, file, (fn) => use(async () => {
      const t = performance.now();
      await fn();
      holds.push(performance.now() - t);
    }))
    : undefined;
  const declaration = db.prepare('INSERT INTO declarations VALUES (?, ?, ?)');
  const entry = db.prepare('INSERT INTO entries VALUES (?, ?, ?)');
  const node = db.prepare('INSERT INTO nodes VALUES (?, ?, ?)');
  const body = randomBytes(1500);
  const durations: number[] = [];
  let n = 0;
  const end = performance.now() + SECONDS * 1000;
  while (performance.now() < end) {
    await use(() => {
      const t = performance.now();
      db.exec('BEGIN IMMEDIATE');
      for (let i = 0; i < ROWS_PER_COMMIT; i++, n++) {
        declaration.run(randomBytes(12).toString('hex'), randomBytes(6).toString('hex'), body);
        entry.run(2 * n, randomBytes(32), `declaration:${n}`);
        entry.run(2 * n + 1, randomBytes(32), `declaration:${n}`);
        node.run(0, n, randomBytes(32));
        if (n % 2 === 1) node.run(1, n >> 1, randomBytes(32));
      }
      db.exec('COMMIT');
      durations.push(performance.now() - t);
    });
    await new Promise((r) => setTimeout(r, 2));
  }
  await checkpointer?.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  durations.sort((a, b) => a - b);
  const at = (q: number) => durations[Math.min(durations.length - 1, Math.floor(q * durations.length))]!;
  return {
    commits: durations.length,
    inCommitsMsPerSecond: durations.reduce((s, d) => s + d, 0) / SECONDS,
    p99: at(0.99),
    p999: at(0.999),
    holdMsMedian: holds.length === 0 ? null : median(holds),
  };
}

const round2 = (x: number) => round(x, 2);

export async function benchCheckpoint(opts: { runs: number }): Promise<void> {
  const runs: Record<Mode, Run[]> = { automatic: [], thread: [] };
  for (let k = 0; k < opts.runs; k++) for (const mode of ['automatic', 'thread'] as const) runs[mode].push(await run(mode));
  const summary = (mode: Mode) => ({
    commitsPerSecond: round2(median(runs[mode].map((r) => r.commits)) / SECONDS),
    inCommitsMsPerSecond: round2(median(runs[mode].map((r) => r.inCommitsMsPerSecond))),
    commitMsP99: round2(median(runs[mode].map((r) => r.p99))),
    commitMsP999: round2(median(runs[mode].map((r) => r.p999))),
    ...(mode === 'thread' ? { restartHoldMsMedian: round2(median(runs[mode].map((r) => r.holdMsMedian ?? 0))) } : {}),
  });
  const a = summary('automatic');
  const t = summary('thread');
  emit({
    bench: 'sqlite-checkpoint', runs: opts.runs, seconds: SECONDS, automatic: a, thread: t,
    threadToAutomatic: { inCommits: round2(t.inCommitsMsPerSecond / a.inCommitsMsPerSecond), commitP99: round2(t.commitMsP99 / a.commitMsP99), commitP999: round2(t.commitMsP999 / a.commitMsP999) },
    target: { informational: 'the event loop\'s time in commits, and their tail, with the checkpointer thread against SQLite\'s own checkpoints' },
    machine: machine(),
  });
}
