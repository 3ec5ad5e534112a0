import { commitmentOf } from '../entry/commitment.ts';
import { entryLeafHash, entrySignatureValid, type Entry, type EntryVerifier } from '../entry/entry.ts';
import { hashesEqual, nodeHash } from '../merkle/index.ts';
import { Findings } from './finding.ts';

/**
 * The audit of one page of the log, on its own: a page is PAGE_LEVEL levels of the tree, its first
 * entry a multiple of 2^PAGE_LEVEL, so every tree node inside it covers entries of this page only
 * and pages can be audited in any order, by several threads. For each entry: the leaf hash
 * re-computed against the stored one, the payload against the commitment, the party's signature
 * (when asked); then every complete node inside the page re-computed and compared with the stored
 * one. What the page gives back for the rest of the tree: its compact range at its end (its root,
 * when complete) and at each checkpoint size inside it.
 */
export const PAGE_LEVEL = 14;
export const PAGE = 2 ** PAGE_LEVEL;

/** An entry as read from the store: its fields, salt and payload (null when missing). */
export type PageRow = readonly [
  index: number, type: string, party: string, keyId: string, time: string, corrects: number | null, commitment: string, signature: string,
  salt: string | null, payload: string | null,
];

/**
 * The stored nodes of one level inside the page (level 0: the leaf hashes): all of them, end to
 * end in one buffer from the page's first node of that level, as the store gives them when none is
 * missing or malformed; otherwise as rows, ascending by index.
 */
export type StoredLevel =
  | { readonly packed: Uint8Array }
  | { readonly rows: readonly { readonly index: number; readonly hash: Uint8Array }[] };

export interface PageInput {
  readonly from: number;
  readonly to: number;
  /** In index order; consumed once, as they come. */
  readonly rows: Iterable<PageRow>;
  /** Stored nodes of `level` (0 … PAGE_LEVEL) inside the page. */
  readonly stored: (level: number) => StoredLevel;
  /** Checkpoint sizes s with from < s ≤ to. */
  readonly checkpoints: readonly number[];
  readonly payloads: boolean;
  /** Parties' keys by "name/keyid", when signatures are to be checked. */
  readonly parties?: ReadonlyMap<string, EntryVerifier>;
}

export interface PageResult {
  readonly from: number;
  readonly to: number;
  readonly findings: Findings;
  readonly checked: { leaves: number; nodes: number; payloads: number; signatures: number };
  /** The page's compact range at `to` (one hash, its root, when the page is complete). */
  readonly range: Uint8Array[];
  /** The page's compact range at each checkpoint size inside it. */
  readonly atCheckpoints: [size: number, range: Uint8Array[]][];
}

const ZERO = new Uint8Array(32);

/**
 * Looks stored nodes of a level up in index order: whether the node at `index` is stored as `hash`
 * ('same'), with another hash ('differs') or not at all ('missing').
 */
function storedLookup(level: StoredLevel, first: number): (index: number, hash: Uint8Array) => 'same' | 'differs' | 'missing' {
  if ('packed' in level) {
    const p = level.packed;
    return (index, hash) => {
      const at = (index - first) * 32;
      if (at + 32 > p.length) return 'missing';
      for (let b = 0; b < 32; b++) if (p[at + b] !== hash[b]) return 'differs';
      return 'same';
    };
  }
  const rows = level.rows;
  let k = 0;
  return (index, hash) => {
    while (k < rows.length && rows[k]!.index < index) k++;
    if (k === rows.length || rows[k]!.index !== index) return 'missing';
    return hashesEqual(rows[k]!.hash, hash) ? 'same' : 'differs';
  };
}

export function auditPage(p: PageInput): PageResult {
  const findings = new Findings();
  const checked = { leaves: 0, nodes: 0, payloads: 0, signatures: 0 };
  const leaves: Uint8Array[] = [];
  let expected = p.from;
  const missing = (to: number) => {
    for (; expected < to; expected++) {
      findings.add({ check: 'entry-missing', entry: expected, message: `entry ${expected} is missing from the store` });
      leaves.push(ZERO);
    }
  };
  const storedLeaf = storedLookup(p.stored(0), p.from);
  for (const r of p.rows) {
    const index = r[0];
    missing(index);
    expected = index + 1;
    const e: Entry = { type: r[1] as Entry['type'], party: r[2], keyId: r[3], time: r[4], corrects: r[5], commitment: r[6], signature: r[7] };
    const h = entryLeafHash(e);
    leaves.push(h);
    checked.leaves++;
    const stored = storedLeaf(index, h);
    if (stored !== 'same') findings.add({ check: 'leaf-hash', entry: index, message: `entry ${index}: the stored leaf hash ${stored === 'missing' ? 'is missing' : 'differs from the hash of the entry as stored'}` });
    if (p.payloads) {
      const salt = r[8];
      const payload = r[9];
      if (salt === null || payload === null) findings.add({ check: 'payload-missing', entry: index, message: `entry ${index}: its payload is missing from the store` });
      else if (commitmentOf(payload, salt) !== e.commitment) findings.add({ check: 'payload-commitment', entry: index, message: `entry ${index}: the stored payload does not match the entry's commitment` });
      else checked.payloads++;
    }
    if (p.parties !== undefined) {
      const v = p.parties.get(`${e.party}/${e.keyId}`);
      if (v === undefined || !entrySignatureValid(e, v)) findings.add({ check: 'entry-signature', entry: index, message: `entry ${index}: ${v === undefined ? `no key ${e.keyId} is registered for party ${e.party}` : `the signature is not ${e.party}'s`}` });
      else checked.signatures++;
    }
  }
  missing(p.to);

  // The nodes inside the page, level by level, against the stored ones.
  const range: Uint8Array[] = [];
  const atCheckpoints: [number, Uint8Array[]][] = [];
  const computed: Uint8Array[][] = [leaves];
  for (let level = 1; level <= PAGE_LEVEL; level++) {
    const below = computed[level - 1]!;
    const here: Uint8Array[] = [];
    for (let i = 0; i + 1 < below.length; i += 2) here.push(nodeHash(below[i]!, below[i + 1]!));
    computed.push(here);
    if (here.length === 0) break;
    const first = p.from / 2 ** level;
    const stored = storedLookup(p.stored(level), first);
    for (let i = 0; i < here.length; i++) {
      const s = stored(first + i, here[i]!);
      checked.nodes++;
      if (s !== 'same') findings.nodeMismatch(level, first + i, s === 'differs');
    }
  }
  // The compact range of the page's first n leaves: the complete node of each set bit of n, largest first.
  const rangeAt = (n: number): Uint8Array[] => {
    const out: Uint8Array[] = [];
    let offset = 0;
    for (let level = PAGE_LEVEL; level >= 0; level--) {
      const size = 2 ** level;
      if (n - offset >= size) {
        out.push(computed[level]![offset / size]!);
        offset += size;
      }
    }
    return out;
  };
  for (const s of p.checkpoints) atCheckpoints.push([s, rangeAt(s - p.from)]);
  range.push(...rangeAt(p.to - p.from));
  return { from: p.from, to: p.to, findings, checked, range, atCheckpoints };
}
