/**
 * Ledger benchmarks (issue: Ledger).
 * - ledger-append-sqlite / -postgres: durable appends into a fresh database, in batches of 1,000 and
 *   10,000 entries. `record`: Ledger.record from 4 concurrent callers — the service's own path,
 *   which canonicalises, commits to and signs each entry (Ed25519) before the log appends it.
 *   `append`: the log's append alone on entries signed beforehand — integrate (leaf hashes, new
 *   nodes) and LedgerRepo.integrate's one durable transaction per batch (SQLite: BEGIN IMMEDIATE,
 *   then an fsync of the write-ahead log before the append resolves; PostgreSQL: a commit that waits
 *   for the WAL flush). On SQLite the same append without the fsync ('NORMAL'), and the latency of a
 *   one-entry durable commit both ways, show that the fsync happens; only the durable one counts. Target: ≥ 50,000 entries/s (SQLite), ≥ 10,000 (PostgreSQL),
 *   for the log's append at both batch sizes; `meetsTargetWithSigning` says the same of `record`.
 * - ledger-submit-sqlite / -postgres: Ledger.submit of entries a trader signed — the log checks
 *   each one's form, signature and commitment before it appends. Reported, no target.
 * - ledger-proofs-10m: a SQLite ledger whose tree has 10 × --ledger-size leaves (nodes written
 *   straight into ledger_nodes, cached in bench/out): Ledger.inclusionProof(i, size) and
 *   consistencyProof(m, size) for random i and m, 1,000 of each per round after 200 warm-up, each
 *   verified against the root (timed apart). Target: < 1 ms each (p99, the median of the rounds').
 * - ledger-verify-1m: verifyLedger on --ledger-size entries appended through the durable path
 *   (payloads of 300–800 bytes, a checkpoint every 100,000; cached in bench/out), with payloads
 *   checked, and (its own line) without; ledger-verify-signatures: with signatures on 100,000
 *   entries, per entry and extrapolated. Target: < 10 s per 1,000,000 entries.
 */
import { statSync } from 'node:fs';
import { sql } from 'kysely';
import pg from 'pg';
import { ledgerOf } from '../src/app/ledger/ledger.ts';
import { verifyLedger } from '../src/app/ledger/verify.ts';
import { emptyRange, rangeFrom, rangeNodeIds, rootOf, verifyConsistency, verifyInclusion, type CompactRange } from '../src/ledger/merkle/index.ts';
import { parseSignerKey } from '../src/ledger/note/index.ts';
import { SeededRandom } from '../src/risk/random.ts';
import { ledgerRepo, openStore, type StoreAdapter } from '../src/store/index.ts';
import { appendBatch, appFor, cachedLedger, cachedTree, freshSqlite, PARTY_KEY, prepareEntries, TRADER_KEY, treeLeaf, withoutFsync, type Prepared } from './ledger-fixtures.ts';
import { emit, machine, median, round as roundTo } from './stats.ts';

export type LedgerPart = 'append' | 'proofs' | 'verify';

export interface LedgerBenchOptions {
  readonly runs: number;
  /** Entries of the verify ledger (1,000,000); the proof tree has ten times as many leaves. */
  readonly size: number;
  readonly parts: readonly LedgerPart[];
}

const BATCHES = [1_000, 10_000] as const;
const CALLERS = 4;
/** Four decimal places in this bench's reports. */
const round = (x: number, d = 4) => roundTo(x, d);
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

export async function benchLedger(o: LedgerBenchOptions): Promise<void> {
  if (o.parts.includes('append')) {
    await benchAppend(o, 'sqlite');
    await benchAppend(o, 'postgres');
  }
  if (o.parts.includes('proofs')) await benchProofs(o);
  if (o.parts.includes('verify')) await benchVerify(o);
}

// ── appends ────────────────────────────────────────────────────────────────────────────────────

interface Fresh {
  readonly store: StoreAdapter;
  /** The SQLite file (for a second connection without fsync). */
  readonly file?: string;
  dispose(): Promise<void>;
}

function opener(db: 'sqlite' | 'postgres', url: string | undefined): () => Promise<Fresh> {
  let n = 0;
  if (db === 'sqlite') {
    return async () => {
      const { store, file, remove } = await freshSqlite(`ledger-append-${process.pid}-${n++}.db`);
      return { store, file, dispose: async () => (await store.close(), remove()) };
    };
  }
  return async () => {
    const schema = `bench_ledger_${process.pid}_${n++}`;
    const store = await openStore({ databaseUrl: url, pgSchema: schema, sqliteFile: '' });
    return {
      store,
      dispose: async () => {
        await store.close();
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      },
    };
  };
}

interface Timed {
  readonly seconds: number;
  readonly cpuSeconds: number;
}

/** `batches` taken in turn by `callers` concurrent callers of `call`. */
async function timedCalls<T>(batches: readonly T[], callers: number, call: (b: T) => Promise<unknown>): Promise<Timed> {
  let next = 0;
  const cpu = process.cpuUsage();
  const t = performance.now();
  await Promise.all(Array.from({ length: callers }, async () => {
    while (next < batches.length) await call(batches[next++]!);
  }));
  return { seconds: (performance.now() - t) / 1000, cpuSeconds: cpuSeconds(cpu) };
}

const chunks = <T>(xs: readonly T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));

async function recordRun(open: () => Promise<Fresh>, rows: readonly Prepared[], batch: number): Promise<Timed> {
  const { store, dispose } = await open();
  try {
    const ledger = ledgerOf(appFor(store));
    const entries = rows.map((p) => ({ type: 'declaration.filed' as const, subject: p.subject, payload: p.value }));
    const t = await timedCalls(chunks(entries, batch), CALLERS, (b) => ledger.record(b));
    await ledger.close();
    await expectSize(ledger.repo.size(), rows.length);
    return t;
  } finally {
    await dispose();
  }
}

async function appendRun(open: () => Promise<Fresh>, rows: readonly Prepared[], batch: number, fsync: boolean): Promise<Timed> {
  const { store, file, dispose } = await open();
  try {
    const repo = ledgerRepo(fsync ? store : withoutFsync(store, file!));
    let range: CompactRange = emptyRange();
    // One sequencer: the batches go in one after the other, each its own durable transaction.
    const t = await timedCalls(chunks(rows, batch), 1, async (b) => (range = await appendBatch(repo, range, b)));
    await expectSize(repo.size(), rows.length);
    return t;
  } finally {
    await dispose();
  }
}

async function submitRun(open: () => Promise<Fresh>, rows: readonly Prepared[], batch: number): Promise<Timed> {
  const { store, dispose } = await open();
  try {
    const ledger = ledgerOf(appFor(store));
    const trader = parseSignerKey(TRADER_KEY.signerKey);
    await ledger.repo.addKey({ name: trader.name, keyId: trader.keyId.toString(16).padStart(8, '0'), vkey: trader.verifierKey, role: 'party', addedBy: 'bench', addedAt: new Date().toISOString() });
    const items = rows.map((p) => ({ entry: p.entry as unknown, payload: p.value as unknown, salt: p.salt, subject: p.subject }));
    const t = await timedCalls(chunks(items, batch), CALLERS, (b) => ledger.submit(b));
    await ledger.close();
    await expectSize(ledger.repo.size(), rows.length);
    return t;
  } finally {
    await dispose();
  }
}

/** Milliseconds of one-entry durable appends (the commit's own cost), median of 100 after 10. */
async function commitMs(open: () => Promise<Fresh>, rows: readonly Prepared[], fsync: boolean): Promise<number> {
  const { store, file, dispose } = await open();
  try {
    const repo = ledgerRepo(fsync ? store : withoutFsync(store, file!));
    let range: CompactRange = emptyRange();
    const ms: number[] = [];
    for (let i = 0; i < 110; i++) {
      const t = performance.now();
      range = await appendBatch(repo, range, rows.slice(i, i + 1));
      if (i >= 10) ms.push(performance.now() - t);
    }
    return round(median(ms), 3);
  } finally {
    await dispose();
  }
}

async function expectSize(size: Promise<number>, want: number): Promise<void> {
  const got = await size;
  if (got !== want) throw new Error(`the ledger holds ${got} entries after the run, expected ${want}`);
}

function rates(runs: readonly Timed[], entries: number) {
  const perSecond = runs.map((r) => Math.round(entries / r.seconds));
  return {
    entriesPerSecondMedian: median(perSecond),
    entriesPerSecondAll: perSecond,
    entriesPerCpuSecondMedian: Math.round(median(runs.map((r) => entries / r.cpuSeconds))),
  };
}

async function benchAppend(o: LedgerBenchOptions, db: 'sqlite' | 'postgres'): Promise<void> {
  const url = process.env.DATABASE_URL?.trim() || undefined;
  if (db === 'postgres' && url === undefined) {
    emit({ bench: 'ledger-append-postgres', skipped: 'DATABASE_URL not set' });
    emit({ bench: 'ledger-submit-postgres', skipped: 'DATABASE_URL not set' });
    return;
  }
  const open = opener(db, url);
  // Entries per run: 100,000 (fewer with a small --ledger-size); submit checks each signature, so fewer.
  const n = Math.max(10_000, Math.min(100_000, Math.floor(o.size / 10)));
  const nSubmit = Math.min(n, 20_000);
  const t = performance.now();
  const rows = prepareEntries(n, 0, parseSignerKey(PARTY_KEY.signerKey));
  const presignUs = ((performance.now() - t) * 1000) / n;
  const traderRows = prepareEntries(nSubmit, 0, parseSignerKey(TRADER_KEY.signerKey), 2);

  const record: Record<string, object> = {};
  const append: Record<string, object> = {};
  const appendNormal: Record<string, object> = {};
  const submit: Record<string, object> = {};
  const appendMedians: number[] = [];
  const recordMedians: number[] = [];
  for (const batch of BATCHES) {
    const rec: Timed[] = [];
    const app: Timed[] = [];
    const nrm: Timed[] = [];
    const sub: Timed[] = [];
    // Interleaved, so that a slow moment of a shared machine does not fall on one kind only.
    for (let k = 0; k < o.runs; k++) {
      app.push(await appendRun(open, rows, batch, true));
      rec.push(await recordRun(open, rows, batch));
      if (db === 'sqlite') nrm.push(await appendRun(open, rows, batch, false));
      sub.push(await submitRun(open, traderRows, batch));
    }
    const key = `batch${batch}`;
    record[key] = rates(rec, n);
    append[key] = rates(app, n);
    if (db === 'sqlite') appendNormal[key] = rates(nrm, n);
    submit[key] = rates(sub, nSubmit);
    appendMedians.push(median(app.map((r) => n / r.seconds)));
    recordMedians.push(median(rec.map((r) => n / r.seconds)));
  }

  const extra: Record<string, unknown> = {};
  if (db === 'sqlite') {
    const { store, dispose } = await open();
    try {
      // The ledger's appends resolve after an fsync of the write-ahead log (store/dialects/sqlite-ledger.ts);
      // the one-entry commit times below, with it and without, show the fsync at work.
      extra.journalMode = (await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(store.db)).rows[0]?.journal_mode;
    } finally {
      await dispose();
    }
    extra.appendSynchronousNormal = appendNormal;
    extra.oneEntryCommitMsMedian = { full: await commitMs(open, rows, true), normal: await commitMs(open, rows, false) };
  } else {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    for (const s of ['fsync', 'synchronous_commit', 'wal_sync_method']) extra[s] = (await c.query(`SHOW ${s}`)).rows[0]?.[s];
    await c.end();
    extra.oneEntryCommitMsMedian = await commitMs(open, rows, true);
  }
  const minRate = db === 'sqlite' ? 50_000 : 10_000;
  emit({
    bench: `ledger-append-${db}`, entriesPerRun: n, runs: o.runs, concurrentCallers: CALLERS, batches: BATCHES,
    append, record, ...extra, presignUsPerEntry: round(presignUs, 1),
    target: { minEntriesPerSecond: minRate, of: 'append (the log, on signed entries), every batch size' },
    meetsTarget: Math.min(...appendMedians) >= minRate, meetsTargetWithSigning: Math.min(...recordMedians) >= minRate,
    machine: machine(),
  });
  emit({ bench: `ledger-submit-${db}`, entriesPerRun: nSubmit, runs: o.runs, concurrentCallers: CALLERS, batches: BATCHES, submit, target: null, meetsTarget: null, machine: machine() });
}

// ── proofs ─────────────────────────────────────────────────────────────────────────────────────

const PROOFS = 1000;
const WARMUP = 200;

function summary(ms: readonly number[][]) {
  const rounds = ms.map((xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return { median: s[s.length >> 1]!, p99: s[Math.ceil(0.99 * s.length) - 1]!, max: s.at(-1)! };
  });
  return { msMedian: round(median(rounds.map((r) => r.median))), msP99Median: round(median(rounds.map((r) => r.p99))), msP99Rounds: rounds.map((r) => round(r.p99)), msMax: round(Math.max(...rounds.map((r) => r.max))) };
}

async function benchProofs(o: LedgerBenchOptions): Promise<void> {
  const size = o.size * 10;
  const tree = await cachedTree(size);
  const fileMB = Math.round(statSync(tree.file).size / 2 ** 20);
  if (tree.buildSeconds !== undefined) emit({ bench: 'ledger-proofs-build', leaves: size, nodes: tree.nodes, seconds: round(tree.buildSeconds, 1), fileMB });
  const store = await openStore({ sqliteFile: tree.file });
  try {
    const ledger = ledgerOf(appFor(store));
    const root = new Uint8Array(Buffer.from(tree.root, 'base64'));
    const r = new SeededRandom(11);
    const rootAt = async (m: number) => rootOf(rangeFrom(m, await ledger.repo.nodes(rangeNodeIds(m))));
    const inclusion = async () => {
      const i = r.int(size);
      const cpu = process.cpuUsage();
      const t = performance.now();
      const proof = await ledger.inclusionProof(i, size);
      const t1 = performance.now();
      const cpuMs = cpuSeconds(cpu) * 1000;
      verifyInclusion(treeLeaf(tree.seed, i), i, size, proof, root);
      return { ms: t1 - t, cpuMs, verifyMs: performance.now() - t1, length: proof.length };
    };
    const consistency = async () => {
      const m = 1 + r.int(size - 1);
      const root1 = await rootAt(m);
      const cpu = process.cpuUsage();
      const t = performance.now();
      const proof = await ledger.consistencyProof(m, size);
      const t1 = performance.now();
      const cpuMs = cpuSeconds(cpu) * 1000;
      verifyConsistency(m, size, proof, root1, root);
      return { ms: t1 - t, cpuMs, verifyMs: performance.now() - t1, length: proof.length };
    };
    for (let k = 0; k < WARMUP; k++) {
      await inclusion();
      await consistency();
    }
    const inc = { ms: [] as number[][], cpuMs: [] as number[][], verify: [] as number[], length: 0 };
    const con = { ms: [] as number[][], cpuMs: [] as number[][], verify: [] as number[], length: 0 };
    for (let k = 0; k < o.runs; k++) {
      for (const [acc, f] of [[inc, inclusion], [con, consistency]] as const) {
        const ms: number[] = [];
        const cpuMs: number[] = [];
        for (let i = 0; i < PROOFS; i++) {
          const p = await f();
          ms.push(p.ms);
          cpuMs.push(p.cpuMs);
          acc.verify.push(p.verifyMs);
          acc.length += p.length;
        }
        acc.ms.push(ms);
        acc.cpuMs.push(cpuMs);
      }
    }
    // CPU time of the process during each proof: on a shared machine a wall-clock tail can be
    // another process's time slice; this one is the proof's own (and the collector's).
    const report = (acc: typeof inc) => ({ ...summary(acc.ms), cpuMsP99Median: summary(acc.cpuMs).msP99Median, verifyMsMedian: round(median(acc.verify)), meanProofLength: round(acc.length / (PROOFS * o.runs), 1) });
    const incR = report(inc);
    const conR = report(con);
    emit({
      bench: 'ledger-proofs-10m', leaves: size, nodes: tree.nodes, fileMB, proofsPerRound: PROOFS, rounds: o.runs, warmup: WARMUP,
      inclusion: incR, consistency: conR, verified: 2 * PROOFS * o.runs,
      target: { maxP99Ms: 1 }, meetsTarget: incR.msP99Median < 1 && conR.msP99Median < 1, machine: machine(),
    });
  } finally {
    await store.close();
  }
}

// ── verify ─────────────────────────────────────────────────────────────────────────────────────

async function timedVerify(file: string, logKey: string, signatures: boolean, payloads: boolean, size: number): Promise<Timed> {
  const store = await openStore({ sqliteFile: file });
  try {
    const repo = ledgerRepo(store);
    const cpu = process.cpuUsage();
    const t = performance.now();
    // As `portcullis ledger verify` runs it: pages audited in threads with connections of their own.
    const report = await verifyLedger(repo, { logKey, signatures, payloads, store: { sqliteFile: file, databaseUrl: undefined, pgSchema: undefined } });
    // CPU time of this thread only (the audit threads' time is not in it).
    const timed = { seconds: (performance.now() - t) / 1000, cpuSeconds: cpuSeconds(cpu) };
    if (!report.ok || report.entries !== size) throw new Error(`verifyLedger of ${file}: ok ${report.ok}, ${report.entries} entries, ${report.findingCount} findings: ${report.findings[0]?.message ?? ''}`);
    return timed;
  } finally {
    await store.close();
  }
}

async function benchVerify(o: LedgerBenchOptions): Promise<void> {
  const built = await cachedLedger(o.size);
  const info = { entries: built.size, checkpoints: built.checkpoints, payloadBytes: built.payloadBytes, fileMB: Math.round(statSync(built.file).size / 2 ** 20) };
  if (built.build !== undefined) emit({ bench: 'ledger-verify-build', ...info, seconds: round(built.build.seconds, 1), signSeconds: round(built.build.signSeconds, 1), appendSeconds: round(built.build.appendSeconds, 1), appendEntriesPerSecond: built.build.appendEntriesPerSecond, batch: 10_000 });
  const perMillion = 1_000_000 / built.size;
  for (const payloads of [true, false]) {
    const runs: Timed[] = [];
    for (let k = 0; k < o.runs; k++) runs.push(await timedVerify(built.file, built.logKey, false, payloads, built.size));
    const seconds = median(runs.map((r) => r.seconds));
    emit({
      bench: payloads ? 'ledger-verify-1m' : 'ledger-verify-1m-no-payloads', ...info, signatures: false, payloads, runs: o.runs,
      secondsMedian: round(seconds, 2), secondsAll: runs.map((r) => round(r.seconds, 2)), cpuSecondsMedian: round(median(runs.map((r) => r.cpuSeconds)), 2),
      usPerEntry: round((seconds * 1e6) / built.size, 2),
      target: { maxSecondsPerMillionEntries: 10 }, meetsTarget: seconds * perMillion < 10, machine: machine(),
    });
  }
  const small = await cachedLedger(Math.min(100_000, o.size));
  const withSig: Timed[] = [];
  const without: Timed[] = [];
  for (let k = 0; k < o.runs; k++) {
    withSig.push(await timedVerify(small.file, small.logKey, true, true, small.size));
    without.push(await timedVerify(small.file, small.logKey, false, true, small.size));
  }
  const s = median(withSig.map((r) => r.seconds));
  const n = median(without.map((r) => r.seconds));
  emit({
    bench: 'ledger-verify-signatures', entries: small.size, signatures: true, payloads: true, runs: o.runs,
    secondsMedian: round(s, 2), secondsAll: withSig.map((r) => round(r.seconds, 2)), secondsWithoutSignaturesMedian: round(n, 2),
    usPerEntry: round((s * 1e6) / small.size, 1), signatureUsPerEntry: round(((s - n) * 1e6) / small.size, 1),
    extrapolatedSecondsPerMillionEntries: round((s * 1e6) / small.size, 1),
    target: null, meetsTarget: null, machine: machine(),
  });
}

