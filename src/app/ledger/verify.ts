import { commitCanonical } from '../../ledger/entry/commitment.ts';
import { entryLeafHash, entrySignatureValid, type Entry } from '../../ledger/entry/entry.ts';
import { appendLeaves, emptyRange, hashesEqual, rootOf, type CompactRange } from '../../ledger/merkle/index.ts';
import { openCheckpoint, parseVerifierKey, verifyCosignature, type Verifier } from '../../ledger/note/index.ts';
import type { LedgerRepo, StoredCheckpoint } from '../../store/index.ts';

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

export interface VerifyOptions {
  /** The log's verifier key; the service's own when not given. */
  readonly logKey: string;
  /** Also check every entry's signature against its party's registered key (about 75 µs an entry). */
  readonly signatures: boolean;
  /** Also check every payload against its entry's commitment. */
  readonly payloads: boolean;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly entries: number;
  readonly checkpoints: number;
  readonly latest: { readonly size: number; readonly root: string } | null;
  readonly root: string;
  readonly checked: { readonly leaves: number; readonly nodes: number; readonly payloads: number; readonly signatures: number; readonly cosignatures: number };
  /** The first findings (at most MAX_FINDINGS), and how many there were. */
  readonly findings: readonly Finding[];
  readonly findingCount: number;
  readonly seconds: number;
}

/** Entries per read: a power of two, so that pages hold whole subtrees. */
const PAGE = 16_384;
const MAX_FINDINGS = 200;
const b64 = (h: Uint8Array) => Buffer.from(h.buffer, h.byteOffset, h.byteLength).toString('base64');

/**
 * Re-computes the whole tree from the stored entries and checks, naming what fails: every
 * checkpoint's signature by the log's key and its stored root against its note; every entry's leaf
 * hash against the stored one; every stored tree node against the one re-computed; the root at each
 * checkpoint's size against that checkpoint; entries missing below the latest checkpoint; payloads
 * against their commitments; entry signatures (optional) and witnesses' cosignatures.
 */
export async function verifyLedger(repo: LedgerRepo, o: VerifyOptions): Promise<VerifyReport> {
  const started = performance.now();
  const findings: Finding[] = [];
  let findingCount = 0;
  // The highest entry index a finding so far concerns: a tree node over it differs only because of
  // that finding, and is not reported again (one tampered entry is one finding, not one per level).
  let lastBad = -1;
  const find = (f: Finding) => {
    if (f.node !== undefined) {
      const first = f.node.index * 2 ** f.node.level;
      const last = first + 2 ** f.node.level - 1;
      const derived = lastBad >= first;
      lastBad = Math.max(lastBad, last);
      if (derived) return;
    } else if (f.entry !== undefined) lastBad = Math.max(lastBad, f.entry);
    findingCount++;
    if (findings.length < MAX_FINDINGS) findings.push(f);
  };
  const log = parseVerifierKey(o.logKey);
  const checkpoints = await repo.checkpoints();
  const witnesses = new Map<string, Verifier>();
  for (const k of await repo.keys('witness')) witnesses.set(`${k.name}/${k.keyId}`, parseVerifierKey(k.vkey));
  let cosignatures = 0;
  for (const c of checkpoints) {
    cosignatures += await checkCheckpoint(repo, c, log, witnesses, find);
  }
  const size = await repo.size();
  const latest = checkpoints[checkpoints.length - 1];
  if (latest !== undefined && latest.size > size) {
    find({ check: 'checkpoint-beyond-entries', checkpoint: latest.size, message: `the latest checkpoint covers ${latest.size} entries but the store holds ${size}: entries ${size} to ${latest.size - 1} are missing` });
  }
  const parties = new Map<string, Verifier>();
  if (o.signatures) for (const k of await repo.keys('party')) parties.set(`${k.name}/${k.keyId}`, parseVerifierKey(k.vkey));

  let range: CompactRange = emptyRange();
  let nextCheckpoint = 0;
  const checked = { leaves: 0, nodes: 0, payloads: 0, signatures: 0, cosignatures };
  for (let from = 0; from < size; from += PAGE) {
    const to = Math.min(size, from + PAGE);
    const rows = await repo.scan(from, to, o.payloads);
    let expected = from;
    const hashes: Uint8Array[] = [];
    for (const r of rows) {
      const index = r[0];
      for (; expected < index; expected++) {
        find({ check: 'entry-missing', entry: expected, message: `entry ${expected} is missing from the store` });
        hashes.push(new Uint8Array(32));
      }
      expected = index + 1;
      const e: Entry = { type: r[1] as Entry['type'], party: r[2], keyId: r[3], time: r[4], corrects: r[5], commitment: r[6], signature: r[7] };
      const h = entryLeafHash(e);
      hashes.push(h);
      checked.leaves++;
      const stored = r[8];
      if (stored === null || !hashesEqual(stored, h)) find({ check: 'leaf-hash', entry: index, message: `entry ${index}: the stored leaf hash ${stored === null ? 'is missing' : 'differs from the hash of the entry as stored'}` });
      if (o.payloads) {
        const salt = r[9];
        const payload = r[10];
        if (salt === null || payload === null) find({ check: 'payload-missing', entry: index, message: `entry ${index}: its payload is missing from the store` });
        else if (commitCanonical(payload, Buffer.from(salt, 'base64')) !== e.commitment) find({ check: 'payload-commitment', entry: index, message: `entry ${index}: the stored payload does not match the entry's commitment` });
        else checked.payloads++;
      }
      if (o.signatures) {
        const v = parties.get(`${e.party}/${e.keyId}`);
        if (v === undefined || !entrySignatureValid(e, v)) find({ check: 'entry-signature', entry: index, message: `entry ${index}: ${v === undefined ? `no key ${e.keyId} is registered for party ${e.party}` : `the signature is not ${e.party}'s`}` });
        else checked.signatures++;
      }
    }
    for (; expected < to; expected++) {
      find({ check: 'entry-missing', entry: expected, message: `entry ${expected} is missing from the store` });
      hashes.push(new Uint8Array(32));
    }
    // Into the tree, stopping at each checkpoint's size to compare roots.
    let k = 0;
    while (k < hashes.length) {
      const target = nextCheckpoint < checkpoints.length ? checkpoints[nextCheckpoint]!.size - from : Infinity;
      const end = target > k && target < hashes.length ? target : hashes.length;
      const appended = appendLeaves(range, hashes.slice(k, end));
      range = appended.range;
      checked.nodes += await compareNodes(repo, appended.nodes, find);
      k = end;
      for (; nextCheckpoint < checkpoints.length && checkpoints[nextCheckpoint]!.size <= range.size; nextCheckpoint++) {
        const c = checkpoints[nextCheckpoint]!;
        if (c.size === range.size && b64(rootOf(range)) !== c.root) {
          find({ check: 'checkpoint-root', checkpoint: c.size, message: `checkpoint of ${c.size} entries: its root differs from the root re-computed from the stored entries` });
        }
      }
    }
    o.onProgress?.(to, size);
  }
  const root = b64(rootOf(range));
  return {
    ok: findingCount === 0, entries: size, checkpoints: checkpoints.length,
    latest: latest === undefined ? null : { size: latest.size, root: latest.root }, root, checked, findings, findingCount,
    seconds: Math.round((performance.now() - started) / 10) / 100,
  };
}

async function compareNodes(repo: LedgerRepo, nodes: readonly { level: number; index: number; hash: Uint8Array }[], find: (f: Finding) => void): Promise<number> {
  const byLevel = new Map<number, { index: number; hash: Uint8Array }[]>();
  for (const n of nodes) {
    let l = byLevel.get(n.level);
    if (l === undefined) byLevel.set(n.level, (l = []));
    l.push(n);
  }
  let count = 0;
  for (const [level, list] of byLevel) {
    const stored = await repo.levelNodes(level, list[0]!.index, list[list.length - 1]!.index + 1);
    // Both lists ascend by index: walk them together.
    let k = 0;
    for (const n of list) {
      count++;
      while (k < stored.length && stored[k]!.index < n.index) k++;
      const s = k < stored.length && stored[k]!.index === n.index ? stored[k]!.hash : undefined;
      if (s === undefined || !hashesEqual(s, n.hash)) {
        const first = n.index * 2 ** level;
        find({ check: 'node', node: { level, index: n.index }, message: `tree node at level ${level}, index ${n.index} (entries ${first} to ${first + 2 ** level - 1}): the stored hash ${s === undefined ? 'is missing' : 'differs from the one re-computed from the entries'}` });
      }
    }
  }
  return count;
}

async function checkCheckpoint(repo: LedgerRepo, c: StoredCheckpoint, log: Verifier, witnesses: Map<string, Verifier>, find: (f: Finding) => void): Promise<number> {
  let opened;
  try {
    opened = openCheckpoint(c.note, log);
  } catch (e) {
    find({ check: 'checkpoint-signature', checkpoint: c.size, message: `checkpoint of ${c.size} entries: its note does not verify with the log's key ${log.name}+${log.keyId.toString(16).padStart(8, '0')} (${(e as Error).message})` });
    return 0;
  }
  const cp = opened.checkpoint;
  if (cp.size !== c.size || b64(cp.root) !== c.root) {
    find({ check: 'checkpoint-body', checkpoint: c.size, message: `checkpoint of ${c.size} entries: the stored size or root differs from its signed note (size ${cp.size}, root ${b64(cp.root)})` });
  }
  let n = 0;
  for (const s of await repo.cosignatures(c.size)) {
    const v = witnesses.get(`${s.witness}/${s.keyId}`);
    try {
      if (v === undefined) throw new Error(`no witness key ${s.witness}/${s.keyId} is registered`);
      verifyCosignature(opened.text, s.line, v);
      n++;
    } catch (e) {
      find({ check: 'cosignature', checkpoint: c.size, message: `checkpoint of ${c.size} entries: the cosignature of ${s.witness} does not verify (${(e as Error).message})` });
    }
  }
  return n;
}
