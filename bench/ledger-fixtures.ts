/**
 * What the ledger benchmarks build on: fixed keys (so that a cached ledger verifies in a later
 * process), an AppContext around a store, realistic payloads, pre-signed entries, and the two cached
 * ledgers under bench/out/ — a tree of N leaves written straight into `ledger_nodes` (for proofs),
 * and N entries appended through the real durable path with a checkpoint every 100,000 (for verify).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadConfig } from '../src/app/config.ts';
import type { AppContext } from '../src/app/context.ts';
import { ledgerOf } from '../src/app/ledger/ledger.ts';
import { canonicalJson } from '../src/ledger/entry/canonical.ts';
import { commitCanonical, SALT_BYTES } from '../src/ledger/entry/commitment.ts';
import { signEntry, type Entry } from '../src/ledger/entry/entry.ts';
import { integrate } from '../src/ledger/log/integrate.ts';
import { appendLeaves, emptyRange, leafHash, rootOf, type CompactRange } from '../src/ledger/merkle/index.ts';
import { generateSignerKey, type Signer } from '../src/ledger/note/index.ts';
import { SeededRandom } from '../src/risk/random.ts';
import { sqliteLedgerRows } from '../src/store/dialects/sqlite-ledger.ts';
import { tunePragmas } from '../src/store/dialects/sqlite-statements.ts';
import { openStore, type LedgerRepo, type StoreAdapter } from '../src/store/index.ts';
import { ROOT } from './generated.ts';

export const OUT = join(ROOT, 'bench/out');

const seedOf = (label: string) => createHash('sha256').update(`portcullis-bench/${label}`).digest();
/** The log's key and the service's party key: the same in every process, so cached ledgers verify. */
export const LOG_KEY = generateSignerKey('bench.portcullis.local/ledger', seedOf('log'));
export const PARTY_KEY = generateSignerKey('customs', seedOf('party'));
/** A trader that signs its own entries and submits them. */
export const TRADER_KEY = generateSignerKey('trader-bench', seedOf('trader'));

/** The application around a store, with the fixed keys (none written to disk). */
export function appFor(store: StoreAdapter): AppContext {
  const config = loadConfig({});
  return {
    config: { ...config, ledger: { ...config.ledger, keysDir: null, logKey: LOG_KEY.signerKey, partyKey: PARTY_KEY.signerKey } },
    store,
    clock: () => new Date(),
    close: async () => {},
  };
}

/** A fresh, migrated SQLite store in bench/out (files removed first). */
export async function freshSqlite(name: string): Promise<{ store: StoreAdapter; file: string; remove(): void }> {
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, name);
  const remove = () => {
    for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) rmSync(f, { force: true });
  };
  remove();
  return { store: await openStore({ sqliteFile: file }), file, remove };
}

/**
 * The same store, its ledger appends committed with synchronous=NORMAL on a connection of their own:
 * in WAL mode such a commit does not wait for fsync. Only to show what FULL costs; it is not the
 * service's path.
 */
export function withoutFsync(store: StoreAdapter, file: string): StoreAdapter {
  const raw = new Database(file);
  tunePragmas(raw);
  process.once('exit', () => raw.close());
  return { ...store, ledgerRows: sqliteLedgerRows(raw, store.db, 'NORMAL') };
}

const OFFICES = ['NLRTM', 'BEANR', 'DEHAM', 'FRLEH', 'ESVLC', 'ITGOA', 'GRPIR', 'PLGDN'];
const COUNTRIES = ['CN', 'VN', 'IN', 'TR', 'AE', 'HK', 'TH', 'MY', 'US', 'BR'];
const GOODS = ['mobile telephones', 'parts of machinery', 'cotton T-shirts', 'footwear, rubber soles', 'toys and games', 'lithium-ion batteries', 'ceramic tableware', 'steel fasteners'];
const HS = ['851713', '847330', '610910', '640299', '950300', '850760', '691200', '731815'];

/** A declaration-like payload of about 300–800 bytes of canonical JSON, from a seeded generator. */
export function payloadOf(i: number, r: SeededRandom): Record<string, unknown> {
  const pick = <T>(xs: readonly T[]): T => xs[r.int(xs.length)]!;
  const items = Array.from({ length: 1 + r.int(4) }, (_, k) => ({
    line: k + 1, hsCode: `${pick(HS)}${String(r.int(100)).padStart(2, '0')}`, description: pick(GOODS),
    origin: pick(COUNTRIES), netMassKg: Math.round(r.next() * 20_000) / 10, value: Math.round(r.next() * 5_000_000) / 100, currency: 'EUR',
  }));
  return {
    id: `BENCH-${String(i).padStart(9, '0')}`, office: pick(OFFICES), filedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    declarant: `DCL${r.int(100_000)}`, importer: { eori: `NL${String(r.int(1e9)).padStart(9, '0')}`, country: 'NL' },
    exporter: { name: `Exporter ${r.int(50_000)}`, country: pick(COUNTRIES) }, transport: { mode: 1, container: `MSCU${String(r.int(1e7)).padStart(7, '0')}` },
    items, totalValue: Math.round(items.reduce((s, it) => s + it.value, 0) * 100) / 100,
  };
}

/** An entry signed before the clock starts, with what the store keeps beside it. */
export interface Prepared {
  readonly entry: Entry;
  readonly subject: string;
  readonly salt: string;
  /** Canonical JSON, as the store keeps it. */
  readonly payload: string;
  /** The payload as a caller hands it over. */
  readonly value: Record<string, unknown>;
}

/** `n` entries about declarations from..from+n−1, signed with `signer` (as a party does before it submits). */
export function prepareEntries(n: number, from: number, signer: Signer, seed = 1): Prepared[] {
  const r = new SeededRandom(seed + from);
  const time = new Date().toISOString();
  return Array.from({ length: n }, (_, k) => {
    const value = payloadOf(from + k, r);
    const payload = canonicalJson(value);
    const salt = randomBytes(SALT_BYTES);
    const entry = signEntry({ type: 'declaration.filed', time, corrects: null, commitment: commitCanonical(payload, salt) }, signer);
    return { entry, subject: `declaration:${value.id as string}`, salt: salt.toString('base64'), payload, value };
  });
}

/** The durable append alone: integrate (leaf hashes, new nodes) then the repository's one transaction. */
export async function appendBatch(repo: LedgerRepo, range: CompactRange, rows: readonly Prepared[]): Promise<CompactRange> {
  const done = integrate(range, rows.map((p) => p.entry));
  await repo.integrate({ first: range.size, entries: rows, nodes: done.nodes });
  await repo.durable();
  return done.range;
}

export interface CachedTree {
  readonly file: string;
  readonly size: number;
  readonly root: string;
  readonly nodes: number;
  readonly seed: string;
  /** Set when this process built it. */
  readonly buildSeconds?: number;
}

/** Leaf i of the cached proof tree: the leaf hash of a short seeded input, recomputable from i alone. */
export const treeLeaf = (seed: string, i: number): Uint8Array => leafHash(Buffer.from(`${seed}:${i}`));

/**
 * A SQLite ledger whose tree has `size` leaves: the schema by the store's migrations, then every
 * complete node (leaves included) as appendLeaves computes it — what integrate stores — written
 * level by level (so the primary key index only ever appends) in one transaction, no journal. No
 * entries: proofs read only nodes. Cached by size.
 */
export async function cachedTree(size: number, seed = 'bench-tree-1'): Promise<CachedTree> {
  const file = join(OUT, `ledger-tree-v2-${size}.db`);
  const meta = `${file}.json`;
  if (existsSync(file) && existsSync(meta)) {
    const m = JSON.parse(readFileSync(meta, 'utf8')) as CachedTree;
    if (m.size === size && m.seed === seed) return m;
  }
  const started = performance.now();
  const tmp = `${file}.tmp`;
  const { store, remove } = await freshSqlite(`ledger-tree-v2-${size}.db.tmp`);
  await store.close();
  // Node hashes per level, packed (32 bytes each): 2 × size × 32 bytes in all.
  const levels: Buffer[] = [];
  for (let n = size; n >= 1; n = Math.floor(n / 2)) levels.push(Buffer.allocUnsafe(n * 32));
  let range = emptyRange();
  const CHUNK = 1 << 16;
  for (let from = 0; from < size; from += CHUNK) {
    const leaves = Array.from({ length: Math.min(CHUNK, size - from) }, (_, k) => treeLeaf(seed, from + k));
    leaves.forEach((h, k) => levels[0]!.set(h, (from + k) * 32));
    const appended = appendLeaves(range, leaves);
    for (const n of appended.nodes) levels[n.level]!.set(n.hash, n.index * 32);
    range = appended.range;
  }
  const db = new Database(tmp);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const ROWS = 100;
  const many = db.prepare(`INSERT INTO ledger_nodes (level, idx, hash) VALUES ${Array.from({ length: ROWS }, () => '(?, ?, ?)').join(', ')}`);
  const one = db.prepare('INSERT INTO ledger_nodes (level, idx, hash) VALUES (?, ?, ?)');
  let nodes = 0;
  db.transaction(() => {
    const args: unknown[] = [];
    levels.forEach((buf, level) => {
      const n = buf.length / 32;
      let i = 0;
      for (; i + ROWS <= n; i += ROWS) {
        args.length = 0;
        for (let k = i; k < i + ROWS; k++) args.push(level, k, buf.subarray(k * 32, k * 32 + 32));
        many.run(args);
      }
      for (; i < n; i++) one.run(level, i, buf.subarray(i * 32, i * 32 + 32));
      nodes += n;
    });
  })();
  db.close();
  renameSync(tmp, file);
  remove();
  const m: CachedTree = { file, size, root: Buffer.from(rootOf(range)).toString('base64'), nodes, seed };
  writeFileSync(meta, `${JSON.stringify(m)}\n`);
  return { ...m, buildSeconds: (performance.now() - started) / 1000 };
}

export interface CachedLedger {
  readonly file: string;
  readonly size: number;
  readonly checkpoints: number;
  readonly logKey: string;
  readonly payloadBytes: { readonly min: number; readonly mean: number; readonly max: number };
  /** Set when this process built it: the whole build, and the durable appends alone. */
  readonly build?: { readonly seconds: number; readonly signSeconds: number; readonly appendSeconds: number; readonly appendEntriesPerSecond: number };
}

const BUILD_BATCH = 10_000;
const CHECKPOINT_EVERY = 100_000;

/**
 * A SQLite ledger of `size` entries appended through the real durable path: entries pre-signed by
 * the service's party key (registered, so that signatures verify), batches of 10,000 through
 * integrate and the repository's durable transaction, and the Ledger's own signed checkpoint
 * every 100,000 entries and at the end. Cached by size.
 */
export async function cachedLedger(size: number): Promise<CachedLedger> {
  const name = `ledger-entries-v2-${size}.db`;
  const file = join(OUT, name);
  const meta = `${file}.json`;
  if (existsSync(file) && existsSync(meta)) {
    const m = JSON.parse(readFileSync(meta, 'utf8')) as CachedLedger;
    if (m.size === size && m.logKey === LOG_KEY.verifierKey) return m;
  }
  const started = performance.now();
  const { store, remove } = await freshSqlite(`${name}.tmp`);
  const ledger = ledgerOf(appFor(store));
  const party = ledger.keys.party;
  await ledger.repo.addKey({ name: party.name, keyId: party.keyId.toString(16).padStart(8, '0'), vkey: party.verifierKey, role: 'party', addedBy: 'bench', addedAt: new Date().toISOString() });
  let range = emptyRange();
  let signSeconds = 0;
  let appendSeconds = 0;
  let checkpoints = 0;
  const bytes = { min: Infinity, total: 0, max: 0 };
  for (let from = 0; from < size; from += BUILD_BATCH) {
    let t = performance.now();
    const rows = prepareEntries(Math.min(BUILD_BATCH, size - from), from, party);
    signSeconds += (performance.now() - t) / 1000;
    for (const r of rows) {
      const b = Buffer.byteLength(r.payload);
      bytes.min = Math.min(bytes.min, b);
      bytes.max = Math.max(bytes.max, b);
      bytes.total += b;
    }
    t = performance.now();
    range = await appendBatch(ledger.repo, range, rows);
    appendSeconds += (performance.now() - t) / 1000;
    if (range.size % CHECKPOINT_EVERY === 0 || range.size === size) {
      if ((await ledger.checkpoint()) !== undefined) checkpoints++;
    }
  }
  await store.close();
  renameSync(join(OUT, `${name}.tmp`), file);
  remove();
  const m: CachedLedger = {
    file, size, checkpoints, logKey: ledger.verifierKey,
    payloadBytes: { min: bytes.min, mean: Math.round(bytes.total / size), max: bytes.max },
  };
  writeFileSync(meta, `${JSON.stringify(m)}\n`);
  const seconds = (performance.now() - started) / 1000;
  return { ...m, build: { seconds, signSeconds, appendSeconds, appendEntriesPerSecond: Math.round(size / appendSeconds) } };
}
