import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { foldRight, hashesEqual, nodeHash } from '../../ledger/merkle/index.ts';
import { openCheckpoint, parseVerifierKey, verifyCosignature, type Verifier } from '../../ledger/note/index.ts';
import { Findings, type Finding } from '../../ledger/verify/finding.ts';
import { PAGE, PAGE_LEVEL } from '../../ledger/verify/page-audit.ts';
import type { LedgerRepo, StoreConfig, StoredCheckpoint } from '../../store/index.ts';
import { readAndAuditPage, type PagePlan } from './verify-pages.ts';

export type { Finding, LedgerCheck } from '../../ledger/verify/finding.ts';

export interface VerifyOptions {
  /** The log's verifier key; the service's own when not given. */
  readonly logKey: string;
  /** Also check every entry's signature against its party's registered key (about 75 µs an entry). */
  readonly signatures: boolean;
  /** Also check every payload against its entry's commitment. */
  readonly payloads: boolean;
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Where the store is, so that threads can open connections of their own and audit pages in
   * parallel (one per core, at most `threads`); without it, or for an in-memory SQLite store, all
   * in this thread.
   */
  readonly store?: StoreConfig;
  readonly threads?: number;
  /** The data key ring (PORTCULLIS_DATA_KEYS form), for threads to open sealed payloads with; see app/security/data-keys.ts. */
  readonly dataKeys?: string;
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

const MAX_FINDINGS = 200;
/** Below this many pages (of 16,384 entries) verification runs in this thread, unless told otherwise. */
const THREADS_FROM_PAGES = 8;
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
  const findings = new Findings(MAX_FINDINGS);
  const find = (f: Finding) => findings.add(f);
  const log = parseVerifierKey(o.logKey);
  const checkpoints = await repo.checkpoints();
  const witnesses = new Map<string, Verifier>();
  for (const k of await repo.keys('witness')) witnesses.set(`${k.name}/${k.keyId}`, parseVerifierKey(k.vkey));
  let cosignatures = 0;
  for (const c of checkpoints) cosignatures += await checkCheckpoint(repo, c, log, witnesses, find);
  const size = await repo.size();
  const latest = checkpoints[checkpoints.length - 1];
  if (latest !== undefined && latest.size > size) {
    find({ check: 'checkpoint-beyond-entries', checkpoint: latest.size, message: `the latest checkpoint covers ${latest.size} entries but the store holds ${size}: entries ${size} to ${latest.size - 1} are missing` });
  }
  const partyKeys = o.signatures ? (await repo.keys('party')).map((k) => [`${k.name}/${k.keyId}`, k.vkey] as const) : null;

  const pages: PagePlan[] = [];
  for (let from = 0; from < size; from += PAGE) {
    const to = Math.min(size, from + PAGE);
    pages.push({ from, to, checkpoints: checkpoints.filter((c) => c.size > from && c.size <= to).map((c) => c.size) });
  }
  const rootAt = new Map(checkpoints.map((c) => [c.size, c.root]));
  const checked = { leaves: 0, nodes: 0, payloads: 0, signatures: 0, cosignatures };
  // The tree over whole pages: the compact range of [0, from), from a multiple of PAGE.
  const edge: Uint8Array[] = [];
  const merge = async (r: PageShape) => {
    for (const f of r.findings) find(f);
    checked.leaves += r.checked.leaves;
    checked.nodes += r.checked.nodes;
    checked.payloads += r.checked.payloads;
    checked.signatures += r.checked.signatures;
    for (const [s, inPage] of r.atCheckpoints) {
      if (b64(foldRight([...edge, ...inPage])) !== rootAt.get(s)) find({ check: 'checkpoint-root', checkpoint: s, message: `checkpoint of ${s} entries: its root differs from the root re-computed from the stored entries` });
    }
    if (r.to - r.from < PAGE) {
      edge.push(...r.range);
      return;
    }
    // A whole page is a perfect subtree: push it, and check each node it completes above the page.
    let hash = r.range[0]!;
    let index = r.from / PAGE;
    let level = PAGE_LEVEL;
    while (index % 2 === 1) {
      hash = nodeHash(edge.pop()!, hash);
      index = (index - 1) / 2;
      level++;
      const [stored] = await repo.levelNodes(level, index, index + 1);
      checked.nodes++;
      if (stored === undefined || !hashesEqual(stored.hash, hash)) findings.nodeMismatch(level, index, stored !== undefined);
    }
    edge.push(hash);
  };
  const report = (): VerifyReport => ({
    ok: findings.count === 0, entries: size, checkpoints: checkpoints.length,
    latest: latest === undefined ? null : { size: latest.size, root: latest.root }, root: b64(foldRight(edge)), checked, findings: findings.list, findingCount: findings.count,
    seconds: Math.round((performance.now() - started) / 10) / 100,
  });
  const parties = partyKeys === null ? undefined : new Map(partyKeys.map(([k, v]) => [k, parseVerifierKey(v)]));
  const auditHere = (page: PagePlan) => readAndAuditPage(repo, page, o.payloads, parties).then((r): PageShape => ({ ...r, findings: r.findings.list }));
  // A thread costs about a second to start (its loader and modules): worth it from a few pages on.
  const threads = Math.min(o.threads ?? (pages.length >= THREADS_FROM_PAGES ? availableParallelism() : 1), pages.length);
  const shared = o.store !== undefined && !(o.store.databaseUrl === undefined && o.store.sqliteFile === ':memory:');
  const onPage = async (r: PageShape) => {
    await merge(r);
    o.onProgress?.(r.to, size);
  };
  if (o.store !== undefined && shared && threads > 1) await inThreads(o.store, pages, threads - 1, o.payloads, partyKeys, auditHere, onPage, o.dataKeys ?? null);
  else for (const page of pages) await onPage(await auditHere(page));
  return report();
}

/** A page's result as it crosses from a thread (plain data). */
interface PageShape {
  readonly from: number;
  readonly to: number;
  readonly findings: readonly Finding[];
  readonly checked: { leaves: number; nodes: number; payloads: number; signatures: number };
  readonly range: readonly Uint8Array[];
  readonly atCheckpoints: readonly (readonly [number, readonly Uint8Array[]])[];
}

/**
 * Audits the pages in this thread and `workers` others, each with its own connection. Pages are
 * handed out as they are asked for (each worker holds two, so that it never waits for this thread,
 * which audits pages of its own between merges); results are merged in page order as they come,
 * since the tree above the pages is built in order.
 */
async function inThreads(
  store: StoreConfig, pages: readonly PagePlan[], workers: number, payloads: boolean, parties: readonly (readonly [string, string])[] | null,
  auditHere: (page: PagePlan) => Promise<PageShape>, merge: (r: PageShape) => Promise<void>, dataKeys: string | null,
): Promise<void> {
  const done = new Map<number, PageShape>();
  let handed = 0;
  let merged = 0;
  let merging = Promise.resolve();
  const take = () => (handed < pages.length ? pages[handed++]! : null);
  const arrived = (r: PageShape) => {
    done.set(r.from, r);
    merging = merging.then(async () => {
      while (merged < pages.length && done.has(pages[merged]!.from)) {
        const page = done.get(pages[merged]!.from)!;
        done.delete(page.from);
        merged++;
        await merge(page);
      }
    });
  };
  const threads = Array.from({ length: workers }, () => {
    // A large young generation: a page makes some hundred thousand short-lived rows, strings and
    // buffers, and with the default one the scavenger took a third of the time.
    const worker = new Worker(new URL('./verify-thread.mjs', import.meta.url), { workerData: { store, payloads, parties, dataKeys }, resourceLimits: { maxYoungGenerationSizeMb: 256 } });
    let holding = 0;
    const give = () => {
      const page = take();
      if (page === null) {
        if (holding === 0) worker.postMessage(null);
        return;
      }
      holding++;
      worker.postMessage(page);
    };
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (m: PageShape | 'ready') => {
        if (m === 'ready') {
          give();
          give();
          return;
        }
        holding--;
        arrived(m);
        give();
      });
      worker.on('error', reject);
      worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`a verification thread stopped (code ${code})`))));
    });
  });
  // This thread audits too, yielding between pages so that workers' results and requests are served.
  for (let page = take(); page !== null; page = take()) {
    arrived(await auditHere(page));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await Promise.all(threads);
  await merging;
  if (merged < pages.length) throw new Error(`ledger verification: ${pages.length - merged} pages were not audited`);
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
