import type { Kysely } from 'kysely';

/**
 * Carriers' movements listed newest first, a carrier's own (the carrier's page in the web
 * application, GET /movements without a container or document) or everyone's (staff): read from
 * these indexes in order, a page at a time, never sorted.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('transport_events_carrier_time').on('transport_events').columns(['carrier', 'event_time', 'id']).execute();
  await db.schema.createIndex('transport_events_time').on('transport_events').columns(['event_time', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('transport_events_time').execute();
  await db.schema.dropIndex('transport_events_carrier_time').execute();
}
