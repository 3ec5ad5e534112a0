import { PortcullisError } from '../../domain/errors.ts';
import type { AppContext } from '../context.ts';
import { localJobQueue } from './local-queue.ts';
import { pgJobQueue, type PgQueueOptions } from './pg-queue.ts';
import type { JobDeps, JobQueue } from './queue.ts';

export type JobQueueOptions = PgQueueOptions;

/**
 * The service's job queue: on PostgreSQL the shared one (pg-boss; this instance works every kind of
 * job), on SQLite the process's own. Closed with the service (`close`).
 */
export async function openJobQueue(app: AppContext, deps: JobDeps = {}, o: JobQueueOptions = {}): Promise<JobQueue> {
  return app.store.dialect === 'postgres' ? pgJobQueue(app, deps, o) : localJobQueue(app, deps);
}

const seconds = (env: Record<string, string | undefined>, name: string): number | undefined => {
  const v = env[name]?.trim();
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new PortcullisError('CONFIG_ERROR', `${name} "${v}" is not a positive number`, [{ field: name, problem: `"${v}"`, expected: 'a positive number' }]);
  return n;
};

/**
 * The queue's settings from the environment (PostgreSQL only; docs/jobs.md):
 * PORTCULLIS_JOB_EXPIRE_SECONDS (60: a dead instance's job is taken over after about this long),
 * PORTCULLIS_JOB_POLL_MS (1000), PORTCULLIS_JOB_RETRY_LIMIT (5), PORTCULLIS_JOB_STOP_TIMEOUT_MS
 * (10000: how long a stopping instance lets its jobs finish before releasing them),
 * PORTCULLIS_JOB_SCHEMA (pg-boss's schema; `${PORTCULLIS_PG_SCHEMA}_pgboss` or `pgboss`).
 */
export function jobQueueSettings(env: Record<string, string | undefined>): JobQueueOptions {
  const expireSeconds = seconds(env, 'PORTCULLIS_JOB_EXPIRE_SECONDS');
  const pollMs = seconds(env, 'PORTCULLIS_JOB_POLL_MS');
  const retryLimit = seconds(env, 'PORTCULLIS_JOB_RETRY_LIMIT');
  const stopTimeoutMs = seconds(env, 'PORTCULLIS_JOB_STOP_TIMEOUT_MS');
  const schema = env.PORTCULLIS_JOB_SCHEMA?.trim() || undefined;
  return {
    ...(expireSeconds === undefined ? {} : { expireSeconds }),
    ...(pollMs === undefined ? {} : { pollMs }),
    ...(retryLimit === undefined ? {} : { retryLimit: Math.round(retryLimit) }),
    ...(stopTimeoutMs === undefined ? {} : { stopTimeoutMs }),
    ...(schema === undefined ? {} : { schema }),
  };
}
