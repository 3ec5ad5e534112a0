/**
 * The job queue (src/app/jobs): on SQLite the process's own; on PostgreSQL (DATABASE_URL) pg-boss
 * shared by two instances on one schema — each job done once, by one instance; a job whose
 * instance is killed (SIGKILL) mid-job is taken over by the other after its expiry and finished,
 * its effect (a registered model) happening once; a stopping instance releases its job at once.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { loadConfig } from '../../../src/app/config.ts';
import { openApp, type AppContext } from '../../../src/app/context.ts';
import { runJob } from '../../../src/app/jobs/handlers.ts';
import { openJobQueue } from '../../../src/app/jobs/open.ts';
import { bossSchemaOf, pgJobQueue } from '../../../src/app/jobs/pg-queue.ts';
import { JOB_KINDS, type JobQueue } from '../../../src/app/jobs/queue.ts';
import { ledgerOf } from '../../../src/app/ledger/ledger.ts';
import { addUser } from '../../../src/app/targeting/users.ts';
import type { Declaration } from '../../../src/domain/declaration.ts';
import { decisionsRepo, jobsRepo } from '../../../src/store/index.ts';
import { makeRecord } from '../../support/stores.ts';
import { DATABASE_URL, FAST, pgSite, sleep, until, type Site } from './support.ts';

const CHILD = fileURLToPath(new URL('./worker-child.ts', import.meta.url));
const RULE = { name: 'Job rule', reason: 'Back-tested as a job', threat: 'other', condition: { '>': [{ var: 'customsValue' }, 1e12] }, action: { type: 'documentary-check' } };
const PERIOD = { from: '2024-03-01', to: '2024-04-01' };
const never = new AbortController().signal;

async function fill(app: AppContext, n: number, prefix: string, labelled = false): Promise<string[]> {
  const records = Array.from({ length: n }, (_, i) => makeRecord(i, { prefix, ...(labelled ? { labels: { illicit: i % 3 === 0, critical: false, revenueRecovered: 0 } } : {}) }));
  const sink = await app.store.openDeclarationSink({ atomic: false });
  try {
    await sink.write(records);
  } finally {
    await sink.commit();
  }
  return records.map((r) => r.declaration.id);
}

describe('the job queue on SQLite: the process’s own', () => {
  let dir: string;
  let app: AppContext;
  let jobs: JobQueue;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portcullis-jobs-sqlite-'));
    app = await openApp({ ...loadConfig({ PORTCULLIS_DB: join(dir, 'jobs.db'), PORTCULLIS_KEYS_DIR: join(dir, 'keys') }), dataDir: dir });
    await addUser(app, { id: 'adm', roles: ['admin'] });
    jobs = await openJobQueue(app);
  });
  after(async () => {
    await jobs.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a back-test job reports its result; a wrong period fails with its code; one key rotation at a time', async () => {
    assert.equal(jobs.shared, false);
    const ok = await jobs.send('rule.backtest', 'ana', { rule: RULE, period: PERIOD });
    assert.equal(ok.owner, 'ana');
    const done = await jobs.waitFor(ok.id);
    assert.equal(done?.status, 'succeeded', JSON.stringify(done));
    assert.equal((done?.result as { hits: number }).hits, 0);
    const bad = await jobs.waitFor((await jobs.send('rule.backtest', 'ana', { rule: RULE, period: { from: '2024-04-01', to: '2024-03-01' } })).id);
    assert.equal(bad?.status, 'failed');
    assert.equal(bad?.error?.code, 'INVALID_INPUT');
    const rotation = await jobs.send('keys.rotate', 'adm', {});
    await assert.rejects(jobs.send('keys.rotate', 'adm', {}), { code: 'CONFLICT' });
    const rotated = await jobs.waitFor(rotation.id);
    assert.equal(rotated?.status, 'succeeded', JSON.stringify(rotated));
    assert.equal((rotated?.result as { complete: boolean }).complete, true);
    assert.equal(await jobs.get('no-such-job'), undefined);
  });

  test('re-scoring run twice for one alert decides each declaration once', async () => {
    const ids = await fill(app, 4, 'RESCORE');
    const since = Object.fromEntries(ids.map((id) => [id, 0]));
    const run = { id: 'j-1', kind: 'decisions.rescore' as const, owner: 'telemetry', input: { ids, since }, attempt: 0, report: () => undefined, signal: never };
    assert.deepEqual(await runJob(app, {}, run), { decided: 4, skipped: 0 });
    // The same job again (its instance died before completing it): nothing more.
    assert.deepEqual(await runJob(app, {}, { ...run, attempt: 1 }), { decided: 0, skipped: 4 });
    const revisions = await decisionsRepo(app.store.db).latestRevisions(ids);
    assert.deepEqual([...revisions.values()], [1, 1, 1, 1]);
  });
});

describe('the job queue on PostgreSQL: two instances on one database', DATABASE_URL === undefined ? { skip: 'DATABASE_URL not set: PostgreSQL job queue tests skipped' } : {}, () => {
  let site: Site;
  let a: AppContext;
  let b: AppContext;
  const queues: JobQueue[] = [];
  const children: ChildProcess[] = [];
  before(async () => {
    site = pgSite();
    a = await site.open();
    b = await site.open();
    await addUser(a, { id: 'ana', roles: ['analyst'] });
  });
  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    for (const q of queues) await q.close().catch(() => undefined);
    await site?.close();
  });
  const queue = async (app: AppContext, instance: string, decide?: (ds: readonly Declaration[]) => Promise<unknown>, o: { work?: boolean; stopTimeoutMs?: number } = {}) => {
    const q = await pgJobQueue(app, { decide, onError: (e) => console.error(`${instance}:`, e) }, { ...FAST, instance, ...o });
    queues.push(q);
    return q;
  };

  test('every job is done once, by one of the two instances', async () => {
    const ids = await fill(a, 12, 'ONCE');
    const decided: string[] = [];
    const by = (who: string) => async (ds: readonly Declaration[]) => {
      for (const d of ds) decided.push(`${d.id}@${who}`);
      await sleep(20);
    };
    const qa = await queue(a, 'A', by('A'));
    const qb = await queue(b, 'B', by('B'));
    assert.equal(qa.shared, true);
    const sent = await Promise.all(ids.map((id, i) => (i % 2 === 0 ? qa : qb).send('decisions.rescore', 'telemetry', { ids: [id], since: { [id]: 0 } })));
    const done = await Promise.all(sent.map((j) => qa.waitFor(j.id, 20_000)));
    for (const j of done) {
      assert.equal(j?.status, 'succeeded', JSON.stringify(j));
      assert.equal(j?.attempts, 1);
      assert.deepEqual(j?.result, { decided: 1, skipped: 0 });
    }
    assert.deepEqual(decided.map((d) => d.split('@')[0]).sort(), [...ids].sort(), 'each declaration decided once');
    // Any instance reads any job.
    assert.deepEqual(await qb.get(sent[0]!.id), await qa.get(sent[0]!.id));
    await qa.close();
    await qb.close();
  });

  test('a stopping instance releases its job, and the other finishes it at once', async () => {
    const [id] = await fill(a, 1, 'RELEASE');
    let openGate!: () => void;
    const gate = new Promise<void>((r) => (openGate = r));
    let aDecided = 0;
    const qa = await queue(a, 'A2', async () => {
      await gate;
      aDecided += 1;
    }, { stopTimeoutMs: 200 });
    const job = await qa.send('decisions.rescore', 'telemetry', { ids: [id!], since: { [id!]: 0 } });
    await until('A2 to run the job', async () => ((await qa.get(job.id))?.status === 'running' ? true : undefined));
    const bDecided: string[] = [];
    const qb = await queue(b, 'B2', async (ds) => void bDecided.push(...ds.map((d) => d.id)));
    await qa.close();
    const done = await qb.waitFor(job.id, 10_000);
    assert.equal(done?.status, 'succeeded', JSON.stringify(done));
    assert.equal(done?.attempts, 2);
    assert.deepEqual(bDecided, [id]);
    // A's run, let go now, changes nothing: the job stays B's.
    openGate();
    await sleep(200);
    assert.equal(aDecided, 1);
    assert.equal((await jobsRepo(a.store.db).get(job.id))?.worker, 'B2');
    await qb.close();
  });

  test('an instance killed (SIGKILL) mid-training: the other takes the job over and one model is registered', async () => {
    await fill(a, 150, 'TRAIN', true);
    const train = { label: 'illicit' as const, validFrom: '2024-03-01T01:40:00Z' };
    // The child may not complete a job: the test refuses it in the database, so that the child is
    // killed with the model registered and the job not complete — the narrowest window.
    const s = sql.id(site.schema);
    await sql`CREATE FUNCTION ${s}.refuse_child() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'the test refuses the child''s completion'; END $$ LANGUAGE plpgsql`.execute(a.store.db);
    await sql`CREATE TRIGGER refuse_child BEFORE UPDATE ON ${s}.jobs FOR EACH ROW WHEN (NEW.status IN ('succeeded', 'failed') AND OLD.worker = 'child') EXECUTE FUNCTION ${s}.refuse_child()`.execute(a.store.db);
    const sender = await queue(a, 'sender', undefined, { work: false });
    const models = async (jobId: string) => (await sql<{ id: string }>`SELECT id FROM ${s}.models WHERE job_key = ${`job:${jobId}`}`.execute(a.store.db)).rows;

    for (const when of ['after registering', 'at once'] as const) {
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { env: { ...process.env, ...site.env, JOBS_DATA_DIR: site.dir }, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let out = '';
      let err = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      await until('the child to start', async () => (out.includes('ready') ? true : undefined), 30_000);
      // Another seed each time: the same model twice would be registered once, under the first job.
      const job = await sender.send('model.train', 'ana', { ...train, seed: when === 'at once' ? 8 : 7 });
      await until('the child to take the job', async () => ((await jobsRepo(a.store.db).get(job.id))?.worker === 'child' ? true : undefined)).catch((e: unknown) => {
        throw new Error(`${String(e)}: ${err}`);
      });
      if (when === 'after registering') {
        await until('the child to register the model and fail to complete', async () => ((await models(job.id)).length === 1 && err.includes('refuses') ? true : undefined), 60_000);
      }
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const qb = await queue(b, `B-${when}`);
      const done = await qb.waitFor(job.id, 60_000);
      assert.equal(done?.status, 'succeeded', `${when}: ${JSON.stringify(done)} ${err}`);
      assert.equal(done?.attempts, 2, when);
      const registered = await models(job.id);
      assert.equal(registered.length, 1, `${when}: one model registered for the job`);
      assert.equal((done?.result as { id: string }).id, registered[0]!.id);
      const entries = await ledgerOf(b).repo.latestAbout([`model:${registered[0]!.id}`], ['model.changed']);
      assert.equal(entries.size, 1, `${when}: the registration is in the ledger`);
      await qb.close();
    }
  });
});

describe('the job queue on PostgreSQL: instances started together on a new database', DATABASE_URL === undefined ? { skip: 'DATABASE_URL not set: PostgreSQL job queue tests skipped' } : {}, () => {
  // pg-boss makes a queue by attaching a partition and foreign keys to its tables; four instances
  // doing so at once deadlocked in PostgreSQL (seen in CI, where a server then never started).
  test('four instances open their queues at once, five times over: each queue made once, no deadlock', { timeout: 120_000 }, async () => {
    for (let round = 0; round < 5; round++) {
      const site = pgSite();
      const queues: JobQueue[] = [];
      try {
        const apps = await Promise.all([0, 1, 2, 3].map(() => site.open()));
        const opened = await Promise.allSettled(apps.map((app, i) => pgJobQueue(app, { onError: (e) => console.error(`round ${round} instance ${i}:`, e) }, { ...FAST, instance: `I${i}` })));
        for (const o of opened) if (o.status === 'fulfilled') queues.push(o.value);
        const failed = opened.flatMap((o, i) => (o.status === 'rejected' ? [`instance ${i}: ${String(o.reason)}`] : []));
        assert.deepEqual(failed, [], `round ${round}`);
        const made = await sql<{ name: string }>`SELECT name FROM ${sql.id(bossSchemaOf(site.schema), 'queue')} ORDER BY name`.execute(apps[0]!.store.db);
        assert.deepEqual(made.rows.map((r) => r.name), [...JOB_KINDS].sort());
      } finally {
        for (const q of queues) await q.close().catch(() => undefined);
        await site.close();
      }
    }
  });
});
