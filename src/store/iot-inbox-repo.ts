import type { Generated, Kysely } from 'kysely';
import type { Schema } from './schema.ts';

/** The inbox's table in the store (migration 0013-iot-inbox): PostgreSQL's and an in-memory SQLite's inbox. */
export type IotInboxTables = {
  iot_inbox: { id: Generated<number | string>; topic: string; payload: string; received_at: string };
};

export interface NewInboxMessage {
  readonly topic: string;
  readonly payload: string;
  readonly receivedAt: string;
  /**
   * What the receiver found, where it looked (the receiver thread of a SQLite store's inbox file):
   * the event parsed and normalised, as JSON, when the payload is a well-formed event; the device
   * public key (base64) its signature verified with, when it knew the device's key.
   */
  readonly event?: string;
  readonly verifiedKey?: string;
}

export interface InboxMessage extends NewInboxMessage {
  readonly id: number;
}

/**
 * MQTT messages kept until processed, oldest first. A message is kept before the broker hears that
 * it arrived, and MQTT clients take the next message only once that is done: so keeping one must
 * be cheap and must never wait behind the processing of earlier ones.
 *
 * Two kinds: the store's own table (PostgreSQL; its pool gives the inbox a connection of its own),
 * and for a SQLite file a separate SQLite file next to it with a connection of its own
 * (sqlite-inbox.ts), written synchronously: the store's one connection is held across the
 * processing's transactions, and a message waiting for it had made receiving as slow as processing.
 */
export interface IotInbox {
  /** Keeps one message: committed when this returns (SQLite file) or when the promise resolves. */
  put(message: NewInboxMessage): void | Promise<void>;
  /** The oldest `limit` messages (of ids after `after` and up to `upTo`, when given). */
  take(limit: number, range?: { readonly after?: number | undefined; readonly upTo?: number | undefined }): Promise<InboxMessage[]>;
  /**
   * True when the inbox is in the store's database, so that processed messages are removed in the
   * transaction that stores what they carried; false when it is a file of its own, whose messages
   * are removed just after that transaction commits (a crash in between hands them over again, and
   * the event ids keep them from being applied twice).
   */
  readonly inStore: boolean;
  /** The inbox's own SQLite file, where it has one: a receiver thread writes it through a connection of its own. */
  readonly file?: string;
  /** Removes processed messages; `trx` is the store's transaction, for an inbox in the store. */
  remove(ids: readonly number[], trx?: Kysely<Schema>): Promise<void>;
  count(): Promise<number>;
  /** The highest id kept; 0 when the inbox is empty. */
  lastId(): Promise<number>;
  close(): Promise<void>;
}

/** The inbox in the store's own table. */
export function tableInbox(base: Kysely<Schema>): IotInbox {
  const on = (db: Kysely<Schema>) => db.withTables<IotInboxTables>();
  const db = on(base);
  return {
    inStore: true,
    async put(m) {
      await db.insertInto('iot_inbox').values({ topic: m.topic, payload: m.payload, received_at: m.receivedAt }).execute();
    },
    async take(limit, range = {}) {
      let q = db.selectFrom('iot_inbox').selectAll();
      if (range.after !== undefined) q = q.where('id', '>', range.after);
      if (range.upTo !== undefined) q = q.where('id', '<=', range.upTo);
      const rows = await q.orderBy('id').limit(limit).execute();
      return rows.map((r) => ({ id: Number(r.id), topic: r.topic, payload: r.payload, receivedAt: r.received_at }));
    },
    async remove(ids, trx) {
      const target = trx === undefined ? db : on(trx);
      for (let i = 0; i < ids.length; i += 500) await target.deleteFrom('iot_inbox').where('id', 'in', ids.slice(i, i + 500)).execute();
    },
    async count() {
      const r = await db.selectFrom('iot_inbox').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async lastId() {
      const r = await db.selectFrom('iot_inbox').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst();
      return r?.m === null || r?.m === undefined ? 0 : Number(r.m);
    },
    async close() {},
  };
}
