import { PortcullisError } from '../../domain/errors.ts';
import { foldRight } from './compact-range.ts';
import { HASH_SIZE } from './hash.ts';
import type { NodeId } from './node-id.ts';
import { checkCount, floorLog2, isPowerOfTwo, rangeIds } from './tree-math.ts';

/**
 * A proof in two steps, so that storage fetches every hash it needs in one query: `ids` lists the
 * distinct complete nodes to read (level 0 = leaf hashes), and `assemble` turns their hashes,
 * given in `ids` order, into the proof in RFC 9162 order (deepest element first).
 *
 * A proof element is either one complete node or, at most once per proof, the root of a subtree
 * on the right edge of a tree whose size is not a power of two. That subtree is not complete, so
 * it is folded from the complete nodes that make it up (transparency-dev/merkle calls it the
 * ephemeral node). `ids` keeps each element's nodes together, in proof order.
 */
export interface ProofPlan {
  readonly ids: readonly NodeId[];
  assemble(hashes: readonly Uint8Array[]): Uint8Array[];
}

/** The audit path PATH(index, D[0:size]) of RFC 9162 §2.1.3.1. */
export function inclusionPlan(index: number, size: number): ProofPlan {
  checkCount(size, 'size', 1);
  checkCount(index, 'index');
  if (index >= size) {
    throw new PortcullisError('INVALID_INPUT', `leaf index ${index} is not in a tree of ${size} leaves`, [
      { field: 'index', problem: `${index} ≥ size ${size}`, expected: `an index below ${size}` },
    ]);
  }
  // Walk down from the root along the right edge while the subtree [begin, begin+width) is not
  // perfect; each step leaves one sibling behind (collected top-down, reversed at the end).
  const upper: NodeId[][] = [];
  let begin = 0;
  let width = size;
  while (!isPowerOfTwo(width)) {
    const level = floorLog2(width - 1);
    const half = 2 ** level;
    if (index < begin + half) {
      upper.push(rangeIds(begin + half, begin + width));
      width = half;
    } else {
      upper.push([{ level, index: begin / half }]);
      begin += half;
      width -= half;
    }
  }
  // Inside a perfect subtree every sibling is a complete node: at level L, the neighbour of the
  // node holding the leaf.
  const groups: NodeId[][] = [];
  const height = floorLog2(width);
  for (let level = 0; level < height; level++) {
    const at = Math.floor(index / 2 ** level);
    groups.push([{ level, index: at % 2 === 1 ? at - 1 : at + 1 }]);
  }
  for (let i = upper.length - 1; i >= 0; i--) groups.push(upper[i]!);
  return planOf(groups);
}

/** The consistency proof PROOF(size1, D[0:size2]) of RFC 9162 §2.1.4.1; empty when the sizes are equal. */
export function consistencyPlan(size1: number, size2: number): ProofPlan {
  checkCount(size1, 'size1', 1);
  checkCount(size2, 'size2', 1);
  if (size1 > size2) {
    throw new PortcullisError('INVALID_INPUT', `size1 ${size1} is larger than size2 ${size2}: a log only grows`, [
      { field: 'size1', problem: `${size1} > size2 ${size2}`, expected: 'size1 ≤ size2' },
    ]);
  }
  // SUBPROOF(m, D[begin:begin+width], fromStart), unrolled top-down.
  const groups: NodeId[][] = [];
  let begin = 0;
  let width = size2;
  let m = size1;
  let fromStart = true;
  while (m !== width) {
    const level = floorLog2(width - 1);
    const half = 2 ** level;
    if (m <= half) {
      groups.push(rangeIds(begin + half, begin + width));
      width = half;
    } else {
      groups.push([{ level, index: begin / half }]);
      begin += half;
      width -= half;
      m -= half;
      fromStart = false;
    }
  }
  // The old tree's last subtree [begin, begin+width) is always perfect here; RFC 9162 leaves it
  // out when it is the whole old tree (the verifier already has that root).
  if (!fromStart) groups.push([{ level: floorLog2(width), index: begin / width }]);
  groups.reverse();
  return planOf(groups);
}

function planOf(groups: readonly NodeId[][]): ProofPlan {
  const ids = groups.flat();
  return {
    ids,
    assemble(hashes) {
      if (hashes.length !== ids.length) {
        throw new PortcullisError('INVALID_INPUT', `proof plan needs ${ids.length} hashes, got ${hashes.length}`, [
          { field: 'hashes', problem: `${hashes.length} hashes`, expected: `${ids.length}, in ids order` },
        ]);
      }
      hashes.forEach((h, i) => {
        if (h.length !== HASH_SIZE) {
          const id = ids[i]!;
          throw new PortcullisError('INVALID_INPUT', `hash of node (level ${id.level}, index ${id.index}) has ${h.length} bytes, expected ${HASH_SIZE}`, [
            { row: i, field: 'hashes', problem: `${h.length} bytes`, expected: `${HASH_SIZE} bytes` },
          ]);
        }
      });
      const proof: Uint8Array[] = [];
      let at = 0;
      for (const group of groups) {
        proof.push(group.length === 1 ? hashes[at]! : foldRight(hashes, at, at + group.length));
        at += group.length;
      }
      return proof;
    },
  };
}
