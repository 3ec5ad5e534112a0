/**
 * A complete (perfect) subtree of the log: the node at `level` L and `index` i covers the leaves
 * [i·2^L, (i+1)·2^L). Level 0 nodes are the leaf hashes themselves. Both are plain `number`s,
 * exact up to 2^53, so the arithmetic on them uses division and powers of two, never 32-bit
 * bitwise operators.
 */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** A complete node together with its hash, as the storage layer persists it. */
export interface StoredNode extends NodeId {
  readonly hash: Uint8Array;
}
