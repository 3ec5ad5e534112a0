import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { PRAGMAS } from './sqlite-statements.ts';

/**
 * The service's connection checkpoints by itself only past this many pages (128 MB of 8 KiB):
 * the checkpointer thread does it long before (sqlite-checkpointer-thread.mjs), and this mark only
 * bounds the log should the thread ever fall behind. SQLite's default is 1,000 pages.
 */
const MAIN_AUTOCHECKPOINT = 16_384;
/** How often the checkpointer thread copies the log into the database file. */
const CHECKPOINT_EVERY_MS = 100;
/** The log's length (pages) past which the log is made to start over (64 MB of 8 KiB pages). */
const RESTART_FRAMES = 8192;
/** A checkpoint that keeps failing is said at most this often. */
const WARN_EVERY_MS = 60_000;

export interface CheckpointStats {
  readonly rounds: number;
  readonly restarts: number;
  readonly restartsRefused: number;
  readonly mostFramesInLog: number;
  readonly errors: number;
}

type CheckpointerMessage =
  | { readonly op: 'restart-wanted' }
  | { readonly op: 'restarted'; readonly busy: number }
  | { readonly op: 'error'; readonly message: string }
  | { readonly op: 'closed'; readonly stats: CheckpointStats };

/**
 * Starts the checkpointer thread for the database that `raw` has open (sqlite-checkpointer-thread.mjs).
 * `hold` runs its function while this process's connection is held (no write of ours under way),
 * so that the thread can have the log start over. Should the thread fail, the connection
 * checkpoints by itself again, as SQLite does by default.
 */
export function startCheckpointer(
  raw: Database.Database,
  file: string,
  hold: (fn: () => Promise<void>) => Promise<void>,
  o: { readonly everyMs?: number; readonly restartFrames?: number; readonly warn?: ((message: string) => void) | undefined } = {},
): { close(): Promise<CheckpointStats | undefined> } {
  raw.pragma(`wal_autocheckpoint = ${MAIN_AUTOCHECKPOINT}`);
  const worker = new Worker(new URL('./sqlite-checkpointer-thread.mjs', import.meta.url), {
    workerData: { file, pragmas: PRAGMAS, everyMs: o.everyMs ?? CHECKPOINT_EVERY_MS, restartFrames: o.restartFrames ?? RESTART_FRAMES },
    // Plain JavaScript, as the writer thread, with a small heap: it holds nothing.
    execArgv: [],
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
  });
  // It must not keep alive a process that has nothing else to do; close() ends it.
  worker.unref();
  let stopped = false;
  let closing = false;
  let restarted: ((busy: number) => void) | undefined;
  let closed: ((stats: CheckpointStats | undefined) => void) | undefined;
  // A failing checkpoint is said at once, then at most once a minute with how many failed meanwhile.
  let lastWarned = -Infinity;
  let unsaid = 0;
  const failed = (message: string) => {
    if (Date.now() - lastWarned < WARN_EVERY_MS) {
      unsaid++;
      return;
    }
    o.warn?.(`SQLite checkpoint failed: ${message}${unsaid > 0 ? ` (and ${unsaid} more since the last said)` : ''}`);
    lastWarned = Date.now();
    unsaid = 0;
  };
  const stop = (why: string) => {
    if (stopped) return;
    stopped = true;
    restarted?.(1);
    closed?.(undefined);
    if (closing || !raw.open) return;
    // Stopped unasked: the connection checkpoints by itself again.
    raw.pragma('wal_autocheckpoint = 1000');
    o.warn?.(`the SQLite checkpointer thread stopped (${why}); the connection checkpoints in its own commits again`);
  };
  worker.on('error', (e) => stop(e.message));
  worker.on('exit', (code) => stop(`exit code ${code}`));
  worker.on('message', (m: CheckpointerMessage) => {
    if (m.op === 'restart-wanted') {
      void hold(async () => {
        if (stopped || closing) return;
        const answered = new Promise<number>((resolve) => (restarted = resolve));
        worker.postMessage({ op: 'restart' });
        await answered;
        restarted = undefined;
      }).catch(() => undefined);
    } else if (m.op === 'restarted') restarted?.(m.busy);
    else if (m.op === 'closed') closed?.(m.stats);
    else if (m.op === 'error') failed(m.message);
  });
  return {
    close: async () => {
      if (stopped || closing) return undefined;
      closing = true;
      const stats = new Promise<CheckpointStats | undefined>((resolve) => (closed = resolve));
      // Until it has answered, the thread keeps the process alive: a process whose last work is
      // this close must not end before the rest of it (the connection's own close) is done.
      worker.ref();
      worker.postMessage({ op: 'close' });
      const result = await stats;
      stopped = true;
      await worker.terminate();
      return result;
    },
  };
}
