import { isPortcullisError, PortcullisError } from '../../domain/errors.ts';
import type { AppContext } from '../context.ts';
import { runJob } from './handlers.ts';
import { jobRegistry, type Job } from './jobs.ts';
import type { JobDeps, JobQueue, JobView } from './queue.ts';

/**
 * The job queue of an embedded deployment (SQLite, one process): the process's in-memory registry
 * (jobs.ts), each job run at once beside the requests. A restart forgets the jobs; what they did
 * stays in the store. One `keys.rotate` at a time.
 */
export function localJobQueue(app: AppContext, deps: JobDeps = {}): JobQueue {
  const registry = jobRegistry(app.clock);
  const view = (j: Job): JobView => ({ id: j.id, kind: j.kind, owner: j.owner, status: j.status, progress: j.progress, message: j.message, queuedAt: j.startedAt, startedAt: j.startedAt, finishedAt: j.finishedAt, attempts: 1, result: j.result, error: j.error });
  let rotating: Job | undefined;
  const never = new AbortController().signal;
  return {
    shared: false,
    async send(kind, owner, input) {
      if (kind === 'keys.rotate' && rotating?.status === 'running') throw new PortcullisError('CONFLICT', `a key rotation is under way: job ${rotating.id}`, [{ field: 'kind', problem: 'one key rotation at a time', expected: `job ${rotating.id} finished first` }]);
      const job = registry.start(kind, owner, (report, j) =>
        runJob(app, deps, { id: j.id, kind, owner, input, attempt: 0, report, signal: never }).catch((e: unknown) => {
          // A PortcullisError is the job's answer (wrong input, nothing to train on); anything else is logged.
          if (!isPortcullisError(e)) deps.onError?.(e, { id: j.id, kind });
          throw e;
        }),
      );
      if (kind === 'keys.rotate') rotating = job;
      return view(job);
    },
    async get(id) {
      const j = registry.get(id);
      return j === undefined ? undefined : view(j);
    },
    async waitFor(id, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const j = registry.get(id);
        if (j === undefined || j.status !== 'running' || Date.now() >= until) return j === undefined ? undefined : view(j);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    idle: () => registry.idle(),
    close: () => registry.idle(),
  };
}
