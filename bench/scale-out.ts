/**
 * The scale-out issue's figures (issue 9), with real `portcullis serve` processes on this machine
 * against one PostgreSQL database (DATABASE_URL; skipped, saying so, without it), in a fresh schema
 * dropped after (with its pg-boss schema):
 * - scale-out-throughput: filing one new declaration per request as a trader (as service-file),
 *   interleaved runs of (a) one instance: autocannon against instance A alone with C connections,
 *   and (b) two instances: two autocannons at once, C/2 connections against A and C/2 against B —
 *   the same total offered concurrency, so the ratio compares like with like. ≥ 1.6× one instance's
 *   requests/s. The CPU time of each server process, of the PostgreSQL backends serving them, of
 *   this process (autocannon) and of the whole machine is reported per phase: the machine has few
 *   cores, shared by all of them.
 * - scale-out-failover: both instances under filing load (a loop of concurrent fetches, half the
 *   workers on each instance, each answered 201/200 recorded as acknowledged), the ledger's
 *   sequencer (found through /readyz) killed with SIGKILL; from the kill to the survivor's /readyz
 *   saying `sequencer`, and to its first acknowledgement of a filing sent after the kill. Then the
 *   ledger is checked in the database: indices 0..n-1 without a gap, every acknowledged declaration
 *   with its `declaration.filed` and `decision.made` entries, nothing left unplaced in
 *   `ledger_queue`. Takeover < 5 s, no acknowledged entry lost. The killed instance is restarted
 *   (--no-demo) between runs, so that each run kills the other one.
 * BENCH_CONNECTIONS sets the total connections (64), BENCH_SCALE_SECONDS a throughput run's length (10).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import pg from 'pg';
import { Declaration } from '../src/domain/declaration.ts';
import { BENCH_PASSWORD, call, login } from './http.ts';
import { emit, machine, median } from './stats.ts';

const ROOT = resolve(import.meta.dirname, '..');
const DURATION = Number(process.env.BENCH_SCALE_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const WARMUP_SECONDS = 3;
/** Load before the kill, and kept after the takeover. */
const FAILOVER_LOAD_MS = 3000;
const TICKS_PER_SECOND = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a !== null ? res(a.port) : rej(new Error('no port'))));
    });
  });
}

interface Instance {
  readonly name: string;
  readonly base: string;
  readonly child: ChildProcess;
  /** The last of its output (stdout and stderr). */
  log: string;
  /** Log lines at warn (40) and above (50, 60), and a few of them. */
  warnings: number;
  errors: number;
  samples: string[];
}

interface Shared {
  readonly url: string;
  readonly schema: string;
  /** Shared ledger, token and data keys; each instance's working directory under it. */
  readonly dir: string;
}

async function startInstance(sh: Shared, name: string, demo: boolean): Promise<Instance> {
  const port = await freePort();
  const mqttPort = await freePort();
  const cwd = mkdtempSync(join(sh.dir, `${name}-`));
  const child = spawn(process.execPath, ['--max-semi-space-size=64', '--import', join(ROOT, 'node_modules/tsx/dist/loader.mjs'), join(ROOT, 'src/cli/main.ts'), 'serve', '--port', String(port), ...(demo ? [] : ['--no-demo'])], {
    // Its own working directory: on PostgreSQL the data directory (demo files, models) is ./data.
    cwd,
    env: {
      ...process.env,
      DATABASE_URL: sh.url,
      PORTCULLIS_PG_SCHEMA: sh.schema,
      PORTCULLIS_KEYS_DIR: join(sh.dir, 'keys'),
      PORTCULLIS_ADMIN_PASSWORD: BENCH_PASSWORD,
      PORTCULLIS_LOG_LEVEL: 'warn',
      // The benchmark's one client address would hit the per-client limit at once.
      PORTCULLIS_RATE_LIMIT: '100000000',
      // The sequencer starts the telemetry service: an embedded broker on a port of its own, not 1883.
      MQTT_URL: '',
      PORTCULLIS_MQTT_PORT: String(mqttPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const inst: Instance = { name, base: `http://127.0.0.1:${port}`, child, log: '', warnings: 0, errors: 0, samples: [] };
  const onData = (b: Buffer) => {
    const text = b.toString();
    inst.log = (inst.log + text).slice(-4000);
    for (const line of text.split('\n')) {
      const level = /"level":(\d+)/.exec(line)?.[1];
      if (level === undefined) continue;
      if (Number(level) >= 50) inst.errors++;
      else if (Number(level) >= 40) inst.warnings++;
      if (Number(level) >= 40 && inst.samples.length < 5) inst.samples.push(line.slice(0, 400));
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`portcullis serve ${name} exited (${child.exitCode ?? child.signalCode}): ${inst.log}`);
    try {
      if ((await fetch(`${inst.base}/readyz`)).ok) break;
    } catch {
      /* not listening yet */
    }
    // The demo load on PostgreSQL takes minutes.
    if (Date.now() - started > 600_000) throw new Error(`portcullis serve ${name} was not ready in 600 s: ${inst.log}`);
    await sleep(500);
  }
  return inst;
}

const alive = (i: Instance) => i.child.exitCode === null && i.child.signalCode === null;

async function stopInstance(i: Instance): Promise<void> {
  if (!alive(i)) return;
  const exited = new Promise((r) => i.child.once('exit', r));
  i.child.kill('SIGTERM');
  const t = setTimeout(() => i.child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(t);
}

async function role(i: Instance): Promise<string | undefined> {
  try {
    const r = await fetch(`${i.base}/readyz`, { signal: AbortSignal.timeout(2000) });
    return r.ok ? ((await r.json()) as { ledger?: string }).ledger : undefined;
  } catch {
    return undefined;
  }
}


// ---- CPU time -------------------------------------------------------------------------------

/** utime + stime of a process, in clock ticks (0 when it is gone). */
function ticksOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

/** Busy, stolen (by the hypervisor) and total ticks of the whole machine (all cores). */
function machineTicks(): { busy: number; steal: number; total: number } {
  // user nice system idle iowait irq softirq steal (guest time is counted in user already).
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number) as [number, number, number, number, number, number, number, number];
  const busy = user + nice + system + irq + softirq;
  return { busy, steal, total: busy + idle + iowait + steal };
}

/** Every postgres process of the machine (other sessions' work on it included). */
function allPostgresTicks(): number {
  let sum = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) === 'postgres') sum += ticksOf(Number(d));
    } catch {
      /* gone */
    }
  }
  return sum;
}

interface CpuSample {
  readonly at: number;
  readonly servers: Record<string, number>;
  /** Ticks of each PostgreSQL backend of an instance, by pid, by instance. */
  readonly backends: Record<string, Map<number, number>>;
  readonly postgresAll: number;
  readonly bench: number;
  readonly machine: { busy: number; steal: number; total: number };
}

/** The local TCP ports of a process's sockets (its connections to PostgreSQL among them). */
function localPortsOf(pid: number): Set<number> {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]!);
      } catch {
        /* closed meanwhile */
      }
    }
  } catch {
    return new Set();
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > 9 && inodes.has(f[9]!)) ports.add(parseInt(f[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

/**
 * CPU ticks so far of the servers, of each one's PostgreSQL backends (those whose client port is
 * one of its sockets: the pool's, the sequencer's lease, the listener, pg-boss's), of every postgres
 * process, of this process and of the machine.
 */
async function sampleCpu(db: pg.Client, instances: readonly Instance[]): Promise<CpuSample> {
  const r = await db.query<{ pid: number; client_port: number | null }>('SELECT pid, client_port FROM pg_stat_activity WHERE client_port IS NOT NULL');
  const backends: Record<string, Map<number, number>> = {};
  for (const i of instances) {
    const ports = alive(i) ? localPortsOf(i.child.pid!) : new Set<number>();
    backends[i.name] = new Map(r.rows.filter((row) => ports.has(Number(row.client_port))).map((row) => [row.pid, ticksOf(row.pid)]));
  }
  const u = process.cpuUsage();
  return {
    at: performance.now(),
    servers: Object.fromEntries(instances.map((i) => [i.name, ticksOf(i.child.pid!)])),
    backends,
    postgresAll: allPostgresTicks(),
    bench: ((u.user + u.system) / 1e6) * TICKS_PER_SECOND,
    machine: machineTicks(),
  };
}

/** Cores used on average between two samples (CPU seconds per second), per process group. */
function cpuBetween(a: CpuSample, b: CpuSample) {
  const seconds = (b.at - a.at) / 1000;
  const cores = (ticks: number) => Math.round((ticks / TICKS_PER_SECOND / seconds) * 100) / 100;
  const servers: Record<string, number> = {};
  const backends: Record<string, number> = {};
  for (const name of Object.keys(b.servers)) {
    servers[name] = cores(b.servers[name]! - (a.servers[name] ?? 0));
    let t = 0;
    for (const [pid, ticks] of b.backends[name] ?? new Map<number, number>()) t += ticks - (a.backends[name]?.get(pid) ?? 0);
    backends[name] = cores(t);
  }
  const m = { busy: b.machine.busy - a.machine.busy, steal: b.machine.steal - a.machine.steal, total: b.machine.total - a.machine.total };
  const machineBusyCores = cores(m.busy);
  const ours = Object.values(servers).reduce((x, y) => x + y, 0) + Object.values(backends).reduce((x, y) => x + y, 0) + cores(b.bench - a.bench);
  return {
    serversCores: servers,
    postgresBackendsCores: backends,
    postgresAllProcessesCores: cores(b.postgresAll - a.postgresAll),
    benchProcessCores: cores(b.bench - a.bench),
    machineBusyPercent: m.total > 0 ? Math.round((m.busy / m.total) * 1000) / 10 : 0,
    machineBusyCores,
    machineStealPercent: m.total > 0 ? Math.round((m.steal / m.total) * 1000) / 10 : 0,
    /** The machine's busy time that is none of the above: other work on the machine, the kernel, PostgreSQL's own processes. */
    elseCores: Math.round((machineBusyCores - ours) * 100) / 100,
  };
}

// ---- Throughput -----------------------------------------------------------------------------

interface Fired {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
}

function fire(o: autocannon.Options): Promise<Fired> {
  return new Promise((res, rej) => {
    autocannon(o, (err, r) => {
      if (err) rej(err);
      else res({ requestsPerSecond: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx });
    });
  });
}

interface Filing {
  readonly token: string;
  /** A new declaration's body, with this id. */
  readonly body: (id: string) => string;
}

function filingAt(base: string, f: Filing, prefix: string, connections: number, duration: number): Promise<Fired> {
  let n = 0;
  return fire({
    url: base,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/declarations',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${f.token}` },
        setupRequest: (req) => ({ ...req, body: f.body(`${prefix}${++n}`) }),
      },
    ],
  });
}

// ---- Failover -------------------------------------------------------------------------------

interface Ack {
  readonly id: string;
  readonly sentAt: number;
  readonly at: number;
  readonly to: string;
}

interface Failure {
  readonly to: string;
  readonly sentAt: number;
  readonly at: number;
  readonly what: string;
}

/** Workers filing one declaration after another, half on each instance; a dead instance's share goes to the others. */
function failoverLoad(instances: readonly Instance[], f: Filing, prefix: string, connections: number, dead: Set<string>) {
  const acked: Ack[] = [];
  const failed: Failure[] = [];
  let stopping = false;
  let n = 0;
  const worker = async (w: number) => {
    while (!stopping) {
      let to = instances[w % instances.length]!;
      if (dead.has(to.name)) to = instances.find((i) => !dead.has(i.name)) ?? to;
      const id = `${prefix}${++n}`;
      const sentAt = performance.now();
      try {
        const r = await fetch(`${to.base}/api/v1/declarations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${f.token}` },
          body: f.body(id),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await r.text();
        const at = performance.now();
        if (r.status === 201 || r.status === 200) acked.push({ id, sentAt, at, to: to.name });
        else failed.push({ to: to.name, sentAt, at, what: `${r.status} ${text.slice(0, 200)}` });
      } catch (e) {
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        failed.push({ to: to.name, sentAt, at: performance.now(), what: cause?.code ?? cause?.message ?? String(e) });
        await sleep(5);
      }
    }
  };
  const all = Promise.all(Array.from({ length: connections }, (_, w) => worker(w)));
  return {
    acked,
    failed,
    async stop() {
      stopping = true;
      await all;
    },
  };
}

interface LedgerCheck {
  readonly entries: number;
  readonly gapless: boolean;
  readonly leavesMatchEntries: boolean;
  readonly unplacedQueueRows: number;
  readonly waitedForQueueMs: number;
  readonly lostAcknowledged: number;
  readonly lostIds: string[];
}

async function checkLedger(db: pg.Client, ackedIds: readonly string[]): Promise<LedgerCheck> {
  // Whatever was queued by then is placed within moments by the sequencer.
  const t0 = performance.now();
  let unplaced = 0;
  for (;;) {
    unplaced = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM ledger_queue WHERE first_idx IS NULL')).rows[0]!.n);
    if (unplaced === 0 || performance.now() - t0 > 10_000) break;
    await sleep(200);
  }
  const waited = Math.round(performance.now() - t0);
  const e = (await db.query<{ n: string; lo: number | null; hi: number | null }>('SELECT count(*) AS n, min(idx) AS lo, max(idx) AS hi FROM ledger_entries')).rows[0]!;
  const n = Number(e.n);
  const gapless = n === 0 || (Number(e.lo) === 0 && Number(e.hi) === n - 1);
  const leaves = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM ledger_nodes WHERE level = 0')).rows[0]!.n);
  const found = new Map<string, Set<string>>();
  for (let i = 0; i < ackedIds.length; i += 5000) {
    const subjects = ackedIds.slice(i, i + 5000).map((id) => `declaration:${id}`);
    const r = await db.query<{ subject: string; type: string }>("SELECT DISTINCT subject, type FROM ledger_entries WHERE subject = ANY($1) AND type IN ('declaration.filed', 'decision.made')", [subjects]);
    for (const row of r.rows) {
      const s = found.get(row.subject) ?? new Set<string>();
      s.add(row.type);
      found.set(row.subject, s);
    }
  }
  const lost = ackedIds.filter((id) => (found.get(`declaration:${id}`)?.size ?? 0) < 2);
  return { entries: n, gapless, leavesMatchEntries: leaves === n, unplacedQueueRows: unplaced, waitedForQueueMs: waited, lostAcknowledged: lost.length, lostIds: lost.slice(0, 20) };
}

// ---- The bench ------------------------------------------------------------------------------

export async function benchScaleOut(o: { runs: number }): Promise<void> {
  const url = process.env.DATABASE_URL?.trim() || undefined;
  if (url === undefined) {
    emit({ bench: 'scale-out-throughput', skipped: 'DATABASE_URL not set: two instances on one PostgreSQL database' });
    emit({ bench: 'scale-out-failover', skipped: 'DATABASE_URL not set: two instances on one PostgreSQL database' });
    return;
  }
  if (!Number.isInteger(CONNECTIONS) || CONNECTIONS < 2 || CONNECTIONS % 2 !== 0) throw new Error(`BENCH_CONNECTIONS=${CONNECTIONS}: expected an even number ≥ 2 (half on each instance)`);
  const schema = `bench_scale_${randomBytes(6).toString('hex')}`;
  const sh: Shared = { url, schema, dir: mkdtempSync(join(tmpdir(), 'portcullis-bench-scale-')) };
  const db = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await db.connect();
  const instances: Instance[] = [];
  try {
    const startedAt = performance.now();
    instances.push(await startInstance(sh, 'A', true));
    const demoLoadSeconds = Math.round((performance.now() - startedAt) / 100) / 10;
    instances.push(await startInstance(sh, 'B', false));
    const [A, B] = instances as [Instance, Instance];
    const roles = { A: await role(A), B: await role(B) };

    // The trader, and demo declarations as templates (as bench/service.ts).
    const admin = await login(A.base, 'admin');
    const addUser = async (u: object) => {
      try {
        await call(A.base, 'POST', '/users', u, admin);
      } catch (e) {
        if (!String(e).includes(' 409 ')) throw e;
      }
    };
    await addUser({ id: 'bench-analyst', roles: ['analyst'], password: BENCH_PASSWORD });
    const analyst = await login(A.base, 'bench-analyst');
    const page = await call<{ items: { declaration: unknown }[] }>(A.base, 'GET', '/declarations?limit=200', undefined, analyst);
    const templates = page.items.map((i) => Declaration.parse(i.declaration));
    if (templates.length === 0) throw new Error('the demo store holds no declarations to file copies of');
    const party = templates[0]!.importer;
    await addUser({ id: 'bench-trader', roles: ['trader'], party, password: BENCH_PASSWORD });
    let k = 0;
    const body = (id: string) => {
      const t = templates[k++ % templates.length]!;
      return JSON.stringify({ ...t, id, importer: party, filedAt: new Date().toISOString() });
    };
    const filing: Filing = { token: await login(A.base, 'bench-trader'), body };
    const tag = Date.now().toString(36);

    // 1. Throughput: one instance, then two (the order alternating from run to run), same total connections.
    await Promise.all([filingAt(A.base, filing, `W-${tag}-A-`, CONNECTIONS / 2, WARMUP_SECONDS), filingAt(B.base, filing, `W-${tag}-B-`, CONNECTIONS / 2, WARMUP_SECONDS)]);
    interface Phase {
      readonly requestsPerSecond: number;
      readonly p50: number;
      readonly p99: number;
      readonly errors: number;
      readonly non2xx: number;
      readonly perInstance: Record<string, { requestsPerSecond: number; p50: number; p99: number }>;
      readonly cpu: ReturnType<typeof cpuBetween>;
    }
    const one: Phase[] = [];
    const two: Phase[] = [];
    // Each phase starts with PostgreSQL settled: the last phase's writes checkpointed and its tables
    // vacuumed, so that neither phase pays for the other's (autovacuum and the checkpointer once took
    // half a core from whichever phase came next).
    const settle = async () => {
      await db.query('CHECKPOINT');
      const tables = await db.query<{ t: string }>('SELECT tablename AS t FROM pg_tables WHERE schemaname = $1', [sh.schema]);
      for (const { t } of tables.rows) await db.query(`VACUUM (ANALYZE) "${sh.schema}"."${t}"`);
    };
    const runOne = async (run: number): Promise<Phase> => {
      await settle();
      const before = await sampleCpu(db, instances);
      const r = await filingAt(A.base, filing, `T-${tag}-${run}-1A-`, CONNECTIONS, DURATION);
      const cpu = cpuBetween(before, await sampleCpu(db, instances));
      return { requestsPerSecond: r.requestsPerSecond, p50: r.p50, p99: r.p99, errors: r.errors, non2xx: r.non2xx, perInstance: { A: { requestsPerSecond: Math.round(r.requestsPerSecond), p50: r.p50, p99: r.p99 } }, cpu };
    };
    const runTwo = async (run: number): Promise<Phase> => {
      await settle();
      const before = await sampleCpu(db, instances);
      const [a, b] = await Promise.all([filingAt(A.base, filing, `T-${tag}-${run}-2A-`, CONNECTIONS / 2, DURATION), filingAt(B.base, filing, `T-${tag}-${run}-2B-`, CONNECTIONS / 2, DURATION)]);
      const cpu = cpuBetween(before, await sampleCpu(db, instances));
      return {
        requestsPerSecond: a.requestsPerSecond + b.requestsPerSecond,
        p50: Math.max(a.p50, b.p50),
        // Two histograms cannot be merged from their summaries: the worse of the two p99s.
        p99: Math.max(a.p99, b.p99),
        errors: a.errors + b.errors,
        non2xx: a.non2xx + b.non2xx,
        perInstance: { A: { requestsPerSecond: Math.round(a.requestsPerSecond), p50: a.p50, p99: a.p99 }, B: { requestsPerSecond: Math.round(b.requestsPerSecond), p50: b.p50, p99: b.p99 } },
        cpu,
      };
    };
    for (let run = 0; run < o.runs; run++) {
      const first = run % 2 === 0 ? 'one' : 'two';
      if (first === 'one') {
        one.push(await runOne(run));
        two.push(await runTwo(run));
      } else {
        two.push(await runTwo(run));
        one.push(await runOne(run));
      }
      const a = one[run]!;
      const b = two[run]!;
      emit({
        bench: 'scale-out-throughput-run', run, first, seconds: DURATION, connectionsTotal: CONNECTIONS,
        oneInstance: { requestsPerSecond: Math.round(a.requestsPerSecond), latencyMsP50: a.p50, latencyMsP99: a.p99, errors: a.errors, non2xx: a.non2xx, cpu: a.cpu },
        twoInstances: { requestsPerSecond: Math.round(b.requestsPerSecond), latencyMsP50: b.p50, latencyMsP99: b.p99, errors: b.errors, non2xx: b.non2xx, perInstance: b.perInstance, cpu: b.cpu },
        ratio: Math.round((b.requestsPerSecond / a.requestsPerSecond) * 100) / 100,
      });
    }
    const ratios = one.map((a, i) => two[i]!.requestsPerSecond / a.requestsPerSecond);
    const ratio = median(ratios);
    const errors = [...one, ...two].reduce((s, p) => s + p.errors + p.non2xx, 0);
    const medCpu = (ps: readonly Phase[]) => {
      const pick = (f: (c: ReturnType<typeof cpuBetween>) => number) => Math.round(median(ps.map((p) => f(p.cpu))) * 100) / 100;
      return {
        serversCores: Object.fromEntries(instances.map((i) => [i.name, pick((c) => c.serversCores[i.name] ?? 0)])),
        postgresBackendsCores: Object.fromEntries(instances.map((i) => [i.name, pick((c) => c.postgresBackendsCores[i.name] ?? 0)])),
        postgresAllProcessesCores: pick((c) => c.postgresAllProcessesCores),
        benchProcessCores: pick((c) => c.benchProcessCores),
        machineBusyPercent: pick((c) => c.machineBusyPercent),
        machineBusyCores: pick((c) => c.machineBusyCores),
        machineStealPercent: pick((c) => c.machineStealPercent),
        elseCores: pick((c) => c.elseCores),
      };
    };
    emit({
      bench: 'scale-out-throughput', runs: o.runs, seconds: DURATION, connectionsTotal: CONNECTIONS,
      split: `one instance: ${CONNECTIONS} connections to A; two instances: ${CONNECTIONS / 2} to A and ${CONNECTIONS / 2} to B at once`,
      roles, demoLoadSeconds,
      oneInstance: { requestsPerSecondMedian: Math.round(median(one.map((p) => p.requestsPerSecond))), requestsPerSecondAll: one.map((p) => Math.round(p.requestsPerSecond)), latencyMsP50Median: median(one.map((p) => p.p50)), latencyMsP99Median: median(one.map((p) => p.p99)), latencyMsP99All: one.map((p) => p.p99), cpuMedian: medCpu(one) },
      twoInstances: { requestsPerSecondMedian: Math.round(median(two.map((p) => p.requestsPerSecond))), requestsPerSecondAll: two.map((p) => Math.round(p.requestsPerSecond)), latencyMsP50Median: median(two.map((p) => p.p50)), latencyMsP99Median: median(two.map((p) => p.p99)), latencyMsP99All: two.map((p) => p.p99), latencyIs: 'the worse of the two instances’ p50 and p99', cpuMedian: medCpu(two) },
      ratioMedian: Math.round(ratio * 100) / 100, ratioAll: ratios.map((r) => Math.round(r * 100) / 100),
      errors, target: { minRatio: 1.6 }, meetsTarget: errors === 0 && ratio >= 1.6, machine: machine(),
    });

    // 2. Failover: kill the sequencer under load, measure the takeover, check the ledger.
    const failover: { takeoverMs: number; firstAckMs: number | null; lost: number; gapless: boolean; unplaced: number; leaves: boolean; survivorFailures: number }[] = [];
    for (let run = 0; run < o.runs; run++) {
      const f: Filing = { token: await login(instances[0]!.base, 'bench-trader'), body };
      const rolesNow = await Promise.all(instances.map(role));
      const sequencers = instances.filter((_, i) => rolesNow[i] === 'sequencer');
      if (sequencers.length !== 1) throw new Error(`expected one sequencer, /readyz says ${JSON.stringify(Object.fromEntries(instances.map((inst, i) => [inst.name, rolesNow[i]])))}`);
      const victim = sequencers[0]!;
      const survivor = instances.find((i) => i !== victim)!;
      const dead = new Set<string>();
      const load = failoverLoad(instances, f, `F-${tag}-${run}-`, CONNECTIONS, dead);
      await sleep(FAILOVER_LOAD_MS);
      const ackedBeforeKill = load.acked.length;
      const killedAt = performance.now();
      victim.child.kill('SIGKILL');
      dead.add(victim.name);
      // The survivor's /readyz until it says `sequencer` (or 30 s).
      let takeoverMs = Number.NaN;
      for (;;) {
        const r = await role(survivor);
        if (r === 'sequencer') {
          takeoverMs = Math.round(performance.now() - killedAt);
          break;
        }
        if (performance.now() - killedAt > 30_000) break;
        await sleep(20);
      }
      await sleep(FAILOVER_LOAD_MS);
      await load.stop();
      const afterKill = load.acked.filter((a) => a.sentAt > killedAt);
      const firstAck = afterKill.reduce((m, a) => Math.min(m, a.at), Number.POSITIVE_INFINITY);
      const firstAckMs = Number.isFinite(firstAck) ? Math.round(firstAck - killedAt) : null;
      // The longest time without any acknowledgement, from a second before the kill on.
      const times = load.acked.map((a) => a.at).filter((t) => t > killedAt - 1000).sort((a, b) => a - b);
      let gap = 0;
      for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i]! - times[i - 1]!);
      const toVictim = load.failed.filter((x) => x.to === victim.name);
      const toSurvivor = load.failed.filter((x) => x.to === survivor.name);
      const kinds = (xs: readonly Failure[]) => {
        const m: Record<string, number> = {};
        for (const x of xs) m[x.what] = (m[x.what] ?? 0) + 1;
        return m;
      };
      const check = await checkLedger(db, load.acked.map((a) => a.id));
      emit({
        bench: 'scale-out-failover-run', run, killed: victim.name, survivor: survivor.name, connectionsTotal: CONNECTIONS,
        takeoverMs, firstAckOfFilingSentAfterKillMs: firstAckMs, longestAckGapMs: Math.round(gap),
        acknowledged: load.acked.length, acknowledgedBeforeKill: ackedBeforeKill, acknowledgedOfFilingsSentAfterKill: afterKill.length,
        failedToKilled: toVictim.length, failedToKilledKinds: kinds(toVictim), failedToSurvivor: toSurvivor.length, failedToSurvivorKinds: kinds(toSurvivor),
        ledger: check,
      });
      failover.push({ takeoverMs, firstAckMs, lost: check.lostAcknowledged, gapless: check.gapless, unplaced: check.unplacedQueueRows, leaves: check.leavesMatchEntries, survivorFailures: toSurvivor.length });
      // The killed one comes back as a follower; the next run kills the other one.
      const idx = instances.indexOf(victim);
      instances[idx] = await startInstance(sh, victim.name, false);
      // Its log so far stays counted with the new process's.
      instances[idx]!.warnings += victim.warnings;
      instances[idx]!.errors += victim.errors;
      instances[idx]!.samples.push(...victim.samples.slice(0, 5 - instances[idx]!.samples.length));
    }
    const takeovers = failover.map((r) => r.takeoverMs);
    const lost = failover.reduce((s, r) => s + r.lost, 0);
    const takeoverMax = Math.max(...takeovers);
    const firstAcks = failover.map((r) => r.firstAckMs).filter((x): x is number => x !== null);
    emit({
      bench: 'scale-out-failover', runs: o.runs, connectionsTotal: CONNECTIONS,
      takeoverMsMedian: median(takeovers), takeoverMsMax: takeoverMax, takeoverMsAll: takeovers,
      firstAckAfterKillMsMedian: firstAcks.length > 0 ? median(firstAcks) : null, firstAckAfterKillMsMax: firstAcks.length > 0 ? Math.max(...firstAcks) : null,
      lostAcknowledged: lost, ledgerGapless: failover.every((r) => r.gapless), leavesMatchEntries: failover.every((r) => r.leaves),
      unplacedQueueRowsAtEnd: failover.reduce((s, r) => s + r.unplaced, 0), failedToSurvivor: failover.reduce((s, r) => s + r.survivorFailures, 0),
      serverLog: Object.fromEntries(instances.map((i) => [i.name, { warnings: i.warnings, errors: i.errors, samples: i.samples }])),
      target: { maxTakeoverMs: 5000, lostAcknowledged: 0 },
      meetsTarget: failover.length > 0 && takeoverMax < 5000 && firstAcks.length === failover.length && lost === 0 && failover.every((r) => r.gapless && r.unplaced === 0),
      machine: machine(),
    });
  } finally {
    await Promise.all(instances.map(stopInstance));
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await db.query(`DROP SCHEMA IF EXISTS ${schema}_pgboss CASCADE`).catch(() => undefined);
    await db.end();
    rmSync(sh.dir, { recursive: true, force: true });
  }
}
