import { sql, type Kysely } from 'kysely';

/**
 * The worklist's rank indexes hold only current decisions that are not green: those are what
 * analysts work on (red and yellow by default), about a sixth of all decisions. Every decision
 * went into both indexes before, at a random place (ranked by score), so that storing a batch of
 * 16 decisions rewrote some 32 index pages: more than half of what a filing wrote to the disk.
 * A worklist asked for green decisions too is still answered, without these indexes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('decisions_current_office_rank').execute();
  await db.schema.dropIndex('decisions_current_rank').execute();
  await sql`CREATE INDEX decisions_open_rank ON decisions ((coalesce(score, -1)) DESC, declaration_id) WHERE superseded = 0 AND lane <> 'green'`.execute(db);
  await sql`CREATE INDEX decisions_open_office_rank ON decisions (office, (coalesce(score, -1)) DESC, declaration_id) WHERE superseded = 0 AND lane <> 'green'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('decisions_open_office_rank').execute();
  await db.schema.dropIndex('decisions_open_rank').execute();
  await sql`CREATE INDEX decisions_current_rank ON decisions ((coalesce(score, -1)) DESC, declaration_id) WHERE superseded = 0`.execute(db);
  await sql`CREATE INDEX decisions_current_office_rank ON decisions (office, (coalesce(score, -1)) DESC, declaration_id) WHERE superseded = 0`.execute(db);
}
