import { SqliteAdapter, type Kysely } from 'kysely';

/**
 * The telemetry inbox: MQTT messages as they came (topic, payload), kept before the broker is told
 * they were received, and removed once processed. A message is acknowledged to the broker only
 * after it is committed here, so a server killed at any moment loses none: what it had not
 * processed is processed after the restart (src/app/iot/ingest.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  await db.schema
    .createTable('iot_inbox')
    .addColumn('id', sqlite ? 'integer' : 'bigserial', (c) => c.primaryKey())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('iot_inbox').execute();
}
