/** What `ledger verify` checks; each finding names one. */
export type LedgerCheck =
  | 'checkpoint-signature'
  | 'checkpoint-body'
  | 'checkpoint-root'
  | 'checkpoint-beyond-entries'
  | 'entry-missing'
  | 'leaf-hash'
  | 'node'
  | 'payload-commitment'
  | 'payload-missing'
  | 'entry-signature'
  | 'cosignature';

export interface Finding {
  readonly check: LedgerCheck;
  /** The entry concerned, when one is. */
  readonly entry?: number;
  /** The tree node concerned: level and index (it covers entries index·2^level to (index+1)·2^level − 1). */
  readonly node?: { readonly level: number; readonly index: number };
  /** The checkpoint concerned, by its tree size. */
  readonly checkpoint?: number;
  readonly message: string;
}

/**
 * Collects findings, leaving out a tree node over an entry or node already named: it differs only
 * because of that one (one tampered entry is one finding, not one per level above it). Findings
 * must come in the order of the entries they concern.
 */
export class Findings {
  readonly list: Finding[] = [];
  count = 0;
  private lastBad = -1;
  constructor(private readonly max = Number.POSITIVE_INFINITY) {}

  add(f: Finding): void {
    if (f.node !== undefined) {
      const first = f.node.index * 2 ** f.node.level;
      const derived = this.lastBad >= first;
      this.lastBad = Math.max(this.lastBad, first + 2 ** f.node.level - 1);
      if (derived) return;
    } else if (f.entry !== undefined) this.lastBad = Math.max(this.lastBad, f.entry);
    this.count++;
    if (this.list.length < this.max) this.list.push(f);
  }

  nodeMismatch(level: number, index: number, stored: boolean): void {
    const first = index * 2 ** level;
    this.add({ check: 'node', node: { level, index }, message: `tree node at level ${level}, index ${index} (entries ${first} to ${first + 2 ** level - 1}): the stored hash ${stored ? 'differs from the one re-computed from the entries' : 'is missing'}` });
  }
}
