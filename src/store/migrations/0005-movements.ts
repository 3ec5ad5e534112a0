import type { Kysely } from 'kysely';

/**
 * Carrier movements (DCSA Track & Trace events) and container telemetry readings, keyed by their
 * own event ids: the same id again is the same record. `body` is the record's canonical JSON, so
 * that a record sent again is told apart from another one sent under the same id; `ledger_idx` is
 * the index of the ledger entry that records it (null until it is recorded).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('transport_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('carrier', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('event_code', 'text', (c) => c.notNull())
    .addColumn('classifier', 'text', (c) => c.notNull())
    .addColumn('event_time', 'text', (c) => c.notNull())
    .addColumn('transport_document', 'text')
    .addColumn('container', 'text')
    .addColumn('location', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('ledger_idx', 'integer')
    .execute();
  await db.schema.createIndex('transport_events_container').on('transport_events').columns(['container', 'event_time']).execute();
  await db.schema.createIndex('transport_events_document').on('transport_events').columns(['transport_document', 'event_time']).execute();

  await db.schema
    .createTable('telemetry_readings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('container', 'text', (c) => c.notNull())
    .addColumn('time', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('event_code', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('ledger_idx', 'integer')
    .execute();
  await db.schema.createIndex('telemetry_readings_container').on('telemetry_readings').columns(['container', 'time']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['telemetry_readings', 'transport_events']) await db.schema.dropTable(t).execute();
}
