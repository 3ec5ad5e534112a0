import { sql, SqliteAdapter, type Kysely } from 'kysely';

/**
 * The shared ledger: its entries (what is shared: no payload, only the salted commitment), the
 * payloads with their salts (private: access-controlled like the rest of the store), the hashes of
 * the Merkle tree's complete subtrees (leaves at level 0), the signed checkpoints and their
 * cosignatures, and the public keys of the parties and witnesses. Tree hashes are raw bytes (BLOB,
 * bytea) in a table clustered on (level, idx) — on SQLite WITHOUT ROWID, so that a proof's dozens of
 * point reads descend one B-tree, not an index and then the table. Nothing here is ever updated or
 * deleted.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  await db.schema
    .createTable('ledger_entries')
    .addColumn('idx', 'integer', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('party', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('time', 'text', (c) => c.notNull())
    .addColumn('corrects', 'integer')
    .addColumn('commitment', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    /** What the entry is about (a declaration id, a rule id…): the store's index, not part of the leaf. */
    .addColumn('subject', 'text')
    .execute();
  await db.schema.createIndex('ledger_entries_subject').on('ledger_entries').columns(['subject', 'idx']).execute();

  await db.schema
    .createTable('ledger_payloads')
    .addColumn('idx', 'integer', (c) => c.primaryKey())
    .addColumn('salt', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('ledger_nodes')
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('idx', 'integer', (c) => c.notNull())
    .addColumn('hash', sqlite ? 'blob' : 'bytea', (c) => c.notNull())
    .addPrimaryKeyConstraint('ledger_nodes_pk', ['level', 'idx'])
    .$call((t) => (sqlite ? t.modifyEnd(sql`without rowid`) : t))
    .execute();

  await db.schema
    .createTable('ledger_checkpoints')
    .addColumn('size', 'integer', (c) => c.primaryKey())
    .addColumn('root', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('signed_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('ledger_cosignatures')
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('witness', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('time', 'integer', (c) => c.notNull())
    .addColumn('line', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('ledger_cosignatures_pk', ['size', 'witness', 'key_id'])
    .execute();

  await db.schema
    .createTable('ledger_keys')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('vkey', 'text', (c) => c.notNull())
    /** party (signs entries) | witness (cosigns checkpoints) */
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('added_by', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addPrimaryKeyConstraint('ledger_keys_pk', ['name', 'key_id', 'role'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['ledger_keys', 'ledger_cosignatures', 'ledger_checkpoints', 'ledger_nodes', 'ledger_payloads', 'ledger_entries']) await db.schema.dropTable(t).execute();
}
