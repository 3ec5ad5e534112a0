import { createHash } from 'node:crypto';
import pg from 'pg';

/** How to open a connection of one's own to the database (the pool's settings). */
export interface PgConnection {
  readonly url: string;
  readonly schema?: string | undefined;
}

/**
 * A connection of its own (the sequencer's lease, the signals' listener). A peer that vanished
 * without closing (a machine lost, a network cut) must be noticed in seconds, not hours, at both
 * ends: TCP keepalive here, and asked of the server for this session (PostgreSQL ends the session, and frees the
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

/**
 * The NOTIFY channel of a topic for one schema: the instances of one deployment (database and
 * schema) hear each other, and no other's.
 */
export function channelOf(schema: string | undefined, topic: string): string {
  const tag = createHash('sha256').update(schema ?? '').digest('hex').slice(0, 16);
  return `portcullis_${topic.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${tag}`;
}
