import { PortcullisError } from '../../domain/errors.ts';
import { EMPTY_ROOT, HASH_SIZE, nodeHash } from './hash.ts';
import type { NodeId, StoredNode } from './node-id.ts';
import { bitCount, checkCount, rangeIds } from './tree-math.ts';

/**
 * The right edge of a log of `size` leaves: the roots of the perfect subtrees that make up
 * [0, size), largest (leftmost) first — one per set bit of `size`. It is all that is needed to
 * append leaves and to compute the root, so an append never reads the rest of the tree.
 */
export interface CompactRange {
  readonly size: number;
  readonly hashes: readonly Uint8Array[];
}

export function emptyRange(): CompactRange {
  return { size: 0, hashes: [] };
}

/**
 * Appends leaf hashes and lists every node of level ≥ 1 that the append completes, in the order
 * they complete, for storage to persist (so that proofs never recompute a subtree).
 */
export function appendLeaves(
  range: CompactRange,
  leafHashes: readonly Uint8Array[],
): { range: CompactRange; nodes: StoredNode[] } {
  if (range.size + leafHashes.length > Number.MAX_SAFE_INTEGER) {
    throw new PortcullisError('INVALID_INPUT', `appending ${leafHashes.length} leaves to a log of ${range.size} would pass 2^53 − 1 leaves`);
  }
  const hashes = range.hashes.slice();
  const nodes: StoredNode[] = [];
  let size = range.size;
  for (let i = 0; i < leafHashes.length; i++) {
    const leaf = leafHashes[i]!;
    if (leaf.length !== HASH_SIZE) {
      throw new PortcullisError('INVALID_INPUT', `leaf hash ${i} has ${leaf.length} bytes, expected ${HASH_SIZE}`, [
        { row: i, field: 'leafHash', problem: `${leaf.length} bytes`, expected: `${HASH_SIZE} bytes` },
      ]);
    }
    pushLeaf(hashes, size, leaf, nodes);
    size++;
  }
  return { range: { size, hashes }, nodes };
}

/**
 * Adds the leaf at position `size` to the hashes of a compact range, in place: while the new
 * subtree has a left sibling of its own height on the stack, the two merge into their parent.
 */
export function pushLeaf(hashes: Uint8Array[], size: number, leaf: Uint8Array, nodes?: StoredNode[]): void {
  let hash = leaf;
  let index = size;
  let level = 0;
  while (index % 2 === 1) {
    hash = nodeHash(hashes.pop()!, hash);
    index = (index - 1) / 2;
    level++;
    nodes?.push({ level, index, hash });
  }
  hashes.push(hash);
}

/** The tree head: MTH of the leaves, folding the range from the right; EMPTY_ROOT for size 0. */
export function rootOf(range: CompactRange): Uint8Array {
  return foldRight(range.hashes);
}

/** H(h0, H(h1, … H(hn−2, hn−1))) — how RFC 9162 joins a run of perfect subtrees into one. */
export function foldRight(hashes: readonly Uint8Array[], from = 0, to = hashes.length): Uint8Array {
  if (to <= from) return EMPTY_ROOT;
  let hash = hashes[to - 1]!;
  for (let i = to - 2; i >= from; i--) hash = nodeHash(hashes[i]!, hash);
  return hash;
}

/** Which complete nodes make up the compact range of a tree of `size` leaves, in range order. */
export function rangeNodeIds(size: number): NodeId[] {
  checkCount(size, 'size');
  return rangeIds(0, size);
}

/** A compact range from the hashes of `rangeNodeIds(size)`, as storage reloads it after a restart. */
export function rangeFrom(size: number, hashes: readonly Uint8Array[]): CompactRange {
  checkCount(size, 'size');
  const want = bitCount(size);
  if (hashes.length !== want) {
    throw new PortcullisError('INVALID_INPUT', `a tree of ${size} leaves has ${want} range hashes, got ${hashes.length}`, [
      { field: 'hashes', problem: `${hashes.length} hashes`, expected: `${want} (one per set bit of the size)` },
    ]);
  }
  hashes.forEach((h, i) => {
    if (h.length !== HASH_SIZE) {
      throw new PortcullisError('INVALID_INPUT', `range hash ${i} has ${h.length} bytes, expected ${HASH_SIZE}`, [
        { row: i, field: 'hashes', problem: `${h.length} bytes`, expected: `${HASH_SIZE} bytes` },
      ]);
    }
  });
  return { size, hashes: hashes.slice() };
}
