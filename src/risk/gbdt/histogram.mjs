// @ts-check
/**
 * Building gradient histograms, the learner's inner loop, in plain JavaScript so that the helper
 * thread (histogram-thread.mjs) runs the same code without the TypeScript loader. Types:
 * histogram.d.mts.
 */

export const HIST_BINS = 256;
/** Per bin: gradient sum, hessian sum, row count. */
export const STRIDE = 3;

/**
 * Slots of the Int32Array through which the training thread hands jobs to the helper thread
 * (histogram-team.ts, histogram-thread.mjs): the job's number, the last job done, the histogram,
 * the rows, how many features, whether to stop, and the last job claimed (by either thread).
 */
export const CONTROL = Object.freeze({ SEQ: 0, DONE: 1, HIST: 2, START: 3, END: 4, COUNT: 5, STOP: 6, CLAIM: 7, SIZE: 8 });

/**
 * Fills the histograms of features[first], features[first + step], … (of the first `count`) from the
 * rows order[start..end), whose gradients and hessians are gathered in g[0..] and h[0..].
 * @param {Float64Array} hist
 * @param {readonly Uint8Array[]} bins
 * @param {Uint32Array} order
 * @param {number} start
 * @param {number} end
 * @param {Float64Array} g
 * @param {Float64Array} h
 * @param {ArrayLike<number>} features
 * @param {number} count
 * @param {number} first
 * @param {number} step
 */
export function buildHistograms(hist, bins, order, start, end, g, h, features, count, first, step) {
  const n = end - start;
  for (let k = first; k < count; k += step) {
    const f = features[k];
    const off = f * HIST_BINS * STRIDE;
    hist.fill(0, off, off + HIST_BINS * STRIDE);
    const col = bins[f];
    for (let i = 0; i < n; i++) {
      const o = off + col[order[start + i]] * STRIDE;
      hist[o] += g[i];
      hist[o + 1] += h[i];
      hist[o + 2] += 1;
    }
  }
}
