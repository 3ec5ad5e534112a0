import { randomBytes, randomUUID } from 'node:crypto';
import { PortcullisError } from '../../domain/errors.ts';
import { canonicalJson } from '../../ledger/entry/canonical.ts';
import { commitCanonical, SALT_BYTES } from '../../ledger/entry/commitment.ts';
import { checkEntry, entrySignatureValid, signEntry, type Entry } from '../../ledger/entry/entry.ts';
import type { EntryType } from '../../ledger/entry/entry-type.ts';
import { integrate } from '../../ledger/log/integrate.ts';
import { consistencyPlan, emptyRange, inclusionPlan, rangeFrom, rangeNodeIds, rootOf, verifyConsistency, type CompactRange } from '../../ledger/merkle/index.ts';
import { formatKeyId, parseVerifierKey, signCheckpoint, type Verifier } from '../../ledger/note/index.ts';
import { ledgerRepo, type LedgerRepo, type Placement, type QueuedBatch, type SequencerLease, type SharedLedgerRows, type StoredCheckpoint } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { loadLedgerKeys, type LedgerKeys } from './keys.ts';

/** An entry the service makes and signs with its own party key. */
export interface NewEntry {
  readonly type: EntryType;
  /** What it is about (a declaration id, a rule id…): the store files it under this. */
  readonly subject: string | null;
  /** The payload: kept in the store, committed to in the log. */
  readonly payload: unknown;
  readonly corrects?: number | null;
}

/** An entry a party signed itself, with the payload and salt its commitment is made of. */
export interface SubmittedEntry {
  readonly entry: unknown;
  /** The payload, as JSON (it is kept in canonical form). */
  readonly payload: unknown;
  /** base64 of the 32-byte salt. */
  readonly salt: string;
  readonly subject: string | null;
}

interface Pending {
  readonly rows: { entry: Entry; subject: string | null; salt: string; payload: string }[];
  /** Settles once the transaction that holds the rows has committed: in the log's order, readable, not yet surely on disk. */
  readonly committed: Deferred<number[]>;
  /** Settles once they are on disk too: what a caller may acknowledge. */
  readonly durable: Deferred<number[]>;
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(v: T): void;
  reject(e: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A caller that awaits only one of the two steps still hears of a failure through it.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/**
 * An append in two steps: `committed` once its entries hold their places in the log (what comes
 * after them in this process is sequenced after them, and sees them), `durable` once they are on
 * disk. A pipeline goes on with its next batch at the first and acknowledges at the second.
 */
export interface Appended {
  readonly committed: Promise<number[]>;
  readonly durable: Promise<number[]>;
}

/** Most entries integrated in one transaction. */
const MAX_BATCH = 20_000;
/** A checkpoint at most this often while entries arrive. */
const CHECKPOINT_MS = 1000;
/** How often a process that is not the sequencer stands for it, and the sequencer looks at the queue. */
const TICK_MS = 500;
/** How many placements announced before their batch's process heard its own insert answered are kept. */
const EARLY_KEPT = 4096;
/** An error of the data the database was given (SQLSTATE classes 22 and 23, 54: too big), not of the connection. */
function isDataError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23|54)[0-9A-Z]{3}$/.test(code);
}

function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** The longest subject a party's entry may be filed under. */
const MAX_SUBJECT = 512;
/** How long closing waits for the sequencer to place what this process queued. */
const CLOSE_WAIT_MS = 10_000;

/**
 * The service's ledger: sequencing (entries of concurrent callers are gathered into one batch: one
 * transaction, one new root), integrate-then-acknowledge (a caller's promise resolves with the
 * entries' indices only after the transaction that holds them and the tree's new nodes has
 * committed), and checkpoint publishing (a signed checkpoint at most every second while entries
 * arrive, and on close; never one that is not consistent with the last one signed).
 */
export class Ledger {
  readonly keys: LedgerKeys;
  readonly repo: LedgerRepo;
  private range: CompactRange | undefined;
  private queue: Pending[] = [];
  private running: Promise<void> | undefined;
  /** The batch being integrated now (settled when none is). */
  private integrating: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private lastSigned = 0;
  private checkpointing: Promise<StoredCheckpoint | undefined> = Promise.resolve(undefined);
  /** PostgreSQL: the log shared with other processes, one of which sequences it (SharedLedgerRows). */
  private readonly shared: SharedLedgerRows | undefined;
  /** The sequencer's lease, while this process holds it. */
  private lease: SequencerLease | null = null;
  private started: Promise<void> | undefined;
  private campaigning: Promise<void> | undefined;
  private tick: NodeJS.Timeout | undefined;
  /** Batches this process queued for the sequencer, by queue id, until they are placed. */
  private readonly waiting = new Map<number, { readonly placed: Deferred<number>; readonly since: number }>();
  /** Placements announced for no batch this process waits on (yet): the latest EARLY_KEPT. */
  private readonly early = new Map<number, number>();
  /** The next batch of this process's own goes without queued ones (after a batch the database refused). */
  private ownAlone = false;
  /** Whether the queue may hold batches of other processes to place (the sequencer's concern). */
  private queueDirty = false;
  private closing = false;
  private readonly roleWatchers = new Set<(role: 'sequencer' | 'follower', why: string) => void>();

  constructor(private readonly app: AppContext) {
    this.keys = loadLedgerKeys(app.config.ledger);
    this.repo = ledgerRepo(app.store);
    this.shared = this.repo.shared;
  }

  /**
   * Whether this process sequences the log: always on SQLite (one process); on PostgreSQL, while
   * it holds the sequencer's lease (the others queue their entries for it).
   */
  get role(): 'single' | 'sequencer' | 'follower' {
    return this.shared === undefined ? 'single' : this.lease !== null ? 'sequencer' : 'follower';
  }

  /**
   * PostgreSQL: listens for the sequencer's placements and queued batches, and stands for
   * sequencer — at once and then every half second while another holds the lease, so that when it
   * dies (its connection, and with it the lock, gone) one of the others takes over within a second.
   * Done on first append; a server calls it at start, so that it can take over before it appends.
   */
  start(): Promise<void> {
    const shared = this.shared;
    if (shared === undefined) return Promise.resolve();
    this.started ??= (async () => {
      await shared.subscribe({
        placed: (ps) => this.settlePlaced(ps),
        queued: () => {
          this.queueDirty = true;
          if (this.lease !== null) this.kick();
        },
      });
      await this.campaign();
      if (this.closing) return;
      this.tick = setInterval(() => void this.onTick(), TICK_MS);
      this.tick.unref();
    })().catch((e: unknown) => {
      this.started = undefined;
      throw e;
    });
    return this.started;
  }

  /** Calls `fn` whenever this process becomes the sequencer or stops being it; returns the way to stop. */
  watchRole(fn: (role: 'sequencer' | 'follower', why: string) => void): () => void {
    this.roleWatchers.add(fn);
    return () => this.roleWatchers.delete(fn);
  }

  private tellRole(role: 'sequencer' | 'follower', why: string): void {
    for (const fn of this.roleWatchers) fn(role, why);
  }

  private campaign(): Promise<void> {
    if (this.lease !== null || this.closing || this.shared === undefined) return Promise.resolve();
    const shared = this.shared;
    this.campaigning ??= (async () => {
      try {
        const lease = await shared.tryLead();
        if (lease === null) return;
        if (this.closing) {
          await lease.release();
          return;
        }
        this.lease = lease;
        // The tree as stored, not as this process last saw it; and whatever is queued.
        this.range = undefined;
        this.queueDirty = true;
        void lease.lost.then(() => this.dropLease(lease, 'its database connection ended'));
        this.tellRole('sequencer', 'took the lease');
        this.kick();
      } catch {
        // The database could not be reached: stood for again at the next tick.
      } finally {
        this.campaigning = undefined;
      }
    })();
    return this.campaigning;
  }

  /** Gives the lease up (the lock is freed with its connection); another process, or this one later, takes over. */
  private dropLease(lease: SequencerLease, why: string): void {
    if (this.lease !== lease) return;
    this.lease = null;
    this.range = undefined;
    void lease.release();
    this.tellRole('follower', why);
  }

  private async onTick(): Promise<void> {
    if (this.lease === null) await this.campaign();
    else {
      // Notices can be missed: the queue is looked at anyway.
      this.queueDirty = true;
      this.kick();
    }
    await this.pollPlaced(1000).catch(() => undefined);
  }

  /** Asks the store where queued batches waiting longer than `olderThanMs` went (for notices missed). */
  private async pollPlaced(olderThanMs: number): Promise<void> {
    if (this.shared === undefined || this.waiting.size === 0) return;
    const now = Date.now();
    const ids = [...this.waiting].filter(([, w]) => now - w.since >= olderThanMs).map(([id]) => id);
    if (ids.length > 0) this.settlePlaced(await this.shared.placed(ids));
  }

  private settlePlaced(ps: readonly Placement[]): void {
    for (const p of ps) {
      const w = this.waiting.get(p.id);
      if (w === undefined) {
        // Possibly one of ours whose notice came in before the insert's own answer (two connections):
        // kept a while for forward() to find.
        this.early.set(p.id, p.first);
        if (this.early.size > EARLY_KEPT) this.early.delete(this.early.keys().next().value!);
        continue;
      }
      this.waiting.delete(p.id);
      if (p.first < 0) w.placed.reject(new PortcullisError('STORE_ERROR', 'the sequencer refused these entries: it could not read or write them; they are not in the ledger'));
      else w.placed.resolve(p.first);
    }
  }

  get origin(): string {
    return this.keys.log.name;
  }

  /** The log's public key, which anyone verifies its checkpoints with. */
  get verifierKey(): string {
    return this.keys.log.verifierKey;
  }

  /** Records entries made by the service itself, signed with its party key. Resolves with their indices once durable. */
  async record(entries: readonly NewEntry[]): Promise<number[]> {
    return (await this.append(entries)).durable;
  }

  /** Records entries made by the service itself, as `record`, in two steps (Appended). */
  async append(entries: readonly NewEntry[]): Promise<Appended> {
    if (entries.length === 0) return { committed: Promise.resolve([]), durable: Promise.resolve([]) };
    await this.ensurePartyKey();
    const time = this.app.clock().toISOString();
    // One draw of randomness for the batch's salts: a draw per entry cost more than its hashing.
    const salts = randomBytes(SALT_BYTES * entries.length);
    const rows = entries.map((n, i) => {
      const salt = salts.subarray(i * SALT_BYTES, (i + 1) * SALT_BYTES);
      const payload = canonicalJson(n.payload);
      const entry = signEntry({ type: n.type, time, corrects: n.corrects ?? null, commitment: commitCanonical(payload, salt) }, this.keys.party);
      return { entry, subject: n.subject, salt: salt.toString('base64'), payload };
    });
    return this.enqueue(rows);
  }

  /**
   * Accepts entries signed by parties: each must be well formed, signed by a key registered for its
   * party (and not revoked), commit to the payload and salt given, and correct only an entry the
   * log holds. Refused whole (INVALID_INPUT, naming the entry and field) when any is not.
   */
  async submit(items: readonly SubmittedEntry[]): Promise<number[]> {
    const size = await this.repo.size();
    // The keys as they stand now: one revoked a moment ago signs nothing more.
    const keys = new Map((await this.repo.keys('party')).filter((k) => k.revokedAt === null).map((k) => [`${k.name}/${k.keyId}`, k.vkey]));
    const verifierOf = (party: string, keyId: string): Verifier | null => {
      const vkey = keys.get(`${party}/${keyId}`);
      return vkey === undefined ? null : parseVerifierKey(vkey);
    };
    const rows: Pending['rows'] = [];
    for (const [i, it] of items.entries()) {
      const where = items.length > 1 ? `entry ${i + 1}: ` : '';
      let entry: Entry;
      try {
        entry = checkEntry(it.entry);
      } catch (e) {
        if (e instanceof PortcullisError) throw new PortcullisError(e.code, where + e.message, e.details.map((d) => ({ ...d, row: i + 1 })));
        throw e;
      }
      const verifier = verifierOf(entry.party, entry.keyId);
      if (verifier === null) throw new PortcullisError('FORBIDDEN', `${where}no key ${entry.keyId} is registered for party "${entry.party}" (or it was revoked)`, [{ row: i + 1, field: 'keyId', problem: `${entry.party}/${entry.keyId} unknown`, expected: 'a key registered with `portcullis ledger keys add`' }]);
      if (!entrySignatureValid(entry, verifier)) throw new PortcullisError('INVALID_INPUT', `${where}the signature is not ${entry.party}'s over this entry`, [{ row: i + 1, field: 'signature', problem: 'does not verify', expected: "an Ed25519 signature by the party's key over the entry's signed message" }]);
      const salt = Buffer.from(it.salt, 'base64');
      if (salt.length !== SALT_BYTES) throw new PortcullisError('INVALID_INPUT', `${where}the salt is not ${SALT_BYTES} bytes`, [{ row: i + 1, field: 'salt', problem: `${salt.length} bytes`, expected: `base64 of ${SALT_BYTES} random bytes` }]);
      const payload = canonicalJson(it.payload);
      if (commitCanonical(payload, salt) !== entry.commitment) throw new PortcullisError('INVALID_INPUT', `${where}the commitment is not SHA-256(salt ‖ canonical payload)`, [{ row: i + 1, field: 'commitment', problem: 'does not match the payload and salt', expected: 'base64 SHA-256 of the salt followed by the RFC 8785 JSON of the payload' }]);
      if (entry.corrects !== null && entry.corrects >= size + rows.length) throw new PortcullisError('INVALID_INPUT', `${where}corrects entry ${entry.corrects}, which the log does not hold`, [{ row: i + 1, field: 'corrects', problem: `${entry.corrects}`, expected: `an index below ${size}` }]);
      // What every store can keep (PostgreSQL's text takes no NUL): a batch it refused would hold up the whole log's queue.
      if (it.subject !== null && (typeof it.subject !== 'string' || it.subject.length > MAX_SUBJECT || hasControlCharacter(it.subject))) {
        throw new PortcullisError('INVALID_INPUT', `${where}the subject is not a line of text`, [{ row: i + 1, field: 'subject', problem: typeof it.subject === 'string' ? `${it.subject.length} characters, or a control character` : typeof it.subject, expected: `null, or up to ${MAX_SUBJECT} characters without control characters (declaration:ID…)` }]);
      }
      rows.push({ entry, subject: it.subject, salt: salt.toString('base64'), payload });
    }
    return this.enqueue(rows).durable;
  }

  /** The service's own party key is registered (once) so that anyone can check its entries. */
  private partyKeyRegistered = false;
  private async ensurePartyKey(): Promise<void> {
    if (this.partyKeyRegistered) return;
    const p = this.keys.party;
    await this.repo.addKey({ name: p.name, keyId: formatKeyId(p.keyId), vkey: p.verifierKey, role: 'party', addedBy: 'system', addedAt: this.app.clock().toISOString() });
    this.partyKeyRegistered = true;
  }

  private enqueue(rows: Pending['rows']): Appended {
    const p: Pending = { rows, committed: deferred(), durable: deferred() };
    this.queue.push(p);
    this.kick();
    return { committed: p.committed.promise, durable: p.durable.promise };
  }

  /** This process's own entries to write, or — for the sequencer, unless it is closing — the queue to look at. */
  private hasWork(): boolean {
    return this.queue.length > 0 || (this.lease !== null && this.queueDirty && !this.closing);
  }

  private kick(): void {
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
      if (this.hasWork()) this.kick();
    });
  }

  /**
   * Integrates what is queued, batch after batch: each batch commits, its callers hear `committed`,
   * and the next batch is integrated while the disk makes this one durable (the store's
   * `durable`, on SQLite an fsync of the write-ahead log off the event loop, shared by the batches
   * committed meanwhile). A batch whose fsync fails rejects its callers' `durable`. On PostgreSQL
   * the sequencer also places what other processes queued; a process that is not the sequencer
   * queues its batches instead (forward).
   */
  private async drain(): Promise<void> {
    try {
      await this.start();
    } catch (e) {
      for (const p of this.queue.splice(0)) {
        p.committed.reject(e);
        p.durable.reject(e);
      }
      return;
    }
    while (this.hasWork()) {
      const batch: Pending[] = [];
      let n = 0;
      while (this.queue.length > 0 && (n === 0 || n + this.queue[0]!.rows.length <= MAX_BATCH)) {
        const p = this.queue.shift()!;
        batch.push(p);
        n += p.rows.length;
      }
      const lease = this.lease;
      if (this.shared !== undefined && lease === null) {
        await this.forward(batch);
        continue;
      }
      let queued: QueuedBatch[] = [];
      const alone = this.ownAlone;
      this.ownAlone = false;
      if (lease !== null && this.queueDirty && !alone) {
        this.queueDirty = false;
        try {
          queued = await lease.queued(Math.max(1, MAX_BATCH - n));
        } catch {
          // The lease's connection failed: this batch is queued for whoever sequences next.
          this.dropLease(lease, 'it could not read the queue');
          this.queue.unshift(...batch);
          continue;
        }
        // A full read may have left more behind.
        if (queued.length > 0) this.queueDirty = true;
      }
      if (batch.length === 0 && queued.length === 0) continue;
      let first: number;
      try {
        const integrating = this.integrateBatch(batch.flatMap((p) => p.rows), lease, queued);
        this.integrating = integrating;
        first = await integrating;
      } catch (e) {
        if (lease !== null && queued.length > 0 && isDataError(e)) {
          // One batch of the lot cannot be written (the database refused its data): each queued
          // batch is tried on its own and a bad one refused, so that the queue behind it moves
          // on; this process's own go again next, alone.
          await this.isolate(lease, queued);
          this.queue.unshift(...batch);
          this.ownAlone = true;
          continue;
        }
        for (const p of batch) {
          p.committed.reject(e);
          p.durable.reject(e);
        }
        // A database error (not a refusal of ours) may mean the lease's connection is gone.
        if (lease !== null && !(e instanceof PortcullisError)) this.dropLease(lease, `a write failed (${(e as Error).message})`);
        continue;
      }
      // Queued batches went first (they have waited longer), then this process's own.
      this.settlePlaced(placements(queued, first));
      let at = first + queued.reduce((n, q) => n + q.entries.length, 0);
      const indices: number[][] = [];
      for (const p of batch) {
        indices.push(p.rows.map((_, i) => at + i));
        at += p.rows.length;
      }
      batch.forEach((p, k) => p.committed.resolve(indices[k]!));
      this.repo.durable().then(
        () => {
          batch.forEach((p, k) => p.durable.resolve(indices[k]!));
          this.scheduleCheckpoint();
        },
        (e: unknown) => batch.forEach((p) => p.durable.reject(e)),
      );
    }
  }

  /** Queued batches one at a time: placed, or refused when the database will not take their data. */
  private async isolate(lease: SequencerLease, queued: readonly QueuedBatch[]): Promise<void> {
    for (const q of queued) {
      try {
        this.settlePlaced(placements([q], await this.integrateBatch([], lease, [q])));
      } catch (e) {
        if (!isDataError(e)) {
          this.dropLease(lease, `a write failed (${(e as Error).message})`);
          return;
        }
        try {
          await lease.refuse([q.id]);
          this.settlePlaced([{ id: q.id, first: -1 }]);
        } catch {
          this.dropLease(lease, 'it could not refuse a queued batch');
          return;
        }
      }
    }
  }

  /**
   * A process that is not the sequencer: its batch queued, durably, for the sequencer; its callers
   * hear both steps once the sequencer has placed it (then it is in the log, and readable).
   */
  private async forward(batch: Pending[]): Promise<void> {
    const rows = batch.flatMap((p) => p.rows);
    let id: number;
    try {
      id = await this.shared!.enqueue(randomUUID(), rows);
    } catch (e) {
      for (const p of batch) {
        p.committed.reject(e);
        p.durable.reject(e);
      }
      return;
    }
    const placed = deferred<number>();
    const first = this.early.get(id);
    this.waiting.set(id, { placed, since: Date.now() });
    if (first !== undefined) {
      this.early.delete(id);
      this.settlePlaced([{ id, first }]);
    }
    placed.promise.then(
      (first) => {
        let at = first;
        for (const p of batch) {
          const indices = p.rows.map((_, i) => at + i);
          at += p.rows.length;
          p.committed.resolve(indices);
          p.durable.resolve(indices);
        }
      },
      (e: unknown) => batch.forEach((p) => (p.committed.reject(e), p.durable.reject(e))),
    );
  }

  /**
   * One transaction; retried on a fresh view of the tree when another process appended meanwhile.
   * The sequencer's (on PostgreSQL) goes through its lease, and places the queued batches first.
   */
  private async integrateBatch(rows: Pending['rows'], lease: SequencerLease | null, queued: readonly QueuedBatch[]): Promise<number> {
    const all = queued.length === 0 ? rows : [...queued.flatMap((q) => q.entries), ...rows];
    for (let attempt = 0; ; attempt++) {
      const range = this.range ?? (await this.loadRange());
      const done = integrate(range, all.map((r) => r.entry));
      const batch = { first: range.size, entries: all, nodes: done.nodes };
      try {
        if (lease === null) await this.repo.integrate(batch);
        else await lease.integrate(batch, placements(queued, range.size));
      } catch (e) {
        this.range = undefined;
        if (e instanceof PortcullisError && e.code === 'CONFLICT' && attempt < 5) continue;
        throw e;
      }
      this.range = done.range;
      return range.size;
    }
  }

  private async loadRange(): Promise<CompactRange> {
    const size = await this.repo.size();
    if (size === 0) return emptyRange();
    return rangeFrom(size, await this.repo.nodes(rangeNodeIds(size)));
  }

  private scheduleCheckpoint(): void {
    if (this.timer !== undefined || this.closing) return;
    const wait = Math.max(0, this.lastSigned + CHECKPOINT_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.checkpointing = this.checkpointing
        .catch(() => undefined)
        .then(() => {
          // One was signed since this was scheduled (asked for, or by another timer's turn): this
          // one waits until a second after it, so that the log signs on its own at most once a second.
          if (Date.now() - this.lastSigned < CHECKPOINT_MS) {
            this.scheduleCheckpoint();
            return undefined;
          }
          return this.signCheckpoint();
        });
      this.checkpointing.catch(() => {});
    }, wait);
    this.timer.unref();
  }

  /** The size and root of the tree as stored now. */
  async head(): Promise<{ size: number; root: Uint8Array }> {
    // The batch being written, not the whole drain: under other instances' load the sequencer's
    // drain never ends, and checkpoints would wait for ever.
    await this.integrating.catch(() => undefined);
    const range = await this.loadRange();
    return { size: range.size, root: rootOf(range) };
  }

  /**
   * Signs a checkpoint of the tree as stored, unless the latest one already covers it. Before it
   * signs, it proves the new tree consistent with the latest checkpoint from the stored nodes, and
   * refuses (STORE_ERROR) when it is not: the log never signs two inconsistent views.
   */
  checkpoint(): Promise<StoredCheckpoint | undefined> {
    this.checkpointing = this.checkpointing.catch(() => undefined).then(() => this.signCheckpoint());
    return this.checkpointing;
  }

  private async signCheckpoint(): Promise<StoredCheckpoint | undefined> {
    this.lastSigned = Date.now();
    const { size, root } = await this.head();
    const last = await this.repo.latestCheckpoint();
    if (size === 0 || (last !== undefined && last.size >= size)) return undefined;
    // The tree read may hold a batch committed but not yet on disk: it is signed only once it is.
    await this.repo.durable();
    if (last !== undefined) {
      const plan = consistencyPlan(last.size, size);
      const proof = plan.assemble(await this.repo.nodes(plan.ids));
      try {
        verifyConsistency(last.size, size, proof, Buffer.from(last.root, 'base64'), root);
      } catch (e) {
        throw new PortcullisError('STORE_ERROR', `the ledger's tree of ${size} entries is not consistent with its checkpoint of ${last.size} (${(e as Error).message}); no checkpoint signed — run \`portcullis ledger verify\``);
      }
    }
    const note = signCheckpoint({ origin: this.origin, size, root, extensions: [] }, this.keys.log);
    const c: StoredCheckpoint = { size, root: Buffer.from(root).toString('base64'), note, signedAt: this.app.clock().toISOString() };
    try {
      await this.repo.putCheckpoint(c);
    } catch (e) {
      // Another process signed this size meanwhile: keep its checkpoint.
      const other = await this.repo.checkpoint(size);
      if (other !== undefined && other.root === c.root) return other;
      throw e;
    }
    return c;
  }

  async inclusionProof(index: number, size: number): Promise<Uint8Array[]> {
    const plan = inclusionPlan(index, size);
    return plan.assemble(await this.repo.nodes(plan.ids));
  }

  async consistencyProof(size1: number, size2: number): Promise<Uint8Array[]> {
    const plan = consistencyPlan(size1, size2);
    return plan.assemble(await this.repo.nodes(plan.ids));
  }

  /**
   * Waits for every entry asked for, then signs a last checkpoint. On PostgreSQL it waits a while
   * for the sequencer to place what this process queued (they stay queued, for the next sequencer,
   * if none does), and gives the lease up.
   */
  async close(): Promise<void> {
    // From here the sequencer takes no more of the queue (other instances' batches wait for the
    // next one), and nobody stands for sequencer again.
    this.closing = true;
    if (this.tick !== undefined) clearInterval(this.tick);
    this.tick = undefined;
    while (this.running !== undefined) await this.running;
    const until = Date.now() + CLOSE_WAIT_MS;
    while (this.waiting.size > 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      await this.pollPlaced(0).catch(() => undefined);
    }
    await this.campaigning;
    await this.repo.durable();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.role !== 'follower') await this.checkpoint().catch(() => undefined);
    const lease = this.lease;
    this.lease = null;
    await lease?.release();
    if (this.shared !== undefined && this.waiting.size > 0) {
      // Not placed in time: taken back from the queue, so that what their callers are told (not
      // written) stays true; one placed meanwhile is answered with its place after all.
      const ids = [...this.waiting.keys()];
      const withdrawn = new Set(await this.shared.withdraw(ids).catch(() => [] as number[]));
      await this.pollPlaced(0).catch(() => undefined);
      for (const [id, w] of this.waiting) {
        w.placed.reject(new PortcullisError('STORE_ERROR', withdrawn.has(id) ? 'the ledger closed before the sequencer placed these entries; they were not written' : 'the ledger closed before it heard where the sequencer placed these entries'));
      }
      this.waiting.clear();
    }
    await this.shared?.close();
  }
}

/** Where queued batches integrated one after the other from index `first` start. */
function placements(queued: readonly QueuedBatch[], first: number): Placement[] {
  let at = first;
  return queued.map((q) => {
    const p = { id: q.id, first: at };
    at += q.entries.length;
    return p;
  });
}

const ledgers = new WeakMap<AppContext, Ledger>();

/** The ledger of an application context (one per context). */
export function ledgerOf(app: AppContext): Ledger {
  let l = ledgers.get(app);
  if (l === undefined) {
    l = new Ledger(app);
    ledgers.set(app, l);
  }
  return l;
}

/** Closes the context's ledger, if it was opened: pending entries are written and a checkpoint signed. */
export async function closeLedger(app: AppContext): Promise<void> {
  await ledgers.get(app)?.close();
}
