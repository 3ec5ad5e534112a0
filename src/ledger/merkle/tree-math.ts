import { PortcullisError } from '../../domain/errors.ts';
import type { NodeId } from './node-id.ts';

/**
 * Arithmetic on tree sizes and indices as JS numbers. Sizes reach 2^40 and beyond, past the 32
 * bits that `>>`, `&` and `Math.clz32` work on, so everything here is division by powers of two
 * (exact for safe integers) and `Math.log2` corrected by one step where it rounds.
 */

/** ⌊log2 x⌋ for a safe integer x ≥ 1. */
export function floorLog2(x: number): number {
  let l = Math.floor(Math.log2(x));
  if (2 ** l > x) l--;
  else if (2 ** (l + 1) <= x) l++;
  return l;
}

export function isPowerOfTwo(x: number): boolean {
  return x >= 1 && 2 ** floorLog2(x) === x;
}

/** Number of set bits of a safe integer x ≥ 0. */
export function bitCount(x: number): number {
  let n = 0;
  for (let v = x; v > 0; v = Math.floor(v / 2)) n += v % 2;
  return n;
}

/**
 * The complete nodes that make up the leaves [begin, end), largest (leftmost) first: one node per
 * set bit of end − begin. `begin` must be a multiple of the largest of them, which holds for
 * [0, size) and for every right-edge remainder a proof folds.
 */
export function rangeIds(begin: number, end: number, out: NodeId[] = []): NodeId[] {
  let pos = begin;
  let left = end - begin;
  if (left <= 0) return out;
  for (let level = floorLog2(left); level >= 0; level--) {
    const width = 2 ** level;
    if (left >= width) {
      out.push({ level, index: pos / width });
      pos += width;
      left -= width;
    }
  }
  return out;
}

/** Whether a value is a safe integer in [min, Number.MAX_SAFE_INTEGER]. */
export function isCount(x: unknown, min = 0): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= min;
}

/** Rejects a size or index that is not a safe integer ≥ min, naming the field. */
export function checkCount(x: number, field: string, min = 0): void {
  if (!isCount(x, min)) {
    throw new PortcullisError('INVALID_INPUT', `${field} ${x} is not an integer in [${min}, 2^53 − 1]`, [
      { field, problem: String(x), expected: `an integer in [${min}, 2^53 − 1]` },
    ]);
  }
}
