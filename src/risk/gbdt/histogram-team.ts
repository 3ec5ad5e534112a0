import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BinnedRows } from './bins.ts';
import { buildHistogram, CHUNKS, claimChunk, CONTROL, featureRuns, STRIDE } from './histogram.mjs';

const { SEQ, CLAIM, DONE, HIST, START, END, STOP } = CONTROL;
/** Below this many row × feature additions a histogram is built on the training thread alone (waking the helper costs more). */
const SHARE_FROM = 200_000;
/** Spins on the helper's last chunk before sleeping on it. */
const SPINS = 2_000;

/**
 * The memory the learner works in, shared with a helper thread when the machine has a second core:
 * the binned rows, the rows of each leaf (`order`), the gradients and hessians (`gh`, side by side
 * per row) and a pool of histograms. A large histogram is built in CHUNKS chunks of features that
 * both threads claim one at a time, so that a helper that is late (or busy elsewhere) only ever
 * delays the job by the chunk it holds. Each bin is summed in the same order by whichever thread
 * builds it, so the model does not depend on the number of threads.
 */
export class HistogramWorkspace {
  readonly order: Uint32Array;
  readonly scratch: Uint32Array;
  readonly gh: Float64Array;
  /** Numbers per histogram. */
  readonly histSize: number;
  private readonly hists: Float64Array[];
  private readonly free: number[];
  private readonly control: Int32Array | undefined;
  private readonly worker: Worker | undefined;
  /** The features histograms are built for, as runs of neighbours (see featureRuns), and where each chunk's runs start. */
  private readonly runs: Int32Array;
  private readonly bounds: Int32Array;
  private seq = 0;
  private helperDone = 0;

  constructor(readonly rows: BinnedRows, capacity: number, threads = Math.min(2, availableParallelism())) {
    const n = rows.rows;
    const shared = threads > 1 && rows.features > 1;
    if (shared && !(rows.index.buffer instanceof SharedArrayBuffer)) throw new RangeError('binned rows for two threads must be in shared memory');
    const buffer = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    const orderBuffer = buffer(4 * n);
    const ghBuffer = buffer(16 * n);
    this.order = new Uint32Array(orderBuffer);
    this.scratch = new Uint32Array(n);
    this.gh = new Float64Array(ghBuffer);
    this.histSize = rows.offsets[rows.features]! * STRIDE;
    const histBuffer = buffer(8 * this.histSize * capacity);
    this.hists = Array.from({ length: capacity }, (_, i) => new Float64Array(histBuffer, 8 * this.histSize * i, this.histSize));
    this.free = Array.from({ length: capacity }, (_, i) => capacity - 1 - i);
    this.runs = new Int32Array(buffer(8 * rows.features));
    this.bounds = new Int32Array(buffer(4 * (CHUNKS + 1)));
    this.setFeatures(Uint32Array.from({ length: rows.features }, (_, f) => f));
    if (shared) {
      const offsetsBuffer = new SharedArrayBuffer(rows.offsets.byteLength);
      new Int32Array(offsetsBuffer).set(rows.offsets);
      const controlBuffer = new SharedArrayBuffer(4 * CONTROL.SIZE);
      this.control = new Int32Array(controlBuffer);
      this.worker = new Worker(new URL('./histogram-thread.mjs', import.meta.url), {
        // Plain JavaScript: no module loader in the thread (a loader would need this thread's event
        // loop, which waits while the helper works).
        execArgv: [],
        workerData: {
          control: controlBuffer, index: rows.index.buffer, wide: rows.index instanceof Uint32Array, features: rows.features, offsets: offsetsBuffer,
          order: orderBuffer, gh: ghBuffer, hists: histBuffer, histSize: this.histSize, runs: this.runs.buffer, bounds: this.bounds.buffer,
        },
      });
      this.worker.unref();
    }
  }

  /** A histogram from the pool, by number. */
  hist(i: number): Float64Array {
    return this.hists[i]!;
  }

  take(): number {
    const i = this.free.pop();
    if (i === undefined) throw new Error('histogram pool exhausted');
    return i;
  }

  give(i: number): void {
    this.free.push(i);
  }

  /** The features that later histograms are built for (ascending): the others' bins are left as they are. */
  setFeatures(features: ArrayLike<number>): void {
    const { runs, bounds } = featureRuns(features);
    this.runs.set(runs);
    this.bounds.set(bounds);
    this.featureCount = features.length;
  }

  private featureCount = 0;

  /** Fills histogram `i` from rows order[start..end), for the features set last. */
  build(i: number, start: number, end: number): void {
    const { rows: b, control: c, runs, bounds } = this;
    const hist = this.hists[i]!;
    const F = b.features;
    if (c === undefined || (end - start) * this.featureCount < SHARE_FROM) {
      buildHistogram(hist, b.index, F, b.offsets, this.order, start, end, this.gh, runs, 0, bounds[CHUNKS]!);
      return;
    }
    c[HIST] = i;
    c[START] = start;
    c[END] = end;
    const seq = ++this.seq;
    Atomics.store(c, CLAIM, seq << 4);
    Atomics.store(c, SEQ, seq);
    Atomics.notify(c, SEQ);
    let mine = 0;
    for (let k = claimChunk(c, seq); k >= 0; k = claimChunk(c, seq)) {
      buildHistogram(hist, b.index, F, b.offsets, this.order, start, end, this.gh, runs, bounds[k]!, bounds[k + 1]!);
      mine += 1;
    }
    this.helperDone += CHUNKS - mine;
    for (let spin = 0; spin < SPINS && Atomics.load(c, DONE) !== this.helperDone; spin++);
    for (;;) {
      const done = Atomics.load(c, DONE);
      if (done === this.helperDone) return;
      Atomics.wait(c, DONE, done);
    }
  }

  close(): void {
    if (this.control === undefined) return;
    Atomics.store(this.control, STOP, 1);
    Atomics.add(this.control, SEQ, 1);
    Atomics.notify(this.control, SEQ);
    void this.worker?.terminate();
  }
}
