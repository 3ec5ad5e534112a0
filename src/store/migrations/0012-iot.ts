import type { Kysely } from 'kysely';

/**
 * Container telemetry from devices (issue 7): the registered devices and their public keys, the
 * last event applied from each (so that a replayed or older event is refused), the events as the
 * devices signed them (`body`, JSON) keyed by (device, the device's event id), how many messages
 * were refused for each reason, and each consignment's monitors (its plan and running state, JSON).
 * Sequence numbers and counters are bigint: a device may count in milliseconds.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('container', 'text')
    .addColumn('registered_by', 'text', (c) => c.notNull())
    .addColumn('registered_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_by', 'text')
    .execute();
  await db.schema.createIndex('devices_container').on('devices').column('container').execute();

  await db.schema
    .createTable('device_progress')
    .addColumn('device_id', 'text', (c) => c.primaryKey())
    .addColumn('last_seq', 'bigint', (c) => c.notNull())
    .addColumn('last_time', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('iot_events')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('container', 'text', (c) => c.notNull())
    .addColumn('time', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('ledger_index', 'integer')
    .addPrimaryKeyConstraint('iot_events_pk', ['device_id', 'event_id'])
    .execute();
  await db.schema.createIndex('iot_events_track').on('iot_events').columns(['container', 'time', 'seq']).execute();

  await db.schema
    .createTable('iot_rejections')
    .addColumn('reason', 'text', (c) => c.primaryKey())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addColumn('last_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('consignment_monitors')
    .addColumn('consignment', 'text', (c) => c.primaryKey())
    .addColumn('container', 'text', (c) => c.notNull())
    .addColumn('plan', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('consignment_monitors_container').on('consignment_monitors').column('container').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['consignment_monitors', 'iot_rejections', 'iot_events', 'device_progress', 'devices']) await db.schema.dropTable(t).execute();
}
