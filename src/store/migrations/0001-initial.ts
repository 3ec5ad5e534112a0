import type { Kysely } from 'kysely';

/** Declarations with their goods items, parties, and the record of every intake run. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('declarations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('filed_at', 'text', (c) => c.notNull())
    .addColumn('customs_office', 'text', (c) => c.notNull())
    .addColumn('declarant', 'text')
    .addColumn('importer', 'text', (c) => c.notNull())
    .addColumn('seller', 'text')
    .addColumn('courier', 'text')
    .addColumn('export_country', 'text')
    .addColumn('mode_of_transport', 'text')
    .addColumn('transport_document', 'text')
    .addColumn('containers', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('port_of_loading', 'text')
    .addColumn('port_of_discharge', 'text')
    .addColumn('attributes', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('item_count', 'integer', (c) => c.notNull())
    .addColumn('total_value', 'double precision', (c) => c.notNull())
    .addColumn('label_illicit', 'integer')
    .addColumn('label_critical', 'integer')
    .addColumn('label_revenue', 'double precision')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('ingested_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('declarations_filed_at').on('declarations').columns(['filed_at', 'id']).execute();
  await db.schema.createIndex('declarations_importer').on('declarations').columns(['importer', 'filed_at']).execute();

  await db.schema
    .createTable('goods_items')
    .addColumn('declaration_id', 'text', (c) => c.notNull().references('declarations.id'))
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('hs_code', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('origin_country', 'text')
    .addColumn('quantity', 'double precision')
    .addColumn('quantity_unit', 'text')
    .addColumn('net_mass_kg', 'double precision')
    .addColumn('customs_value', 'double precision', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('tax_rate', 'double precision')
    .addColumn('duty', 'double precision')
    .addPrimaryKeyConstraint('goods_items_pk', ['declaration_id', 'sequence'])
    .execute();

  await db.schema
    .createTable('parties')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('roles', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('aeo', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('ingest_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('file', 'text', (c) => c.notNull())
    .addColumn('file_sha256', 'text')
    .addColumn('mapping', 'text', (c) => c.notNull())
    .addColumn('strict', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('rows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('accepted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('duplicates', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reject_file', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['ingest_runs', 'parties', 'goods_items', 'declarations']) await db.schema.dropTable(t).execute();
}
