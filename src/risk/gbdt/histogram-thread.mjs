// @ts-check
/**
 * The learner's helper thread: claims chunks of features of each histogram job and builds them, on
 * memory shared with the training thread (see histogram-team.ts), then counts them in DONE.
 */
import { workerData } from 'node:worker_threads';
import { buildHistogram, claimChunk, CONTROL } from './histogram.mjs';

const { control: controlBuffer, index: indexBuffer, wide, features: F, offsets: offsetsBuffer, order, gh, hists, histSize, runs: runsBuffer, bounds: boundsBuffer } = workerData;
const runs = new Int32Array(runsBuffer);
const bounds = new Int32Array(boundsBuffer);
const control = new Int32Array(controlBuffer);
const index = wide ? new Uint32Array(indexBuffer) : new Uint16Array(indexBuffer);
const offsets = new Int32Array(offsetsBuffer);
const orderView = new Uint32Array(order);
const ghView = new Float64Array(gh);
const { SEQ, DONE, HIST, START, END, STOP } = CONTROL;
const histograms = Array.from({ length: hists.byteLength / (histSize * 8) }, (_, i) => new Float64Array(hists, i * histSize * 8, histSize));

let seen = 0;
for (;;) {
  Atomics.wait(control, SEQ, seen);
  seen = Atomics.load(control, SEQ);
  if (Atomics.load(control, STOP) === 1) break;
  // Read before claiming: a claim only succeeds while this job is open, and so these are its values.
  const hist = histograms[control[HIST]];
  const start = control[START];
  const end = control[END];
  for (let k = claimChunk(control, seen); k >= 0; k = claimChunk(control, seen)) {
    buildHistogram(hist, index, F, offsets, orderView, start, end, ghView, runs, bounds[k], bounds[k + 1]);
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
  }
}
