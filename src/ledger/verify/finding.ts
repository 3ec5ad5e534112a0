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
 * because of that one (one tampered entry is one finding, not one per level above it). A node must
 * come after the findings below it (the entries, then the nodes level by level, as verification
 * goes); a node that covers no named entry or node is always named, whatever came before it.
 */
export class Findings {
  readonly list: Finding[] = [];
  count = 0;
  /** The entry ranges named so far, [first, last] pairs, sorted and disjoint (adjacent ones merged). */
  private readonly bad: number[] = [];
  constructor(private readonly max = Number.POSITIVE_INFINITY) {}

  add(f: Finding): void {
    if (f.node !== undefined) {
      const first = f.node.index * 2 ** f.node.level;
      const last = first + 2 ** f.node.level - 1;
      const derived = this.covers(first, last);
      this.mark(first, last);
      if (derived) return;
    } else if (f.entry !== undefined) this.mark(f.entry, f.entry);
    this.count++;
    if (this.list.length < this.max) this.list.push(f);
  }

  nodeMismatch(level: number, index: number, stored: boolean): void {
    const first = index * 2 ** level;
    this.add({ check: 'node', node: { level, index }, message: `tree node at level ${level}, index ${index} (entries ${first} to ${first + 2 ** level - 1}): the stored hash ${stored ? 'differs from the one re-computed from the entries' : 'is missing'}` });
  }

  /** The position of the first range whose end is ≥ at (or the number of ranges). */
  private firstEndingFrom(at: number): number {
    let lo = 0;
    let hi = this.bad.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.bad[2 * mid + 1]! < at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private covers(first: number, last: number): boolean {
    const k = this.firstEndingFrom(first);
    return k < this.bad.length / 2 && this.bad[2 * k]! <= last;
  }

  private mark(first: number, last: number): void {
    // Ranges that overlap or touch [first, last] are merged with it (most findings come in order,
    // so this is usually at the end).
    const k = this.firstEndingFrom(first - 1);
    let end = k;
    while (end < this.bad.length / 2 && this.bad[2 * end]! <= last + 1) {
      first = Math.min(first, this.bad[2 * end]!);
      last = Math.max(last, this.bad[2 * end + 1]!);
      end++;
    }
    this.bad.splice(2 * k, 2 * (end - k), first, last);
  }
}
