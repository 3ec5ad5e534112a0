import { randomUUID } from 'node:crypto';
import { isPortcullisError } from '../../domain/errors.ts';

/**
 * Background jobs of one process: started, polled for progress, finished with a result or an error.
 * Kept in memory: a restart forgets them (their results — registered models — are in the store).
 * The job queue of an embedded (SQLite) deployment (local-queue.ts); on PostgreSQL, pg-queue.ts.
 */
export interface Job {
  readonly id: string;
  readonly kind: string;
  /** Who started it: only they (and those who may see every job) read it. */
  readonly owner: string;
  status: 'running' | 'succeeded' | 'failed';
  /** 0 to 1. */
  progress: number;
  message: string;
  readonly startedAt: string;
  finishedAt: string | null;
  result: unknown;
  error: { code: string; message: string } | null;
}

export interface JobRegistry {
  /** `work` is given the job too (its id keys what the work does once: a training job's model). */
  start(kind: string, owner: string, work: (report: (progress: number, message: string) => void, job: Job) => Promise<unknown>): Job;
  get(id: string): Job | undefined;
  /** Resolves once every job has finished. */
  idle(): Promise<void>;
}

export function jobRegistry(clock: () => Date = () => new Date(), keep = 100): JobRegistry {
  const jobs = new Map<string, Job>();
  const running = new Set<Promise<unknown>>();
  return {
    start(kind, owner, work) {
      const job: Job = { id: randomUUID(), kind, owner, status: 'running', progress: 0, message: 'queued', startedAt: clock().toISOString(), finishedAt: null, result: null, error: null };
      jobs.set(job.id, job);
      while (jobs.size > keep) {
        const oldest = [...jobs.values()].find((j) => j.status !== 'running');
        if (oldest === undefined) break;
        jobs.delete(oldest.id);
      }
      const p = (async () => {
        // Let the caller answer before the work takes the thread.
        await new Promise((r) => setImmediate(r));
        try {
          job.result = await work((progress, message) => {
            job.progress = Math.max(0, Math.min(1, progress));
            job.message = message;
          }, job);
          job.status = 'succeeded';
          job.progress = 1;
          job.message = 'done';
        } catch (e) {
          job.status = 'failed';
          job.error = isPortcullisError(e) ? { code: e.code, message: e.message } : { code: 'INTERNAL', message: 'the job failed' };
          job.message = 'failed';
        } finally {
          job.finishedAt = clock().toISOString();
        }
      })();
      running.add(p);
      void p.finally(() => running.delete(p));
      return job;
    },
    get: (id) => jobs.get(id),
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}
