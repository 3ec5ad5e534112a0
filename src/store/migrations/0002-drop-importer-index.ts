import type { Kysely } from 'kysely';

/**
 * Drops the (importer, filed_at) index of 0001. Identifiers of importers arrive in no order, so every
 * batch of intake wrote to pages all over that index: it doubled the cost of writing a declaration
 * on SQLite (measured in bench/ingest.ts), for a filter that the filing-time index serves well
 * enough until a use case needs it fast.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('declarations_importer').ifExists().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('declarations_importer').on('declarations').columns(['importer', 'filed_at']).execute();
}
