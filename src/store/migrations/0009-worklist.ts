import type { Kysely } from 'kysely';

/**
 * The analyst worklist: who has claimed a selected declaration (one analyst at a time), and the
 * overrides of a decision's lane, each with who, when and the reason (required).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('worklist_claims')
    .addColumn('declaration_id', 'text', (c) => c.primaryKey())
    .addColumn('claimed_by', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('decision_overrides')
    .addColumn('declaration_id', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('from_lane', 'text', (c) => c.notNull())
    .addColumn('to_lane', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('overridden_by', 'text', (c) => c.notNull())
    .addColumn('overridden_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('decision_overrides_pk', ['declaration_id', 'revision'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['decision_overrides', 'worklist_claims']) await db.schema.dropTable(t).execute();
}
