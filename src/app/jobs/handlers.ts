import { PortcullisError } from '../../domain/errors.ts';
import { declarationsRepo, decisionsRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { trainFromStore } from '../models/store-models.ts';
import { rotateDataKeys } from '../security/rotate-keys.ts';
import { backtestRule } from '../targeting/backtest.ts';
import { decideStored } from '../targeting/decide.ts';
import { getRule } from '../targeting/rules.ts';
import type { JobDeps, JobInput, JobQueue, JobRun, JobView } from './queue.ts';

/** Declarations decided again per step of a re-scoring job (a progress report and a check for a stop between steps). */
const RESCORE_STEP = 200;

/**
 * What each kind of job does. Every handler may run more than once for one job (its instance died
 * or stopped before the job was complete), and does its effect once:
 * - `model.train` registers its model under the job's key (`job:ID`, models.job_key): a run that
 *   finds a model under that key returns it instead of training again;
 * - `rule.backtest` only reads; its result is kept with the job (by job id);
 * - `decisions.rescore` decides again only the declarations not decided since the job was queued
 *   (one decision revision per declaration per alert);
 * - `keys.rotate` re-seals only values still under an older key, and continues the rotation the
 *   key file records as under way rather than making another key.
 */
export async function runJob(app: AppContext, deps: JobDeps, run: JobRun): Promise<unknown> {
  switch (run.kind) {
    case 'model.train': {
      const input = run.input as JobInput['model.train'];
      return trainFromStore(app, run.owner, { ...input, jobKey: `job:${run.id}` }, run.report);
    }
    case 'rule.backtest': {
      const input = run.input as JobInput['rule.backtest'];
      const rule = 'ruleId' in input ? await getRule(app, input.ruleId, input.version) : input.rule;
      run.report(0.05, 'reading the period');
      return backtestRule(app, rule, input.period, (n) => {
        if (run.signal.aborted) throw new PortcullisError('CONFLICT', 'the back-test was stopped');
        run.report(0.5, `${n} declarations read`);
      });
    }
    case 'decisions.rescore':
      return rescore(app, deps, run as JobRun<'decisions.rescore'>);
    case 'keys.rotate': {
      const input = run.input as JobInput['keys.rotate'];
      const s = await rotateDataKeys(app, run.owner, {
        ...(input.retire === undefined ? {} : { retire: input.retire }),
        onProgress: (p) => {
          // A throw stops the rotation after a committed batch; the next run finishes the rest.
          if (run.signal.aborted) throw new PortcullisError('CONFLICT', 'the rotation was stopped; the next run continues it');
          run.report(0.5, `${p.table}.${p.column}: ${p.resealed} of ${p.scanned} values re-sealed`);
        },
      });
      return s;
    }
  }
}

async function rescore(app: AppContext, deps: JobDeps, run: JobRun<'decisions.rescore'>): Promise<{ decided: number; skipped: number }> {
  const { ids, since } = run.input;
  const decisions = decisionsRepo(app.store.db);
  const declarations = declarationsRepo(app.store.db);
  let decided = 0;
  let skipped = 0;
  for (let i = 0; i < ids.length; i += RESCORE_STEP) {
    if (run.signal.aborted) throw new PortcullisError('CONFLICT', 'the re-scoring was stopped; the next run continues it');
    const step = ids.slice(i, i + RESCORE_STEP);
    // Decided again since the job was queued (by an earlier run of this job, or by anything else
    // after the alert was stored): not again.
    const latest = await decisions.latestRevisions(step);
    const todo = step.filter((id) => (latest.get(id) ?? 0) <= (since[id] ?? 0));
    skipped += step.length - todo.length;
    if (todo.length > 0) {
      if (deps.decide === undefined) await decideStored(app, { ids: todo });
      else {
        const found = await Promise.all(todo.map((id) => declarations.get(id)));
        await deps.decide(found.flatMap((d) => (d === undefined ? [] : [d.declaration])));
      }
      decided += todo.length;
    }
    run.report(Math.min(1, (i + step.length) / ids.length), `${decided} declarations decided again, ${skipped} decided since the alert already`);
  }
  return { decided, skipped };
}

/**
 * Queues the re-scoring of the declarations alerts concern (the telemetry service on PostgreSQL),
 * with the decision revision each has now, and waits for it to finish (at most `waitMs`; the job
 * goes on without the wait, on whichever instance has it).
 */
export async function rescoreThroughQueue(app: AppContext, jobs: JobQueue, ids: readonly string[], waitMs = 120_000): Promise<JobView | undefined> {
  if (ids.length === 0) return undefined;
  const latest = await decisionsRepo(app.store.db).latestRevisions(ids);
  const job = await jobs.send('decisions.rescore', 'telemetry', { ids: [...ids], since: Object.fromEntries(ids.map((id) => [id, latest.get(id) ?? 0])) });
  return jobs.waitFor(job.id, waitMs);
}

