import { sql } from 'kysely';
import { PortcullisError } from '../domain/errors.ts';
import type { Entry } from '../ledger/entry/entry.ts';
import type { EntryType } from '../ledger/entry/entry-type.ts';
import { fieldCodecOf, PLAIN_CODEC, type FieldCodec } from './field-codec.ts';
import type { IntegrateBatch, QueuedBatch, ScannedRow, SharedLedgerRows } from './ledger-rows.ts';
import type { StoreAdapter } from './store-adapter.ts';
import type { Schema } from './schema.ts';

/** An entry as stored: its index in the log and what the store files it under. */
export interface StoredEntry extends Entry {
  readonly index: number;
  readonly subject: string | null;
}

export interface StoredCheckpoint {
  readonly size: number;
  readonly root: string;
  readonly note: string;
  readonly signedAt: string;
}

export interface StoredCosignature {
  readonly size: number;
  readonly witness: string;
  readonly keyId: string;
  readonly time: number;
  readonly line: string;
  readonly receivedAt: string;
}

export interface StoredLedgerKey {
  readonly name: string;
  readonly keyId: string;
  readonly vkey: string;
  /** party: signs entries it submits; witness: cosigns checkpoints; partner: another customs service, signs the risk alerts it sends (app/cooperation). */
  readonly role: 'party' | 'witness' | 'partner';
  readonly addedBy: string;
  readonly addedAt: string;
  readonly revokedAt: string | null;
}

/** Subjects per IN list. */
const CHUNK = 1000;

const toEntry = (r: Schema['ledger_entries']): StoredEntry => ({
  index: Number(r.idx), type: r.type as EntryType, party: r.party, keyId: r.key_id, time: r.time,
  corrects: r.corrects === null ? null : Number(r.corrects), commitment: r.commitment, signature: r.signature, subject: r.subject,
});

/**
 * The ledger's tables: appended to in one transaction per batch, never updated or deleted (keys are
 * revoked by a date, not removed). The primary key on the entry index is what keeps two sequencers
 * from both writing the same index: the second one's transaction fails whole.
 */
export function ledgerRepo(store: Pick<StoreAdapter, 'db' | 'ledgerRows'>) {
  const rows = store.ledgerRows;
  const db = store.db;
  // Payloads hold what was filed (goods descriptions, inspection notes…): sealed at rest like the columns they come from.
  const codec = fieldCodecOf(db);
  const openPayload = (idx: number, payload: string): string => codec.open('ledger_payloads', 'payload', String(idx), payload);
  const sealPayloads = (batch: IntegrateBatch): IntegrateBatch =>
    codec === PLAIN_CODEC ? batch : { ...batch, entries: batch.entries.map((e, i) => ({ ...e, payload: codec.seal('ledger_payloads', 'payload', String(batch.first + i), e.payload) })) };
  return {
    /** How many entries the log holds. */
    async size(): Promise<number> {
      const r = await db.selectFrom('ledger_entries').select(sql<number | string | null>`max(idx)`.as('m')).executeTakeFirst();
      return r?.m === null || r?.m === undefined ? 0 : Number(r.m) + 1;
    },

    /** Entries, payloads and tree nodes of one batch, in one transaction: all of them or none; committed when it resolves, on disk once `durable` does. */
    integrate: (batch: IntegrateBatch): Promise<void> => rows.integrate(sealPayloads(batch)),

    /** The log shared by several processes (PostgreSQL), its payloads sealed in the queue as in the log. */
    shared: rows.shared === undefined ? undefined : sealedShared(rows.shared, codec, sealPayloads),

    /** Resolves once everything committed so far is on disk (LedgerRows.durable). */
    durable: (): Promise<void> => rows.durable(),

    /** The hashes of the given complete subtrees, in the order asked; a missing one is a STORE_ERROR. */
    async nodes(ids: readonly { readonly level: number; readonly index: number }[]): Promise<Uint8Array[]> {
      const found = await rows.nodes(ids);
      return found.map((h, i) => {
        if (h === undefined) throw new PortcullisError('STORE_ERROR', `the ledger's tree has no node at level ${ids[i]!.level}, index ${ids[i]!.index}`);
        return h;
      });
    },

    /** Stored nodes of one level over an index range, in order (for verification). */
    levelNodes: (level: number, from: number, to: number) => rows.level(level, from, to),

    /** The same, packed end to end in one buffer (what verification reads a page's nodes as). */
    packedLevel: (level: number, from: number, to: number) => rows.packedLevel(level, from, to),

    /** Entries [from, to) (with their payloads when asked), as verification reads them. */
    scan: async (from: number, to: number, payloads: boolean): Promise<Iterable<ScannedRow>> => {
      const scanned = await rows.scan(from, to, payloads);
      if (!payloads || codec === PLAIN_CODEC) return scanned;
      return (function* () {
        for (const r of scanned) {
          if (r[9] !== null) r[9] = openPayload(r[0], r[9]);
          yield r;
        }
      })();
    },

    async nodeCount(): Promise<number> {
      const r = await db.selectFrom('ledger_nodes').select(sql<number | string>`count(*)`.as('n')).executeTakeFirst();
      return Number(r?.n ?? 0);
    },

    /** Entries [from, to), in order. */
    async entries(from: number, to: number): Promise<StoredEntry[]> {
      const rows = await db.selectFrom('ledger_entries').selectAll().where('idx', '>=', from).where('idx', '<', to).orderBy('idx').execute();
      return rows.map(toEntry);
    },

    async entry(index: number): Promise<StoredEntry | undefined> {
      const r = await db.selectFrom('ledger_entries').selectAll().where('idx', '=', index).executeTakeFirst();
      return r === undefined ? undefined : toEntry(r);
    },

    /** The entries filed under a subject (a declaration id…), oldest first. */
    async entriesAbout(subject: string): Promise<StoredEntry[]> {
      const rows = await db.selectFrom('ledger_entries').selectAll().where('subject', '=', subject).orderBy('idx').execute();
      return rows.map(toEntry);
    },

    /** Per subject, the index of its latest entry of one of the types given (for `corrects`). */
    async latestAbout(subjects: readonly string[], types: readonly string[]): Promise<Map<string, number>> {
      const out = new Map<string, number>();
      for (let i = 0; i < subjects.length; i += CHUNK) {
        const rows = await db
          .selectFrom('ledger_entries')
          .select(['subject', sql<number | string>`max(idx)`.as('m')])
          .where('subject', 'in', subjects.slice(i, i + CHUNK))
          .where('type', 'in', types)
          .groupBy('subject')
          .execute();
        for (const r of rows) if (r.subject !== null) out.set(r.subject, Number(r.m));
      }
      return out;
    },

    async payload(index: number): Promise<{ salt: string; payload: string } | undefined> {
      const r = await db.selectFrom('ledger_payloads').select(['salt', 'payload']).where('idx', '=', index).executeTakeFirst();
      return r === undefined ? undefined : { salt: r.salt, payload: openPayload(index, r.payload) };
    },

    async payloads(from: number, to: number): Promise<{ index: number; salt: string; payload: string }[]> {
      const rows = await db.selectFrom('ledger_payloads').selectAll().where('idx', '>=', from).where('idx', '<', to).orderBy('idx').execute();
      return rows.map((r) => ({ index: Number(r.idx), salt: r.salt, payload: openPayload(Number(r.idx), r.payload) }));
    },

    async putCheckpoint(c: StoredCheckpoint): Promise<void> {
      await db.insertInto('ledger_checkpoints').values({ size: c.size, root: c.root, note: c.note, signed_at: c.signedAt }).execute();
    },

    async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
      const r = await db.selectFrom('ledger_checkpoints').selectAll().orderBy('size', 'desc').limit(1).executeTakeFirst();
      return r === undefined ? undefined : { size: Number(r.size), root: r.root, note: r.note, signedAt: r.signed_at };
    },

    async checkpoint(size: number): Promise<StoredCheckpoint | undefined> {
      const r = await db.selectFrom('ledger_checkpoints').selectAll().where('size', '=', size).executeTakeFirst();
      return r === undefined ? undefined : { size: Number(r.size), root: r.root, note: r.note, signedAt: r.signed_at };
    },

    /** Every checkpoint, oldest first. */
    async checkpoints(): Promise<StoredCheckpoint[]> {
      const rows = await db.selectFrom('ledger_checkpoints').selectAll().orderBy('size').execute();
      return rows.map((r) => ({ size: Number(r.size), root: r.root, note: r.note, signedAt: r.signed_at }));
    },

    /** Keeps a witness's cosignature; false when that witness had cosigned this checkpoint already. */
    async putCosignature(c: StoredCosignature): Promise<boolean> {
      const r = await db
        .insertInto('ledger_cosignatures')
        .values({ size: c.size, witness: c.witness, key_id: c.keyId, time: c.time, line: c.line, received_at: c.receivedAt })
        .onConflict((oc) => oc.columns(['size', 'witness', 'key_id']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    async cosignatures(size: number): Promise<StoredCosignature[]> {
      const rows = await db.selectFrom('ledger_cosignatures').selectAll().where('size', '=', size).orderBy('witness').execute();
      return rows.map((r) => ({ size: Number(r.size), witness: r.witness, keyId: r.key_id, time: Number(r.time), line: r.line, receivedAt: r.received_at }));
    },

    async addKey(k: Omit<StoredLedgerKey, 'revokedAt'>): Promise<boolean> {
      const r = await db
        .insertInto('ledger_keys')
        .values({ name: k.name, key_id: k.keyId, vkey: k.vkey, role: k.role, added_by: k.addedBy, added_at: k.addedAt, revoked_at: null })
        .onConflict((oc) => oc.columns(['name', 'key_id', 'role']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    async revokeKey(name: string, keyId: string, role: StoredLedgerKey['role'], at: string): Promise<boolean> {
      const r = await db.updateTable('ledger_keys').set({ revoked_at: at }).where('name', '=', name).where('key_id', '=', keyId).where('role', '=', role).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async keys(role?: StoredLedgerKey['role']): Promise<StoredLedgerKey[]> {
      let q = db.selectFrom('ledger_keys').selectAll().orderBy('name').orderBy('key_id');
      if (role !== undefined) q = q.where('role', '=', role);
      const rows = await q.execute();
      return rows.map((r) => ({ name: r.name, keyId: r.key_id, vkey: r.vkey, role: r.role as StoredLedgerKey['role'], addedBy: r.added_by, addedAt: r.added_at, revokedAt: r.revoked_at }));
    },
  };
}

export type LedgerRepo = ReturnType<typeof ledgerRepo>;

/**
 * The shared log's queue holds payloads too, for a moment: sealed like the log's own, bound to the
 * batch's token and their place in it (their index in the log is not known yet); the sequencer
 * opens them, and seals them again under their index as it integrates them.
 */
function sealedShared(shared: SharedLedgerRows, codec: FieldCodec, sealPayloads: (b: IntegrateBatch) => IntegrateBatch): SharedLedgerRows {
  if (codec === PLAIN_CODEC) return shared;
  const where = (token: string, i: number) => `${token}/${i}`;
  return {
    tryLead: async () => {
      const lease = await shared.tryLead();
      if (lease === null) return null;
      return {
        lost: lease.lost,
        release: () => lease.release(),
        queued: async (limit) => {
          const out: QueuedBatch[] = [];
          const unreadable: number[] = [];
          for (const q of await lease.queued(limit)) {
            try {
              out.push({ ...q, entries: q.entries.map((e, i) => ({ ...e, payload: codec.open('ledger_queue', 'payload', where(q.token, i), e.payload) })) });
            } catch {
              // Sealed under a key this instance does not hold, or altered: refused, not left to hold up the queue.
              unreadable.push(q.id);
            }
          }
          if (unreadable.length > 0) await lease.refuse(unreadable);
          return out;
        },
        refuse: (ids) => lease.refuse(ids),
        integrate: (batch, placed) => lease.integrate(sealPayloads(batch), placed),
      };
    },
    enqueue: (token, entries) => shared.enqueue(token, entries.map((e, i) => ({ ...e, payload: codec.seal('ledger_queue', 'payload', where(token, i), e.payload) }))),
    placed: (ids) => shared.placed(ids),
    withdraw: (ids) => shared.withdraw(ids),
    subscribe: (on) => shared.subscribe(on),
    close: () => shared.close(),
  };
}
