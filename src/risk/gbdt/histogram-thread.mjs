// @ts-check
/**
 * The learner's helper thread: builds the histograms of every other feature while the training
 * thread builds the rest, on memory both share. Jobs are announced through `control` (see
 * histogram-team.ts); the thread claims a job by moving CLAIM to its number, and answers by
 * storing the number in DONE.
 */
import { workerData } from 'node:worker_threads';
import { buildHistograms, CONTROL } from './histogram.mjs';

const { control: controlBuffer, bins: binsBuffer, rows, featureCount, order, g, h, hists, histSize, features } = workerData;
const control = new Int32Array(controlBuffer);
const bins = Array.from({ length: featureCount }, (_, f) => new Uint8Array(binsBuffer, f * rows, rows));
const orderView = new Uint32Array(order);
const gView = new Float64Array(g);
const hView = new Float64Array(h);
const featureView = new Int32Array(features);
const { SEQ, DONE, HIST, START, END, COUNT, STOP, CLAIM } = CONTROL;

let seen = 0;
for (;;) {
  Atomics.wait(control, SEQ, seen);
  seen = Atomics.load(control, SEQ);
  if (Atomics.load(control, STOP) === 1) break;
  // The training thread does the job itself if this thread is late to it (starting up, say).
  if (Atomics.compareExchange(control, CLAIM, seen - 1, seen) !== seen - 1) continue;
  Atomics.notify(control, CLAIM);
  const hist = new Float64Array(hists, control[HIST] * histSize * 8, histSize);
  buildHistograms(hist, bins, orderView, control[START], control[END], gView, hView, featureView, control[COUNT], 1, 2);
  Atomics.store(control, DONE, seen);
  Atomics.notify(control, DONE);
}
