import { entryLeafHash, type Entry } from '../entry/entry.ts';
import { appendLeaves, rootOf, type CompactRange, type StoredNode } from '../merkle/index.ts';

/**
 * The pure step of the log (Tessera's "integrate"): new entries in, the tree's new right edge, every
 * node they complete (leaves included, so storage can serve any proof without recomputing) and the
 * new root out. The sequencer stores the nodes with the entries in one transaction.
 */
export interface Integrated {
  readonly range: CompactRange;
  readonly nodes: StoredNode[];
  readonly root: Uint8Array;
}

export function integrate(range: CompactRange, entries: readonly Entry[]): Integrated {
  const leaves = entries.map((e) => entryLeafHash(e));
  const appended = appendLeaves(range, leaves);
  const nodes: StoredNode[] = leaves.map((hash, i) => ({ level: 0, index: range.size + i, hash }));
  for (const n of appended.nodes) nodes.push(n);
  return { range: appended.range, nodes, root: rootOf(appended.range) };
}
