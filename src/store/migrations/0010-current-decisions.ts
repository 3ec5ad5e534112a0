import { sql, type Kysely } from 'kysely';

/**
 * Each declaration's current decision, marked: `superseded` is 1 on every revision that a later
 * one replaced. The worklist reads current decisions in rank order (score, then id) through a
 * partial index instead of looking for a later revision of every decision and sorting them all
 * per request (which took ~3 ms on the demo's 20,000 decisions, and grew with the store).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('decisions').addColumn('superseded', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await sql`UPDATE decisions SET superseded = 1 WHERE EXISTS (SELECT 1 FROM decisions later WHERE later.declaration_id = decisions.declaration_id AND later.revision > decisions.revision)`.execute(db);
  await sql`CREATE INDEX decisions_current_rank ON decisions ((coalesce(score, -1)) DESC, declaration_id) WHERE superseded = 0`.execute(db);
  await sql`CREATE INDEX decisions_current_office_rank ON decisions (office, (coalesce(score, -1)) DESC, declaration_id) WHERE superseded = 0`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('decisions_current_office_rank').execute();
  await db.schema.dropIndex('decisions_current_rank').execute();
  await db.schema.alterTable('decisions').dropColumn('superseded').execute();
}
