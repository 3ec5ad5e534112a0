import { appendLeaves, emptyRange, leafHash, nodeHash, rootOf, EMPTY_ROOT, type CompactRange, type NodeId } from '../../../src/ledger/merkle/index.ts';

/**
 * Test helpers: the RFC 9162 §2.1 definitions written out recursively (MTH, PATH, PROOF), as an
 * independent reference for the iterative code, and an in-memory node store filled by
 * `appendLeaves` the way the storage layer will fill its table.
 */

const largestPowerOfTwoBelow = (n: number) => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

/** MTH(D[lo:hi]) by the recursive definition. */
export function mth(leaves: readonly Uint8Array[], lo = 0, hi = leaves.length): Uint8Array {
  if (hi - lo === 0) return EMPTY_ROOT;
  if (hi - lo === 1) return leaves[lo]!;
  const k = largestPowerOfTwoBelow(hi - lo);
  return nodeHash(mth(leaves, lo, lo + k), mth(leaves, lo + k, hi));
}

/** PATH(m, D[lo:hi]), m relative to lo. */
export function path(leaves: readonly Uint8Array[], m: number, lo = 0, hi = leaves.length): Uint8Array[] {
  if (hi - lo <= 1) return [];
  const k = largestPowerOfTwoBelow(hi - lo);
  return m < k
    ? [...path(leaves, m, lo, lo + k), mth(leaves, lo + k, hi)]
    : [...path(leaves, m - k, lo + k, hi), mth(leaves, lo, lo + k)];
}

/** PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true). */
export function consistency(leaves: readonly Uint8Array[], m: number, lo = 0, hi = leaves.length, fromStart = true): Uint8Array[] {
  const n = hi - lo;
  if (m === n) return fromStart ? [] : [mth(leaves, lo, hi)];
  const k = largestPowerOfTwoBelow(n);
  return m <= k
    ? [...consistency(leaves, m, lo, lo + k, fromStart), mth(leaves, lo + k, hi)]
    : [...consistency(leaves, m - k, lo + k, hi, false), mth(leaves, lo, lo + k)];
}

/** Distinct leaf hashes for leaf inputs 0, 1, 2, … (4-byte big-endian). */
export function makeLeaves(n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => leafHash(new Uint8Array([i >>> 24, (i >>> 16) & 255, (i >>> 8) & 255, i & 255])));
}

export const key = (id: NodeId) => `${id.level}:${id.index}`;

/** Every complete node of a log, as storage would hold it, plus the root after each size. */
export interface MemoryLog {
  readonly leaves: readonly Uint8Array[];
  readonly nodes: ReadonlyMap<string, Uint8Array>;
  readonly roots: readonly Uint8Array[];
  readonly range: CompactRange;
}

export function memoryLog(leaves: readonly Uint8Array[]): MemoryLog {
  const nodes = new Map<string, Uint8Array>();
  const roots: Uint8Array[] = [EMPTY_ROOT];
  let range = emptyRange();
  leaves.forEach((leaf, index) => {
    nodes.set(key({ level: 0, index }), leaf);
    const out = appendLeaves(range, [leaf]);
    for (const n of out.nodes) nodes.set(key(n), n.hash);
    range = out.range;
    roots.push(rootOf(range));
  });
  return { leaves, nodes, roots, range };
}

/** Hashes for a plan's ids, failing the test if the plan asks for a node that is not complete at `size`. */
export function fetch(log: MemoryLog, ids: readonly NodeId[], size: number): Uint8Array[] {
  return ids.map((id) => {
    if ((id.index + 1) * 2 ** id.level > size) throw new Error(`plan asks for node ${key(id)}, not complete in a tree of ${size}`);
    const h = log.nodes.get(key(id));
    if (h === undefined) throw new Error(`plan asks for node ${key(id)}, which the store does not hold`);
    return h;
  });
}

export const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
