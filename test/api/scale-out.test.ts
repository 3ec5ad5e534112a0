import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/app/config.ts';
import { openApp } from '../../src/app/context.ts';
import { ledgerOf } from '../../src/app/ledger/ledger.ts';
import { verifyLedger } from '../../src/app/ledger/verify.ts';
import { addUser } from '../../src/app/targeting/users.ts';
import { partiesRepo } from '../../src/store/index.ts';
import { dropPgSchemas, PG_SKIP } from '../support/stores.ts';
import { declarationOf, PASSWORD } from './support.ts';

const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
const ROOT = new URL('../../', import.meta.url).pathname;

interface Instance {
  readonly name: string;
  readonly child: ChildProcess;
  base: string;
  log: string;
}

/**
 * Issue 9's "done when": three real `portcullis serve` processes on one PostgreSQL schema behave as
 * one system. Exactly one sequences the ledger; filings go to all three; the sequencer is killed
 * with SIGKILL mid-load; another takes over within seconds; and at the end the ledger is continuous
 * (indices 0…n-1, every node, a checkpoint that verifies) and complete (every filing that was
 * acknowledged has its filing and decision entries; nothing left queued).
 */
describe('scale-out: three server processes on one PostgreSQL database', databaseUrl === undefined ? { skip: PG_SKIP } : {}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-scale-out-'));
  const schema = `scale_${randomBytes(6).toString('hex')}`;
  const env = { ...process.env, DATABASE_URL: databaseUrl, PORTCULLIS_PG_SCHEMA: schema, PORTCULLIS_KEYS_DIR: join(dir, 'keys'), PORTCULLIS_DB: join(dir, 'unused.db'), PORTCULLIS_LOG_LEVEL: 'warn', PORTCULLIS_RATE_LIMIT: '1000000', PORTCULLIS_JOB_SCHEMA: `${schema}_pgboss` };
  const instances: Instance[] = [];
  after(async () => {
    for (const i of instances) if (i.child.exitCode === null && i.child.signalCode === null) i.child.kill('SIGKILL');
    await dropPgSchemas(databaseUrl, [schema, `${schema}_pgboss`]);
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(name: string): Promise<Instance> {
    // Each on a port of its own, with its own embedded broker's port (only the sequencer starts telemetry).
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--no-demo', '--port', '0'], {
      cwd: ROOT,
      env: { ...env, MQTT_URL: '', PORTCULLIS_MQTT_PORT: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const inst: Instance = { name, child, base: '', log: '' };
    // Known at once, so that `after` kills it even if it never starts.
    instances.push(inst);
    const base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not start in 60 s: ${inst.log}`)), 60_000);
      child.stderr!.on('data', (b: Buffer) => {
        inst.log = (inst.log + b.toString()).slice(-20_000);
        const m = /serving (http:\/\/[^\s]+)/.exec(inst.log);
        if (m !== null) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code}): ${inst.log}`));
      });
    });
    inst.base = base;
    return inst;
  }

  const roleOf = async (i: Instance): Promise<string | undefined> => {
    try {
      const r = await fetch(`${i.base}/readyz`);
      return ((await r.json()) as { ledger?: string }).ledger;
    } catch {
      return undefined;
    }
  };

  it('one sequencer; killed with SIGKILL mid-load, another takes over within 5 s; the ledger stays continuous and complete', { timeout: 180_000 }, async (t) => {
    // The schema made ready first: the users and parties (as an administrator would).
    const app = await openApp(loadConfig(env));
    await addUser(app, { id: 'tra', roles: ['trader'], party: 'IMP-A', password: PASSWORD });
    await partiesRepo(app.store.db).upsert([{ id: 'IMP-A', name: 'Importer A', roles: ['importer'], country: 'NL', aeo: false }], new Date().toISOString());
    await app.close();

    const all = await Promise.all(['a', 'b', 'c'].map((n) => start(n)));
    const roles = await Promise.all(all.map(roleOf));
    assert.deepEqual([...roles].sort(), ['follower', 'follower', 'sequencer'], `roles ${roles.join(', ')}`);
    const sequencer = all[roles.indexOf('sequencer')]!;
    const survivors = all.filter((i) => i !== sequencer);

    const login = await fetch(`${all[0]!.base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'tra', password: PASSWORD }) });
    assert.equal(login.status, 200);
    const token = ((await login.json()) as { accessToken: string }).accessToken;

    // Eight filers, each sending to the instances in turn; a filing is acknowledged by a 201.
    const acknowledged = new Set<string>();
    const refused: string[] = [];
    let next = 0;
    let stop = false;
    let killedAt = 0;
    let firstAfterKill = 0;
    const filer = async (k: number) => {
      for (let turn = k; !stop; turn++) {
        const targets = killedAt === 0 ? all : survivors;
        const inst = targets[turn % targets.length]!;
        const d = declarationOf('IMP-A', next++);
        try {
          const r = await fetch(`${inst.base}/api/v1/declarations`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(d) });
          if (r.status === 201) {
            acknowledged.add(d.id);
            if (killedAt !== 0 && firstAfterKill === 0 && inst !== sequencer) firstAfterKill = Date.now();
          } else refused.push(`${inst.name} ${r.status}`);
          await r.body?.cancel();
        } catch {
          // The killed instance's connections fail: nothing was acknowledged by them.
        }
      }
    };
    const load = Array.from({ length: 8 }, (_, k) => filer(k));
    await new Promise((r) => setTimeout(r, 1500));
    const beforeKill = acknowledged.size;
    assert.ok(beforeKill > 0, 'filings were acknowledged before the kill');
    sequencer.child.kill('SIGKILL');
    killedAt = Date.now();
    let takeover = 0;
    while (takeover === 0 && Date.now() - killedAt < 15_000) {
      const now = await Promise.all(survivors.map(roleOf));
      if (now.includes('sequencer')) takeover = Date.now() - killedAt;
      else await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(takeover > 0 && takeover < 5000, `the sequencer's role taken over in ${takeover} ms`);
    t.diagnostic(`sequencer ${sequencer.name} killed; its role taken over in ${takeover} ms`);
    // The load goes on against the survivors for a while.
    await new Promise((r) => setTimeout(r, 2000));
    stop = true;
    await Promise.all(load);
    assert.ok(firstAfterKill > 0, 'a survivor acknowledged filings after the kill');
    assert.ok(acknowledged.size > beforeKill, 'filings were acknowledged after the kill');
    assert.equal(refused.filter((r) => !r.endsWith(' 201')).length, 0, `refused: ${refused.slice(0, 5).join('; ')}`);
    const now = await Promise.all(survivors.map(roleOf));
    assert.deepEqual([...now].sort(), ['follower', 'sequencer'], 'one sequencer among the survivors');

    // Stop the survivors gracefully: what they were asked to write is written.
    for (const i of survivors) {
      const exited = new Promise((r) => i.child.once('exit', r));
      i.child.kill('SIGTERM');
      await exited;
    }
    const check = await openApp(loadConfig(env));
    try {
      const ledger = ledgerOf(check);
      const size = await ledger.repo.size();
      const entries = await ledger.repo.entries(0, size);
      assert.deepEqual(entries.map((e) => e.index), Array.from({ length: size }, (_, i) => i), 'indices 0…n-1, no gap');
      const filed = new Set(entries.filter((e) => e.type === 'declaration.filed').map((e) => e.subject));
      const decided = new Set(entries.filter((e) => e.type === 'decision.made').map((e) => e.subject));
      const lost = [...acknowledged].filter((id) => !filed.has(`declaration:${id}`) || !decided.has(`declaration:${id}`));
      assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.size} acknowledged filings missing from the ledger`);
      t.diagnostic(`${acknowledged.size} filings acknowledged (${beforeKill} before the kill, the first after it ${firstAfterKill - killedAt} ms after); ledger of ${size} entries`);
      const unplaced = await check.store.db.selectFrom('ledger_queue' as never).select((eb) => eb.fn.countAll<number>().as('n')).where('first_idx' as never, 'is', null).executeTakeFirstOrThrow();
      assert.equal(Number(unplaced.n), 0, 'nothing left queued for a sequencer');
      await ledger.checkpoint();
      const r = await verifyLedger(ledger.repo, { logKey: ledger.verifierKey, signatures: true, payloads: true });
      assert.equal(r.ok, true, JSON.stringify(r.findings).slice(0, 2000));
    } finally {
      await check.close();
    }
  });
});
