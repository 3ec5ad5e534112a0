import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { sql, type Kysely } from 'kysely';
import PgBoss from 'pg-boss';
import { isPortcullisError, PortcullisError } from '../../domain/errors.ts';
import { jobsRepo, type StoredJob } from '../../store/index.ts';
import type { Schema } from '../../store/schema.ts';
import type { AppContext } from '../context.ts';
import { runJob } from './handlers.ts';
import { JOB_KINDS, type JobDeps, type JobKind, type JobQueue, type JobView } from './queue.ts';

/**
 * The job queue of several instances on one PostgreSQL database: pg-boss (its own schema) hands
 * each job to one instance (`FOR UPDATE SKIP LOCKED`); the jobs table (migration 0016) says where
 * each job is, for every instance to read.
 *
 * Exactly once, resumable: an instance that takes a job holds it for `expireSeconds`, and renews
 * that every `expireSeconds / 3` while the job runs (its heartbeat). When the instance dies, the
 * renewals stop; pg-boss's maintenance (every `maintenanceSeconds`, one instance at a time) finds
 * the job expired and puts it back for a retry, and another instance takes it and runs it again —
 * the handlers (handlers.ts) are idempotent, so the effect happens once. Every write about an
 * attempt (renewal, completion, release) names the attempt (pg-boss's retry count): one that lost
 * the job (it expired, and another instance took it) changes nothing, and finds out at its next
 * renewal (its run is aborted). A job's completion in pg-boss and its result in the jobs table are
 * one transaction. A handler's error is final (the job failed) when it is a PortcullisError (the
 * input or the data are wrong: running it again changes nothing); any other error is retried, up
 * to `retryLimit` attempts.
 *
 * At close, the instance stops taking jobs, lets those under way finish for `stopTimeoutMs`, and
 * releases the rest for another instance at once (not waiting for their expiry).
 */
export interface PgQueueOptions {
  /** pg-boss's schema: `${pgSchema}_pgboss` when the store has a schema of its own, else `pgboss`. */
  readonly schema?: string;
  /** How long an instance holds a job without renewing it (60 s): a dead instance's job is taken over after about this long. */
  readonly expireSeconds?: number;
  /** How often pg-boss looks for expired jobs (min(expireSeconds, 60) s). */
  readonly maintenanceSeconds?: number;
  /** How often an idle worker asks for a job of its kind (1,000 ms; at once when this instance queues one). */
  readonly pollMs?: number;
  /** Attempts after the first: takeovers after a death and retries after an unexpected error (5). */
  readonly retryLimit?: number;
  /** Seconds before a job that failed unexpectedly is tried again (5). */
  readonly retryDelaySeconds?: number;
  /** How long close waits for the jobs under way before releasing them (10,000 ms). */
  readonly stopTimeoutMs?: number;
  /** Progress is written at most this often per job (500 ms). */
  readonly progressMs?: number;
  /** Whether this instance runs jobs (true); false: it only queues and reads them. */
  readonly work?: boolean;
  /** This instance's name in the jobs table (host:pid:random). */
  readonly instance?: string;
}

/** pg-boss's schema for a store: `${pgSchema}_pgboss` (tests run many schemas in one database), else `pgboss`. */
export function bossSchemaOf(pgSchema: string | undefined): string {
  if (pgSchema === undefined || pgSchema === '') return 'pgboss';
  const name = `${pgSchema.replace(/\W/g, '_')}_pgboss`;
  // pg-boss takes 50 characters at most, a letter or underscore first.
  return /^\d/.test(name) || name.length > 50 ? `pgboss_${createHash('sha256').update(pgSchema).digest('hex').slice(0, 24)}` : name;
}

interface Attempt {
  readonly id: string;
  readonly kind: JobKind;
  /** pg-boss's retry count when this instance took the job: names this attempt. */
  readonly fence: number;
  readonly controller: AbortController;
  /** Another instance has the job now, or this one released it: nothing more is written. */
  gone: boolean;
  done: Promise<void>;
  /** The heartbeat's timer while the job runs. */
  beat?: NodeJS.Timeout | undefined;
}

class Lost extends Error {}

export async function pgJobQueue(app: AppContext, deps: JobDeps = {}, o: PgQueueOptions = {}): Promise<JobQueue> {
  const url = app.config.databaseUrl;
  if (app.store.dialect !== 'postgres' || url === undefined) throw new PortcullisError('CONFIG_ERROR', 'the shared job queue needs a PostgreSQL store (DATABASE_URL)');
  const schema = o.schema ?? bossSchemaOf(app.config.pgSchema);
  const expireSeconds = Math.max(1, Math.round(o.expireSeconds ?? 60));
  const heartbeatMs = Math.max(250, (expireSeconds * 1000) / 3);
  const pollMs = o.pollMs ?? 1000;
  const retryLimit = o.retryLimit ?? 5;
  const retryDelay = o.retryDelaySeconds ?? 5;
  const stopTimeoutMs = o.stopTimeoutMs ?? 10_000;
  const progressMs = o.progressMs ?? 500;
  const instance = o.instance ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const db = app.store.db;
  const repo = jobsRepo(db);
  const now = () => app.clock().toISOString();
  const onError = (e: unknown, job: { id: string; kind: string }) => deps.onError?.(e, job);

  const boss = new PgBoss({
    connectionString: url,
    schema,
    max: 4,
    application_name: 'portcullis-jobs',
    supervise: true,
    maintenanceIntervalSeconds: Math.max(1, Math.round(o.maintenanceSeconds ?? Math.min(expireSeconds, 60))),
    schedule: false,
    expireInSeconds: expireSeconds,
    retryLimit,
    retryDelay,
  });
  boss.on('error', (e) => onError(e, { id: '-', kind: 'queue' }));
  await boss.start();
  try {
    // Queues are made one instance at a time: pg-boss's create_queue attaches a partition and a
    // foreign key to its queue table, and two instances doing so at once deadlock in PostgreSQL.
    // The instances that wait find the queues made.
    await app.store.exclusive(`job-queues:${schema}`, async () => {
      for (const kind of JOB_KINDS) {
        // One key rotation at a time: pg-boss's "stately" policy keeps at most one queued and one active.
        const policy = kind === 'keys.rotate' ? 'stately' : 'standard';
        if ((await boss.getQueue(kind)) === null) await boss.createQueue(kind, { name: kind, policy, retryLimit, retryDelay, expireInSeconds: expireSeconds });
      }
    });
  } catch (e) {
    await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
    throw e;
  }

  const job = sql.id(schema, 'job');
  /** The attempt's row in pg-boss, while it is still this attempt's (active, and not retried since). */
  const fenced = (a: Attempt) => sql`name = ${a.kind} AND id = ${a.id}::uuid AND state = 'active' AND retry_count = ${a.fence}`;
  const renew = async (a: Attempt): Promise<boolean> => {
    const r = await sql`UPDATE ${job} SET expire_in = (now() - started_on) + make_interval(secs => ${expireSeconds}) WHERE ${fenced(a)} RETURNING id`.execute(db);
    return r.rows.length === 1;
  };
  /** Completes (or fails) the attempt in pg-boss and writes the outcome to the jobs table, in one transaction; Lost when the attempt lost the job. */
  const settle = (a: Attempt, f: { status: 'succeeded'; result: unknown } | { status: 'failed'; error: { code: string; message: string } }): Promise<void> =>
    db.transaction().execute(async (trx) => {
      const output = JSON.stringify(f.status === 'succeeded' ? { ok: true } : { error: f.error });
      const state = f.status === 'succeeded' ? sql`'completed'` : sql`'failed'`;
      const r = await sql`UPDATE ${job} SET state = ${state}, completed_on = now(), output = ${output}::jsonb WHERE ${fenced(a)} RETURNING id`.execute(trx);
      if (r.rows.length !== 1) throw new Lost();
      await jobsRepo(trx as Kysely<Schema>).finished(a.id, f, now());
    });
  /** Puts the job back in the queue (this instance stops, or the attempt failed unexpectedly and may be retried). */
  const requeue = (a: Attempt, why: string, delaySeconds: number, countsAsAttempt: boolean): Promise<void> =>
    db.transaction().execute(async (trx) => {
      const limit = countsAsAttempt ? sql`retry_limit` : sql`retry_limit + 1`;
      const r = await sql`UPDATE ${job} SET state = 'retry', start_after = now() + make_interval(secs => ${delaySeconds}), retry_limit = ${limit} WHERE ${fenced(a)} RETURNING id`.execute(trx);
      if (r.rows.length !== 1) throw new Lost();
      await jobsRepo(trx as Kysely<Schema>).requeued(a.id, why, now());
    });

  const attempts = new Map<string, Attempt>();
  const finished = new Map<string, Set<() => void>>();
  const announce = (id: string) => {
    for (const f of finished.get(id) ?? []) f();
  };
  let stopping = false;
  const wakers = new Map<JobKind, () => void>();
  const wake = (kind: JobKind) => wakers.get(kind)?.();
  const nap = (kind: JobKind) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(done, pollMs);
      function done() {
        clearTimeout(t);
        wakers.delete(kind);
        resolve();
      }
      wakers.set(kind, done);
    });

  const execute = async (kind: JobKind, taken: PgBoss.JobWithMetadata<{ owner?: string; input?: unknown }>): Promise<void> => {
    let settleDone!: () => void;
    const a: Attempt = { id: taken.id, kind, fence: taken.retryCount, controller: new AbortController(), gone: false, done: new Promise<void>((r) => (settleDone = r)) };
    attempts.set(a.id, a);
    let writing: Promise<unknown> = Promise.resolve();
    try {
      if (stopping) {
        // Taken as the instance began to stop: back at once, for another.
        a.gone = true;
        await requeue(a, 'released by a stopping instance', 0, false).catch((e: unknown) => {
          if (!(e instanceof Lost)) throw e;
        });
        return;
      }
      const row: StoredJob | undefined = await repo.get(a.id);
      const owner = row?.owner ?? taken.data.owner ?? 'system';
      if (row === undefined) await repo.queued({ id: a.id, kind, owner, at: now() });
      else if (row.status === 'succeeded' || row.status === 'failed') {
        // Settled already (never expected: settling is one transaction); just complete it in pg-boss.
        await sql`UPDATE ${job} SET state = 'completed', completed_on = now() WHERE ${fenced(a)}`.execute(db);
        return;
      }
      await repo.started(a.id, instance, a.fence + 1, a.fence === 0 ? 'started' : `taken over (attempt ${a.fence + 1})`, now());
      a.beat = setInterval(() => {
        renew(a).then(
          (held) => {
            if (!held && !a.gone) {
              // Expired and taken by another instance (this one was too slow to renew): stop here.
              a.gone = true;
              a.controller.abort();
            }
          },
          (e: unknown) => onError(e, a),
        );
      }, heartbeatMs);
      a.beat.unref();
      let last = 0;
      const report = (progress: number, message: string) => {
        const t = Date.now();
        if (a.gone || t - last < progressMs) return;
        last = t;
        const p = Math.max(0, Math.min(1, progress));
        writing = writing.then(() => repo.progress(a.id, instance, p, message, now())).catch((e: unknown) => onError(e, a));
      };
      let outcome: { status: 'succeeded'; result: unknown } | { status: 'failed'; error: { code: string; message: string } } | { status: 'retry'; error: unknown };
      try {
        const result = await runJob(app, deps, { id: a.id, kind, owner, input: (taken.data.input ?? {}) as never, attempt: a.fence, report, signal: a.controller.signal });
        outcome = { status: 'succeeded', result: result ?? null };
      } catch (e) {
        if (isPortcullisError(e)) outcome = { status: 'failed', error: { code: e.code, message: e.message } };
        else outcome = a.fence < taken.retryLimit ? { status: 'retry', error: e } : { status: 'failed', error: { code: 'INTERNAL', message: 'the job failed' } };
        if (!isPortcullisError(e) && !a.gone) onError(e, a);
      }
      clearInterval(a.beat);
      await writing;
      if (a.gone) return;
      try {
        if (outcome.status === 'retry') await requeue(a, 'failed unexpectedly; to be retried', retryDelay, true);
        else await settle(a, outcome);
      } catch (e) {
        if (!(e instanceof Lost)) throw e;
      }
    } catch (e) {
      onError(e, a);
    } finally {
      clearInterval(a.beat);
      attempts.delete(a.id);
      settleDone();
      announce(a.id);
    }
  };

  const loop = async (kind: JobKind): Promise<void> => {
    while (!stopping) {
      let taken: PgBoss.JobWithMetadata<{ owner?: string; input?: unknown }>[] = [];
      try {
        taken = await boss.fetch<{ owner?: string; input?: unknown }>(kind, { batchSize: 1, includeMetadata: true });
      } catch (e) {
        onError(e, { id: '-', kind });
      }
      const first = taken[0];
      if (first === undefined) {
        await nap(kind);
        continue;
      }
      await execute(kind, first);
    }
  };
  const loops = o.work === false ? [] : JOB_KINDS.map((k) => loop(k));

  // A job whose last attempt's instance died is failed by pg-boss's maintenance: the jobs table says so too.
  const sweep = async () => {
    const at = now();
    await db
      .updateTable('jobs')
      .set({ status: 'failed', message: 'failed', error: JSON.stringify({ code: 'INTERNAL', message: 'the job was not finished: the instances that took it stopped or died' }), finished_at: at, updated_at: at })
      .where('status', 'in', ['queued', 'running'])
      .where(sql<boolean>`id IN (SELECT id::text FROM ${job} WHERE state IN ('failed', 'cancelled'))`)
      .execute();
  };
  const sweeper = setInterval(() => void sweep().catch((e: unknown) => onError(e, { id: '-', kind: 'queue' })), Math.max(1000, expireSeconds * 1000));
  sweeper.unref();

  const view = (j: StoredJob): JobView => ({ id: j.id, kind: j.kind, owner: j.owner, status: j.status, progress: j.progress, message: j.message, queuedAt: j.queuedAt, startedAt: j.startedAt ?? j.queuedAt, finishedAt: j.finishedAt, attempts: j.attempts, result: j.result, error: j.error });
  let closed: Promise<void> | undefined;

  return {
    shared: true,
    async send(kind, owner, input) {
      if (stopping) throw new PortcullisError('CONFLICT', 'the service is stopping: no new jobs');
      if (kind === 'keys.rotate') {
        const under = await repo.unfinished(kind);
        if (under !== undefined) throw new PortcullisError('CONFLICT', `a key rotation is under way: job ${under.id}`, [{ field: 'kind', problem: 'one key rotation at a time', expected: `job ${under.id} finished first` }]);
      }
      const id = randomUUID();
      await repo.queued({ id, kind, owner, at: now() });
      let sent: string | null;
      try {
        sent = await boss.send(kind, { owner, input }, { id, ...(kind === 'keys.rotate' ? { singletonKey: kind } : {}) });
      } catch (e) {
        await repo.finished(id, { status: 'failed', error: { code: 'STORE_ERROR', message: 'the job could not be queued' } }, now());
        throw new PortcullisError('STORE_ERROR', `the ${kind} job could not be queued`, [], { cause: e });
      }
      if (sent === null) {
        // pg-boss's policy refused it: a rotation was queued by another instance at the same moment.
        await repo.finished(id, { status: 'failed', error: { code: 'CONFLICT', message: 'another key rotation was queued first' } }, now());
        throw new PortcullisError('CONFLICT', 'a key rotation is under way', [{ field: 'kind', problem: 'one key rotation at a time', expected: 'the rotation under way finished first' }]);
      }
      wake(kind);
      return view((await repo.get(id))!);
    },
    async get(id) {
      if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
      const j = await repo.get(id);
      return j === undefined ? undefined : view(j);
    },
    async waitFor(id, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const j = await repo.get(id);
        if (j === undefined || j.status === 'succeeded' || j.status === 'failed' || Date.now() >= until) return j === undefined ? undefined : view(j);
        // Woken at once when this instance finishes it; else the table is read again shortly.
        await new Promise<void>((resolve) => {
          const set = finished.get(id) ?? new Set();
          finished.set(id, set);
          const done = () => {
            clearTimeout(t);
            set.delete(done);
            if (set.size === 0) finished.delete(id);
            resolve();
          };
          const t = setTimeout(done, Math.min(250, Math.max(1, until - Date.now())));
          set.add(done);
        });
      }
    },
    async idle() {
      while (attempts.size > 0) await Promise.all([...attempts.values()].map((a) => a.done));
    },
    close() {
      return (closed ??= (async () => {
        stopping = true;
        clearInterval(sweeper);
        for (const k of JOB_KINDS) wake(k);
        const under = [...attempts.values()];
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([Promise.all(under.map((a) => a.done)), new Promise((r) => (timer = setTimeout(r, stopTimeoutMs)))]);
        clearTimeout(timer);
        for (const a of attempts.values()) {
          // Still running: released for another instance now, rather than at its expiry.
          a.gone = true;
          clearInterval(a.beat);
          a.controller.abort();
          await requeue(a, 'released by a stopping instance', 0, false).catch((e: unknown) => {
            if (!(e instanceof Lost)) onError(e, a);
          });
        }
        if (attempts.size === 0) await Promise.all(loops);
        await boss.stop({ graceful: false, close: true, wait: true });
      })());
    },
  };
}
