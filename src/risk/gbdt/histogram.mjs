// @ts-check
/**
 * The learner's inner loop, shared by the training thread and its helper (plain JavaScript, so that
 * the helper needs no TypeScript loader). Rows are binned row by row (`index`: for row r and feature
 * f, index[r * F + f] is the place of the row's bin in a histogram, the feature's offset included),
 * so that one row's features are read side by side, and consecutive additions go to different
 * features' bins instead of queueing on the same one. A histogram holds per bin the sums of the
 * gradients, of the hessians, and the count of rows (STRIDE numbers).
 */
export const STRIDE = 3;

/** A histogram's features are built in this many chunks, which either thread may claim. */
export const CHUNKS = 8;

/**
 * Slots of the control block shared by both threads (an Int32Array). SEQ: the number of the latest
 * job; CLAIM: (job × 16) + the next chunk of it to claim; DONE: chunks finished by the helper, ever;
 * HIST, START, END: the job (histogram number, rows order[START..END)); STOP: 1 when the helper must end.
 */
export const CONTROL = Object.freeze({ SEQ: 0, CLAIM: 1, DONE: 2, HIST: 3, START: 4, END: 5, STOP: 6, SIZE: 8 });

/**
 * Fills the bins of some features of `hist` from rows order[start..end), with the gradient and
 * hessian of row r at gh[2r] and gh[2r + 1]. The features are runs of neighbours: run k is
 * features [runs[2k], runs[2k + 1]), and runs first..last - 1 are built. Every bin is summed in row
 * order, whichever thread does it.
 * @param {Float64Array} hist
 * @param {Uint16Array | Uint32Array} index
 * @param {number} F features per row
 * @param {Int32Array} offsets offsets[f]: the first bin of feature f in a histogram (F + 1 entries)
 * @param {Uint32Array} order
 * @param {number} start
 * @param {number} end
 * @param {Float64Array} gh
 * @param {Int32Array} runs
 * @param {number} first
 * @param {number} last
 */
export function buildHistogram(hist, index, F, offsets, order, start, end, gh, runs, first, last) {
  for (let k = first; k < last; k++) hist.fill(0, offsets[runs[2 * k]] * STRIDE, offsets[runs[2 * k + 1]] * STRIDE);
  if (last - first === 1) {
    // One run (every feature, say): no loop over runs per row.
    const from = runs[2 * first];
    const to = runs[2 * first + 1];
    for (let i = start; i < end; i++) {
      const r = order[i];
      const g = gh[2 * r];
      const h = gh[2 * r + 1];
      const row = r * F;
      for (let j = row + from, stop = row + to; j < stop; j++) {
        const o = index[j] * STRIDE;
        hist[o] += g;
        hist[o + 1] += h;
        hist[o + 2] += 1;
      }
    }
    return;
  }
  for (let i = start; i < end; i++) {
    const r = order[i];
    const g = gh[2 * r];
    const h = gh[2 * r + 1];
    const row = r * F;
    for (let k = first; k < last; k++) {
      for (let j = row + runs[2 * k], stop = row + runs[2 * k + 1]; j < stop; j++) {
        const o = index[j] * STRIDE;
        hist[o] += g;
        hist[o + 1] += h;
        hist[o + 2] += 1;
      }
    }
  }
}

/**
 * Runs of neighbouring features among `features` (ascending), cut so that chunk c of CHUNKS is runs
 * bounds[c]..bounds[c + 1] - 1 and the chunks hold about as many features each.
 * @param {ArrayLike<number>} features
 * @returns {{ runs: Int32Array; bounds: Int32Array }}
 */
export function featureRuns(features) {
  /** @type {number[]} */
  const runs = [];
  /** @type {number[]} */
  const bounds = [0];
  const n = features.length;
  let c = 1;
  for (let i = 0; i < n; ) {
    // A run ends where the features stop being neighbours, or where a chunk's share is reached.
    let j = i + 1;
    while (j < n && features[j] === features[j - 1] + 1 && j < Math.floor((n * c) / CHUNKS)) j++;
    runs.push(features[i], features[j - 1] + 1);
    while (c < CHUNKS && j >= Math.floor((n * c) / CHUNKS)) {
      bounds.push(runs.length / 2);
      c++;
    }
    i = j;
  }
  while (bounds.length <= CHUNKS) bounds.push(runs.length / 2);
  return { runs: Int32Array.from(runs), bounds: Int32Array.from(bounds) };
}

/**
 * Claims the next unclaimed chunk of job `seq`, or returns -1 when none is left (or the job is over).
 * @param {Int32Array} control
 * @param {number} seq
 */
export function claimChunk(control, seq) {
  for (;;) {
    const v = Atomics.load(control, CONTROL.CLAIM);
    if (v >> 4 !== seq || (v & 15) >= CHUNKS) return -1;
    if (Atomics.compareExchange(control, CONTROL.CLAIM, v, v + 1) === v) return v & 15;
  }
}
