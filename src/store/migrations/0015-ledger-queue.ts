import { SqliteAdapter, sql, type Kysely } from 'kysely';

/**
 * The ledger's queue, for several instances on one PostgreSQL database: an instance that is not
 * the sequencer commits its batch of signed entries here (durable: acknowledged to nobody yet), the
 * sequencer integrates queued batches in id order and, in the same transaction, marks where each
 * one's entries start (`first_idx`). A batch is never lost with the instance that queued it or the
 * sequencer that was to place it: the next sequencer finds it here. Placed rows are removed after a
 * while (src/store/dialects/pg-sequencer.ts). The payloads are sealed at rest like the log's own,
 * bound to the batch's random `token` and their place in it (ledger-repo.ts). Unused on SQLite, where
 * one process sequences its own.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  await db.schema
    .createTable('ledger_queue')
    .addColumn('id', sqlite ? 'integer' : 'bigserial', (c) => c.primaryKey())
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('entries', 'text')
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('queued_at', 'text', (c) => c.notNull())
    .addColumn('first_idx', 'integer')
    .addColumn('placed_at', 'text')
    .execute();
  await db.schema.createIndex('ledger_queue_unplaced').on('ledger_queue').column('id').where(sql.ref('first_idx'), 'is', null).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ledger_queue').execute();
}
