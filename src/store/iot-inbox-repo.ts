import type { Generated, Kysely } from 'kysely';
import type { Schema } from './schema.ts';

/** The inbox's table (migration 0013-iot-inbox). */
export type IotInboxTables = {
  iot_inbox: { id: Generated<number | string>; topic: string; payload: string; received_at: string };
};

export interface InboxMessage {
  readonly id: number;
  readonly topic: string;
  readonly payload: string;
  readonly receivedAt: string;
}

/** MQTT messages kept until processed, oldest first. */
export function iotInboxRepo(base: Kysely<Schema>) {
  const db = base.withTables<IotInboxTables>();
  return {
    /** Keeps messages (one statement); resolves once committed. */
    async put(messages: readonly { readonly topic: string; readonly payload: string; readonly receivedAt: string }[]): Promise<void> {
      for (let i = 0; i < messages.length; i += 500) {
        await db
          .insertInto('iot_inbox')
          .values(messages.slice(i, i + 500).map((m) => ({ topic: m.topic, payload: m.payload, received_at: m.receivedAt })))
          .execute();
      }
    },
    /** The oldest `limit` messages. */
    async take(limit: number): Promise<InboxMessage[]> {
      const rows = await db.selectFrom('iot_inbox').selectAll().orderBy('id').limit(limit).execute();
      return rows.map((r) => ({ id: Number(r.id), topic: r.topic, payload: r.payload, receivedAt: r.received_at }));
    },
    async remove(ids: readonly number[]): Promise<void> {
      for (let i = 0; i < ids.length; i += 500) await db.deleteFrom('iot_inbox').where('id', 'in', ids.slice(i, i + 500)).execute();
    },
    async count(): Promise<number> {
      const r = await db.selectFrom('iot_inbox').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      return Number(r.n);
    },
  };
}
export type IotInboxRepo = ReturnType<typeof iotInboxRepo>;
