import { sql, type Kysely } from 'kysely';

/**
 * Targeting: users, rule versions, registered models, decisions, inspection results, budgets, the
 * selectors' running state and alerts. Decisions and inspections refer to stored declarations and
 * are only ever added to (a new decision or a correction is the next revision of its declaration).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('roles', 'text', (c) => c.notNull())
    .addColumn('party', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('rules')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'text')
    .addColumn('approved_by', 'text')
    .addColumn('approved_at', 'text')
    .addColumn('activated_by', 'text')
    .addColumn('activated_at', 'text')
    .addColumn('retired_by', 'text')
    .addColumn('retired_at', 'text')
    .addPrimaryKeyConstraint('rules_pk', ['id', 'version'])
    .execute();
  await db.schema.createIndex('rules_status').on('rules').column('status').execute();

  await db.schema
    .createTable('models')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('registered_by', 'text', (c) => c.notNull())
    .addColumn('registered_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('activated_by', 'text')
    .addColumn('activated_at', 'text')
    .execute();
  // At most one active model per label, kept by the database whatever the code above it does.
  await db.schema.createIndex('models_one_active_per_label').on('models').column('label').unique().where(sql.ref('status'), '=', 'active').execute();

  await db.schema
    .createTable('decisions')
    .addColumn('declaration_id', 'text', (c) => c.notNull().references('declarations.id'))
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('decided_at', 'text', (c) => c.notNull())
    .addColumn('office', 'text', (c) => c.notNull())
    .addColumn('lane', 'text', (c) => c.notNull())
    .addColumn('selection_type', 'text', (c) => c.notNull())
    .addColumn('propensity', 'double precision', (c) => c.notNull())
    .addColumn('probability', 'double precision')
    .addColumn('score', 'double precision')
    .addColumn('thresholds', 'text', (c) => c.notNull())
    .addColumn('reasons', 'text', (c) => c.notNull())
    .addColumn('rules', 'text', (c) => c.notNull())
    .addColumn('model', 'text')
    .addColumn('rule_set', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('decisions_pk', ['declaration_id', 'revision'])
    .execute();
  // The key columns trail, so that keyset paging in decision time is read from the index in order.
  await db.schema.createIndex('decisions_office_decided_at').on('decisions').columns(['office', 'decided_at', 'declaration_id', 'revision']).execute();
  await db.schema.createIndex('decisions_decided_at').on('decisions').columns(['decided_at', 'declaration_id', 'revision']).execute();

  await db.schema
    .createTable('inspections')
    .addColumn('declaration_id', 'text', (c) => c.notNull().references('declarations.id'))
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('officer', 'text', (c) => c.notNull())
    .addColumn('finding', 'text', (c) => c.notNull())
    .addColumn('revenue_recovered', 'double precision', (c) => c.notNull())
    .addColumn('currency', 'text')
    .addColumn('notes', 'text', (c) => c.notNull())
    .addColumn('inspected_at', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('inspections_pk', ['declaration_id', 'revision'])
    .execute();
  await db.schema.createIndex('inspections_inspected_at').on('inspections').columns(['inspected_at', 'declaration_id', 'revision']).execute();

  await db.schema
    .createTable('budgets')
    .addColumn('office', 'text', (c) => c.primaryKey())
    .addColumn('red_rate', 'double precision', (c) => c.notNull())
    .addColumn('yellow_rate', 'double precision', (c) => c.notNull())
    .addColumn('explore_share', 'double precision', (c) => c.notNull())
    .addColumn('explore_mode', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('selector_state')
    .addColumn('office', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('raised_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('acknowledged_by', 'text')
    .addColumn('acknowledged_at', 'text')
    .addColumn('acknowledge_reason', 'text')
    .execute();
  await db.schema.createIndex('alerts_status_raised_at').on('alerts').columns(['status', 'raised_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['alerts', 'selector_state', 'budgets', 'inspections', 'decisions', 'models', 'rules', 'users']) await db.schema.dropTable(t).execute();
}
