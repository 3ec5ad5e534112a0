import type pg from 'pg';
import type { Signals } from '../store-adapter.ts';
import { channelOf, pgClient, unrefSocket, type PgConnection } from './pg-connection.ts';

/**
 * Signals between the processes on one PostgreSQL database (and schema), by LISTEN/NOTIFY: one
 * listening connection per store, opened at the first subscription, and reconnected when it fails;
 * a signal sent while it was down is lost, so once listening again it tells every subscriber, with
 * no payload, as if its signal had come (what a signal asks for — load the rules or the keys again,
 * look at the ledger's queue — is harmless to do once too often).
 */
export function pgSignals(pool: pg.Pool, connection: PgConnection): Signals & { close(): Promise<void> } {
  const handlers = new Map<string, Set<(payload: string) => void>>();
  let listener: Promise<pg.Client> | undefined;
  let closed = false;
  // A subscriber that throws is its own concern: the others are still told, and nothing is left unhandled.
  const tell = (fns: Iterable<(payload: string) => void>, payload: string) => {
    for (const fn of fns) {
      try {
        fn(payload);
      } catch {
        /* the subscriber's own failure */
      }
    }
  };
  const everyHandler = () => {
    for (const set of handlers.values()) tell(set, '');
  };
  /** After a lost connection: listens again, then tells every subscriber, since a signal may have come meanwhile. */
  const relisten = (): void => {
    if (closed || handlers.size === 0) return;
    setTimeout(() => void (closed ? undefined : listen().then(() => (closed ? undefined : everyHandler()), relisten)), 500).unref();
  };
  const listen = (): Promise<pg.Client> =>
    (listener ??= (async () => {
      const c = pgClient(connection);
      c.on('notification', (n) => tell(handlers.get(n.channel) ?? [], n.payload ?? ''));
      c.on('error', () => {
        listener = undefined;
        void c.end().catch(() => undefined);
        relisten();
      });
      try {
        await c.connect();
        unrefSocket(c);
        for (const channel of handlers.keys()) await c.query(`LISTEN "${channel}"`);
        if (closed) await c.end();
      } catch (e) {
        listener = undefined;
        void c.end().catch(() => undefined);
        throw e;
      }
      return c;
    })());
  return {
    async publish(topic, payload = '') {
      await pool.query('SELECT pg_notify($1, $2)', [channelOf(connection.schema, topic), payload]);
    },
    async subscribe(topic, fn) {
      const channel = channelOf(connection.schema, topic);
      let set = handlers.get(channel);
      const fresh = set === undefined;
      if (set === undefined) handlers.set(channel, (set = new Set()));
      set.add(fn);
      const c = await listen();
      if (fresh) await c.query(`LISTEN "${channel}"`);
      return () => void set.delete(fn);
    },
    async close() {
      closed = true;
      const c = listener;
      listener = undefined;
      await (await c?.catch(() => undefined))?.end().catch(() => undefined);
    },
  };
}
