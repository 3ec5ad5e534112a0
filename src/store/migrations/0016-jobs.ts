import type { Kysely } from 'kysely';

/**
 * Background jobs (issue 9, src/app/jobs): what every instance reads about a job — its kind, who
 * started it, its state, progress and message, its result or error — beside the PostgreSQL job
 * queue (pg-boss, in a schema of its own) that hands each job to one instance. Written by the
 * instance that runs the job, in the same transaction as the queue's own completion. Unused on
 * SQLite, where one process keeps its jobs in memory.
 *
 * `models.job_key`: the training job a model was registered by, unique, so that a training job run
 * again (its instance died) finds the model the first run registered instead of adding a second.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    /** queued | running | succeeded | failed */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('progress', 'double precision', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('worker', 'text')
    .addColumn('queued_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('jobs_kind_status').on('jobs').columns(['kind', 'status', 'queued_at']).execute();
  await db.schema.alterTable('models').addColumn('job_key', 'text').execute();
  await db.schema.createIndex('models_job_key').on('models').column('job_key').unique().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('models_job_key').execute();
  await db.schema.alterTable('models').dropColumn('job_key').execute();
  await db.schema.dropTable('jobs').execute();
}
