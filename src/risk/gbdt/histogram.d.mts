export const HIST_BINS: 256;
export const STRIDE: 3;
export function buildHistograms(
  hist: Float64Array,
  bins: readonly Uint8Array[],
  order: Uint32Array,
  start: number,
  end: number,
  g: Float64Array,
  h: Float64Array,
  features: ArrayLike<number>,
  count: number,
  first: number,
  step: number,
): void;
