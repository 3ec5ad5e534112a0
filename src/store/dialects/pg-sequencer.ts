import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Placement, QueuedBatch, SequencerLease, SharedLedgerRows } from '../ledger-rows.ts';
import { integrateOn, parsePlacements, placementNotices } from './pg-integrate.ts';

/** How to open a connection of one's own to the database (the pool's settings). */
export interface PgConnection {
  readonly url: string;
  readonly schema?: string | undefined;
}

/** Placed rows of the queue are kept this long for their processes to read, then removed. */
const KEEP_PLACED_MS = 5 * 60_000;
/** Most queued batches read at once. */
const MAX_QUEUED_ROWS = 1000;

/**
 * A connection of its own (the sequencer's lease, a listener). A peer that vanished without closing
 * (a machine lost, a network cut) must be noticed in seconds, not hours, at both ends: TCP keepalive
 * here, and asked of the server for this session (PostgreSQL ends the session, and frees the
 * sequencer's lock, within about 10 s instead of its default of two hours); a query that gets no
 * answer fails after QUERY_TIMEOUT_MS.
 */
export function pgClient(c: PgConnection): pg.Client {
  const options = [...(c.schema ? [`-c search_path=${c.schema}`] : []), '-c tcp_keepalives_idle=5', '-c tcp_keepalives_interval=2', '-c tcp_keepalives_count=3', '-c tcp_user_timeout=10000'].join(' ');
  return new pg.Client({ connectionString: c.url, keepAlive: true, keepAliveInitialDelayMillis: 1000, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, query_timeout: QUERY_TIMEOUT_MS, options });
}

/** How long opening such a connection may take. */
const CONNECT_TIMEOUT_MS = 5000;
/** How long a query on it may go unanswered (a batch of 20,000 entries takes well under this). */
const QUERY_TIMEOUT_MS = 30_000;

/**
 * The lease's and the listener's connections do not keep the process alive by themselves: they
 * serve its work, and end with it (a process that never closed its store still exits).
 */
export function unrefSocket(c: pg.Client): void {
  (c as unknown as { connection?: { stream?: { unref?: () => void } } }).connection?.stream?.unref?.();
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * The ledger shared by the processes on one PostgreSQL database (and schema): the sequencer's
 * lease is a session-level advisory lock, held on a connection of its own on which the sequencer
 * also writes — a process whose connection is gone has lost both at once, so two can never write
 * as sequencer, and PostgreSQL frees the lock as soon as a dead process's connection closes.
 * Others queue their batches in `ledger_queue` and hear placements by LISTEN/NOTIFY.
 */
/** The sequencer's advisory lock: per database, and the schema keeps instances of different schemas apart. */
export function sequencerLockKey(schema: string | undefined): bigint {
  return digest(`portcullis.ledger.sequencer:${schema ?? ''}`).readBigInt64BE(0);
}

export function pgSharedLedger(pool: pg.Pool, connection: PgConnection): SharedLedgerRows {
  const scope = connection.schema ?? '';
  const lockKey = sequencerLockKey(connection.schema).toString();
  const tag = digest(scope).toString('hex').slice(0, 16);
  const channels = { placed: `portcullis_ledger_placed_${tag}`, queued: `portcullis_ledger_queued_${tag}` };
  let listener: pg.Client | undefined;
  let closed = false;
  return {
    async tryLead() {
      const client = pgClient(connection);
      const lost = new Promise<void>((resolve) => {
        client.on('error', () => resolve());
        client.on('end', () => resolve());
      });
      await client.connect();
      unrefSocket(client);
      let held = false;
      try {
        const r = await client.query<{ held: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS held', [lockKey]);
        held = r.rows[0]?.held === true;
      } finally {
        if (!held) await client.end().catch(() => undefined);
      }
      if (!held) return null;
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
      // Reconnected until it can be, after a failure; placements announced meanwhile are found by
      // the callers' polling.
      const relisten = (): void => {
        if (!closed) setTimeout(() => void (closed ? undefined : connect().catch(relisten)), 500).unref();
      };
      const connect = async (): Promise<void> => {
        const c = pgClient(connection);
        c.on('notification', (n) => {
          if (n.channel === channels.placed) on.placed(parsePlacements(n.payload ?? ''));
          else if (n.channel === channels.queued) on.queued();
        });
        c.on('error', () => {
          if (listener === c) listener = undefined;
          void c.end().catch(() => undefined);
          relisten();
        });
        try {
          await c.connect();
          unrefSocket(c);
          await c.query(`LISTEN "${channels.placed}"`);
          await c.query(`LISTEN "${channels.queued}"`);
        } catch (e) {
          void c.end().catch(() => undefined);
          throw e;
        }
        if (closed) await c.end().catch(() => undefined);
        else listener = c;
      };
      await connect();
    },
    async close() {
      closed = true;
      await listener?.end().catch(() => undefined);
      listener = undefined;
    },
  };
}
