import type { RawBatch } from './sqlite-batch-writer.mjs';

/** A batch of rows as one string of values and their tags (see sqlite-batch-codec.mjs). */
export interface PackedBatch {
  /** The text values, joined with NUL. */
  readonly text: string;
  readonly texts: number;
  readonly numbers: Float64Array;
  readonly tags: Uint8Array;
  readonly itemCounts: Uint16Array;
  readonly declarationWidth: number;
  readonly itemWidth: number;
}

export function packRows(itemCounts: Uint16Array, declarationWidth: number, itemWidth: number, visit: (put: (v: unknown) => void) => void): PackedBatch | undefined;
export function packBatch(batch: RawBatch): PackedBatch | undefined;
export function unpackBatch(packed: PackedBatch): RawBatch;
