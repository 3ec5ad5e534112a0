import type { Kysely } from 'kysely';
import type { Schema } from './schema.ts';

export type StoredJobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/** A background job as every instance reads it (src/app/jobs). */
export interface StoredJob {
  readonly id: string;
  readonly kind: string;
  readonly owner: string;
  readonly status: StoredJobStatus;
  readonly progress: number;
  readonly message: string;
  readonly attempts: number;
  readonly worker: string | null;
  readonly queuedAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly result: unknown;
  readonly error: { readonly code: string; readonly message: string } | null;
}

const toJob = (r: Schema['jobs']): StoredJob => ({
  id: r.id,
  kind: r.kind,
  owner: r.owner,
  status: r.status as StoredJobStatus,
  progress: Number(r.progress),
  message: r.message,
  attempts: Number(r.attempts),
  worker: r.worker,
  queuedAt: r.queued_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  result: r.result === null ? null : JSON.parse(r.result),
  error: r.error === null ? null : (JSON.parse(r.error) as { code: string; message: string }),
});

/**
 * The jobs table (migration 0016): one row per job, written by the instance that queues it and by
 * the one that runs it (in the transaction that completes it in the queue), read by any.
 */
export function jobsRepo(db: Kysely<Schema>) {
  return {
    async queued(j: { id: string; kind: string; owner: string; at: string }): Promise<void> {
      await db
        .insertInto('jobs')
        .values({ id: j.id, kind: j.kind, owner: j.owner, status: 'queued', progress: 0, message: 'queued', attempts: 0, worker: null, queued_at: j.at, started_at: null, finished_at: null, updated_at: j.at, result: null, error: null })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    },
    async get(id: string): Promise<StoredJob | undefined> {
      const r = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return r === undefined ? undefined : toJob(r);
    },
    /** The oldest job of a kind queued or running, if any. */
    async unfinished(kind: string): Promise<StoredJob | undefined> {
      const r = await db.selectFrom('jobs').selectAll().where('kind', '=', kind).where('status', 'in', ['queued', 'running']).orderBy('queued_at').limit(1).executeTakeFirst();
      return r === undefined ? undefined : toJob(r);
    },
    /** An attempt starts (the first, or one after an instance died or stopped). */
    async started(id: string, worker: string, attempt: number, message: string, at: string): Promise<void> {
      await db
        .updateTable('jobs')
        .set((eb) => ({ status: 'running', worker, attempts: attempt, message, started_at: eb.fn.coalesce('started_at', eb.val(at)), updated_at: at }))
        .where('id', '=', id)
        .where('status', 'in', ['queued', 'running'])
        .execute();
    },
    async progress(id: string, worker: string, progress: number, message: string, at: string): Promise<void> {
      await db.updateTable('jobs').set({ progress, message, updated_at: at }).where('id', '=', id).where('status', '=', 'running').where('worker', '=', worker).execute();
    },
    /** Back in the queue: released by a stopping instance, or retried after an error. */
    async requeued(id: string, message: string, at: string): Promise<void> {
      await db.updateTable('jobs').set({ status: 'queued', message, updated_at: at }).where('id', '=', id).where('status', 'in', ['queued', 'running']).execute();
    },
    async finished(id: string, f: { status: 'succeeded'; result: unknown } | { status: 'failed'; error: { code: string; message: string } }, at: string): Promise<void> {
      await db
        .updateTable('jobs')
        .set({
          status: f.status,
          progress: f.status === 'succeeded' ? 1 : undefined,
          message: f.status === 'succeeded' ? 'done' : 'failed',
          result: f.status === 'succeeded' ? JSON.stringify(f.result ?? null) : null,
          error: f.status === 'failed' ? JSON.stringify(f.error) : null,
          finished_at: at,
          updated_at: at,
        })
        .where('id', '=', id)
        .execute();
    },
  };
}
export type JobsRepo = ReturnType<typeof jobsRepo>;
