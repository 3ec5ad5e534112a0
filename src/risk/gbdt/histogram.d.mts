export const STRIDE: 3;
export const CHUNKS: 8;
export const CONTROL: Readonly<{ SEQ: 0; CLAIM: 1; DONE: 2; HIST: 3; START: 4; END: 5; STOP: 6; SIZE: 8 }>;
export function buildHistogram(
  hist: Float64Array,
  index: Uint16Array | Uint32Array,
  F: number,
  offsets: Int32Array,
  order: Uint32Array,
  start: number,
  end: number,
  gh: Float64Array,
  runs: Int32Array,
  first: number,
  last: number,
): void;
export function featureRuns(features: ArrayLike<number>): { runs: Int32Array; bounds: Int32Array };
export function claimChunk(control: Int32Array, seq: number): number;
