import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Placement, QueuedBatch, SequencerLease, SharedLedgerRows } from '../ledger-rows.ts';
import type { Signals } from '../store-adapter.ts';
import { channelOf, pgClient, unrefSocket, type PgConnection } from './pg-connection.ts';
import { integrateOn, parsePlacements, placementNotices } from './pg-integrate.ts';

/** The signals' topics: where queued batches were placed (a payload of placements), that a batch was queued. */
const PLACED = 'ledger.placed';
const QUEUED = 'ledger.queued';

/** Placed rows of the queue are kept this long for their processes to read, then removed. */
const KEEP_PLACED_MS = 5 * 60_000;
/** Most queued batches read at once. */
const MAX_QUEUED_ROWS = 1000;

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The sequencer's advisory lock: per database, and the schema keeps instances of different schemas apart. */
export function sequencerLockKey(schema: string | undefined): bigint {
  return digest(`portcullis.ledger.sequencer:${schema ?? ''}`).readBigInt64BE(0);
}

/**
 * The ledger shared by the processes on one PostgreSQL database (and schema): the sequencer's
 * lease is a session-level advisory lock, held on a connection of its own on which the sequencer
 * also writes — a process whose connection is gone has lost both at once, so two can never write
 * as sequencer, and PostgreSQL frees the lock as soon as a dead process's connection closes.
 * Others queue their batches in `ledger_queue` and hear placements by NOTIFY, through the
 * store's signals (pg-signals.ts).
 */
export function pgSharedLedger(pool: pg.Pool, connection: PgConnection, signals: Signals): SharedLedgerRows {
  const lockKey = sequencerLockKey(connection.schema).toString();
  const channels = { placed: channelOf(connection.schema, PLACED), queued: channelOf(connection.schema, QUEUED) };
  let unsubscribe: (() => void)[] = [];
  /** The connection a lost try left, kept for the next one. */
  let candidate: Campaign | undefined;
  let closed = false;
  return {
    async tryLead() {
      // The connection of the last try that lost is tried again: a follower keeps one idle
      // connection rather than opening and closing one every time it stands.
      const c = candidate !== undefined && !candidate.gone ? candidate : await campaignConnection(connection);
      candidate = undefined;
      let held = false;
      let answered = false;
      try {
        const r = await c.client.query<{ held: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS held', [lockKey]);
        held = r.rows[0]?.held === true;
        answered = true;
      } finally {
        if (!held) {
          if (!answered || c.gone || candidate !== undefined || closed) await c.client.end().catch(() => undefined);
          else candidate = c;
        }
      }
      if (!held) return null;
      const { client, lost } = c;
      let cleanedAt = Date.now();
      const lease: SequencerLease = {
        lost,
        async queued(limit) {
          if (Date.now() - cleanedAt > KEEP_PLACED_MS / 5) {
            cleanedAt = Date.now();
            await client.query('DELETE FROM ledger_queue WHERE first_idx IS NOT NULL AND placed_at < $1', [new Date(Date.now() - KEEP_PLACED_MS).toISOString()]);
          }
          const r = await client.query<{ id: string; token: string; entries: string; count: number }>('SELECT id::text AS id, token, entries, count FROM ledger_queue WHERE first_idx IS NULL ORDER BY id LIMIT $1', [MAX_QUEUED_ROWS]);
          const out: QueuedBatch[] = [];
          const unreadable: number[] = [];
          let n = 0;
          for (const row of r.rows) {
            if (out.length > 0 && n + row.count > limit) break;
            try {
              out.push({ id: Number(row.id), token: row.token, entries: JSON.parse(row.entries) as QueuedBatch['entries'] });
              n += row.count;
            } catch {
              unreadable.push(Number(row.id));
            }
          }
          if (unreadable.length > 0) await lease.refuse(unreadable);
          return out;
        },
        async refuse(ids) {
          if (ids.length === 0) return;
          await client.query('BEGIN');
          try {
            await client.query('UPDATE ledger_queue SET first_idx = -1, placed_at = $2, entries = NULL WHERE id = ANY($1::bigint[]) AND first_idx IS NULL', [ids, new Date().toISOString()]);
            for (const notice of placementNotices(ids.map((id) => ({ id, first: -1 })))) await client.query('SELECT pg_notify($1, $2)', [channels.placed, notice]);
            await client.query('COMMIT');
          } catch (e) {
            await client.query('ROLLBACK').catch(() => undefined);
            throw e;
          }
        },
        integrate: (batch, placed) => integrateOn(client, batch, placed, channels.placed),
        async release() {
          await client.query('SELECT pg_advisory_unlock($1::bigint)', [lockKey]).catch(() => undefined);
          await client.end().catch(() => undefined);
        },
      };
      return lease;
    },
    async enqueue(token, entries) {
      const r = await pool.query<{ id: string }>(
        `WITH q AS (INSERT INTO ledger_queue (token, entries, count, queued_at) VALUES ($1, $2, $3, $4) RETURNING id)
         SELECT q.id::text AS id, pg_notify($5, '') FROM q`,
        [token, JSON.stringify(entries), entries.length, new Date().toISOString(), channels.queued],
      );
      return Number(r.rows[0]!.id);
    },
    async withdraw(ids) {
      if (ids.length === 0) return [];
      const r = await pool.query<{ id: string }>('DELETE FROM ledger_queue WHERE id = ANY($1::bigint[]) AND first_idx IS NULL RETURNING id::text AS id', [ids]);
      return r.rows.map((row) => Number(row.id));
    },
    async placed(ids) {
      if (ids.length === 0) return [];
      const r = await pool.query<{ id: string; first: number }>('SELECT id::text AS id, first_idx AS first FROM ledger_queue WHERE id = ANY($1::bigint[]) AND first_idx IS NOT NULL', [ids]);
      return r.rows.map((row): Placement => ({ id: Number(row.id), first: row.first }));
    },
    async subscribe(on) {
      // Through the store's one listening connection: after it was lost and is back, both are
      // called with nothing, and the callers' polling finds what was announced meanwhile.
      unsubscribe.push(await signals.subscribe(PLACED, (payload) => on.placed(parsePlacements(payload))));
      unsubscribe.push(await signals.subscribe(QUEUED, () => on.queued()));
    },
    async close() {
      closed = true;
      for (const stop of unsubscribe) stop();
      unsubscribe = [];
      const idle = candidate;
      candidate = undefined;
      await idle?.client.end().catch(() => undefined);
    },
  };
}

interface Campaign {
  readonly client: pg.Client;
  /** Settles when the connection ends or fails (with it, the lock, if it was won). */
  readonly lost: Promise<void>;
  gone: boolean;
}

/** A connection of its own to stand for sequencer on, and to sequence on when it wins. */
async function campaignConnection(connection: PgConnection): Promise<Campaign> {
  const client = pgClient(connection);
  let gone = (): void => undefined;
  const c: Campaign = {
    client,
    gone: false,
    lost: new Promise<void>((resolve) => {
      gone = () => {
        c.gone = true;
        resolve();
      };
    }),
  };
  client.on('error', gone);
  client.on('end', gone);
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e;
  }
  unrefSocket(client);
  return c;
}
