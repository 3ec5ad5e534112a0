import { Worker } from 'node:worker_threads';
import { columnOf, type FeatureMatrix } from '../../risk/gbdt/bins.ts';
import type { LabelledMatrix, RoundReport, TrainParams, TrainResult } from '../../risk/gbdt/train.ts';

/**
 * Fits the trees in a thread of their own (train-worker.ts), the same fit as trainBooster's: the
 * service keeps answering while a model trains (the training job's progress among what it answers),
 * instead of stopping for every request for the seconds the trees take. Columns made one at a time
 * are made whole here first (rows × features × 8 bytes at once, where training in the caller's
 * thread holds one column at a time) and moved to the thread; each round's report
 * comes back as it is done.
 */
export function trainBoosterInThread(train: LabelledMatrix, valid: LabelledMatrix | undefined, params: Partial<TrainParams>, onRound?: (r: RoundReport) => void): Promise<TrainResult> {
  const moved: ArrayBuffer[] = [];
  const whole = (d: LabelledMatrix): LabelledMatrix => {
    const m = d.matrix;
    // Each column copied into a buffer of its own, which is moved: a column may be a view into a buffer the caller keeps.
    const columns = Array.from(m.names, (_, f) => columnOf(m, f).slice());
    for (const c of columns) moved.push(c.buffer as ArrayBuffer);
    const matrix: FeatureMatrix = { rows: m.rows, names: [...m.names], columns };
    return { matrix, labels: Float64Array.from(d.labels), ...(d.weights === undefined ? {} : { weights: Float64Array.from(d.weights) }) };
  };
  const workerData = { train: whole(train), valid: valid === undefined ? undefined : whole(valid), params };
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./train-thread.mjs', import.meta.url), { workerData, transferList: moved });
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.on('message', (m: { round?: RoundReport; result?: TrainResult; error?: { name: string; message: string } }) => {
      if (m.round !== undefined) onRound?.(m.round);
      else if (m.result !== undefined) settle(() => resolve(m.result!));
      else if (m.error !== undefined) settle(() => reject(m.error!.name === 'RangeError' ? new RangeError(m.error!.message) : new Error(m.error!.message)));
    });
    worker.once('error', (e) => settle(() => reject(e)));
    worker.once('exit', (code) => settle(() => reject(new Error(`the training thread ended (exit ${code}) before giving its result`))));
  });
}
