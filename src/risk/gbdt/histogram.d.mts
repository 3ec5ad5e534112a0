export const HIST_BINS: 256;
export const STRIDE: 3;
export const CONTROL: Readonly<{ SEQ: 0; DONE: 1; HIST: 2; START: 3; END: 4; COUNT: 5; STOP: 6; CLAIM: 7; SIZE: 8 }>;
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
