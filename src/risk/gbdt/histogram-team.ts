import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BinnedMatrix } from './bins.ts';
import { buildHistograms, CONTROL, HIST_BINS, STRIDE } from './histogram.mjs';

const { SEQ, DONE, HIST, START, END, COUNT, STOP, CLAIM } = CONTROL;
/** How long the training thread waits for the helper to claim a job before doing it itself. */
const CLAIM_WAIT_MS = 20;

/**
 * The memory the learner works in, shared with a helper thread when the machine has a second core:
 * the bins, the rows of each leaf (`order`), the leaf's gathered gradients, and a pool of
 * histograms. `build` then fills every other feature's histogram on the helper thread while the
 * training thread fills the rest; each histogram is summed in the same order either way, so the
 * model does not depend on the number of threads.
 */
export class HistogramWorkspace {
  readonly bins: Uint8Array[];
  readonly order: Uint32Array;
  readonly scratch: Uint32Array;
  readonly g: Float64Array;
  readonly h: Float64Array;
  readonly histSize: number;
  private readonly hists: Float64Array[];
  private readonly free: number[];
  private readonly control: Int32Array | undefined;
  private readonly features: Int32Array;
  private readonly worker: Worker | undefined;

  constructor(m: BinnedMatrix, capacity: number, threads = Math.min(2, availableParallelism())) {
    const F = m.bins.length;
    const n = m.rows;
    const shared = threads > 1 && F > 1;
    const buffer = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    const binsBuffer = buffer(F * n);
    this.bins = m.bins.map((col, f) => {
      const view = new Uint8Array(binsBuffer, f * n, n);
      view.set(col);
      return view;
    });
    const orderBuffer = buffer(4 * n);
    const gBuffer = buffer(8 * n);
    const hBuffer = buffer(8 * n);
    this.order = new Uint32Array(orderBuffer);
    this.scratch = new Uint32Array(n);
    this.g = new Float64Array(gBuffer);
    this.h = new Float64Array(hBuffer);
    this.histSize = F * HIST_BINS * STRIDE;
    const histBuffer = buffer(8 * this.histSize * capacity);
    this.hists = Array.from({ length: capacity }, (_, i) => new Float64Array(histBuffer, 8 * this.histSize * i, this.histSize));
    this.free = Array.from({ length: capacity }, (_, i) => capacity - 1 - i);
    const featureBuffer = buffer(4 * F);
    this.features = new Int32Array(featureBuffer);
    if (shared) {
      // Jobs are numbered from 1; CLAIM holds the number of the last job claimed (by either thread).
      const controlBuffer = new SharedArrayBuffer(4 * CONTROL.SIZE);
      this.control = new Int32Array(controlBuffer);
      this.worker = new Worker(new URL('./histogram-thread.mjs', import.meta.url), {
        // Plain JavaScript: no module loader in the thread (a loader would need this thread's event
        // loop, which waits while the helper works).
        execArgv: [],
        workerData: { control: controlBuffer, bins: binsBuffer, rows: n, featureCount: F, order: orderBuffer, g: gBuffer, h: hBuffer, hists: histBuffer, histSize: this.histSize, features: featureBuffer },
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

  /** Fills histogram `i` for the given features from rows order[start..end) (gradients gathered in g, h). */
  build(i: number, start: number, end: number, features: Uint32Array): void {
    const c = this.control;
    if (c === undefined || features.length < 2) {
      buildHistograms(this.hists[i]!, this.bins, this.order, start, end, this.g, this.h, features, features.length, 0, 1);
      return;
    }
    this.features.set(features);
    c[HIST] = i;
    c[START] = start;
    c[END] = end;
    c[COUNT] = features.length;
    const seq = Atomics.add(c, SEQ, 1) + 1;
    Atomics.notify(c, SEQ);
    buildHistograms(this.hists[i]!, this.bins, this.order, start, end, this.g, this.h, this.features, features.length, 0, 2);
    if (Atomics.load(c, DONE) === seq) return;
    // Unclaimed for a while (the helper may still be starting): take the other half back.
    if (Atomics.load(c, CLAIM) !== seq) Atomics.wait(c, CLAIM, seq - 1, CLAIM_WAIT_MS);
    if (Atomics.compareExchange(c, CLAIM, seq - 1, seq) === seq - 1) {
      buildHistograms(this.hists[i]!, this.bins, this.order, start, end, this.g, this.h, this.features, features.length, 1, 2);
      return;
    }
    for (;;) {
      const done = Atomics.load(c, DONE);
      if (done === seq) return;
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
