import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { tempDir, type TempDir } from '../app/targeting/fixtures.ts';
import { BIN, lastJson, MAPPING, ROOT, runCli } from '../support/cli.ts';

const VECTORS = resolve(ROOT, '../shared/vectors/signed-note/checkpoint-vectors.json');

/**
 * The ledger as a user drives it from the command line (run in this process: support/cli.ts):
 * verify, prove and check offline, keys, party submissions, a witness of `ledger serve` (a process).
 */
describe('portcullis ledger and witness', () => {
  let tmp: TempDir;
  let env: Record<string, string>;
  let logKey: string;

  before(async () => {
    tmp = tempDir('ledger-cli');
    env = { PORTCULLIS_DB: tmp.path('p.db'), PORTCULLIS_KEYS_DIR: tmp.path('keys') };
    const gen = await runCli(env, 'generate', '--rows', '400', '--seed', '5', '--out', tmp.path('d.csv'));
    assert.equal(gen.code, 0, gen.stderr);
    const ing = await runCli(env, 'ingest', tmp.path('d.csv'), '--mapping', MAPPING, '--json');
    assert.equal(ing.code, 0, ing.stderr);
    logKey = (await runCli(env, 'ledger', 'key')).stdout.trim();
  });
  after(() => tmp.cleanup());

  it('every ingested declaration is an entry; verify passes; a proof bundle checks offline', async () => {
    const status = lastJson((await runCli(env, 'ledger', 'status', '--json')).stdout);
    assert.equal(status.size, 400);
    assert.equal(status.logKey, logKey);
    assert.equal((status.checkpoint as { size: number }).size, 400, 'the ingest signed a checkpoint as it closed');
    const v = await runCli(env, 'ledger', 'verify', '--signatures', '--json');
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.equal(lastJson(v.stdout).ok, true);
    const p = await runCli(env, 'ledger', 'prove', '17', '--with-payload', '--out', tmp.path('proof.json'));
    assert.equal(p.code, 0, p.stderr);
    // Offline: no database named at all.
    const offline = { PORTCULLIS_DB: tmp.path('nothing-here/none.db') };
    const c = await runCli(offline, 'ledger', 'check-proof', tmp.path('proof.json'), '--key', logKey);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /proof OK: entry 17 \(declaration\.filed by customs/);
    assert.match(c.stdout, /payload matches/);
    assert.ok(!existsSync(tmp.path('nothing-here')), 'check-proof opened no database');
    const bundle = JSON.parse(readFileSync(tmp.path('proof.json'), 'utf8')) as { proof: string[] };
    bundle.proof.reverse();
    writeFileSync(tmp.path('bad.json'), JSON.stringify(bundle));
    const bad = await runCli(offline, 'ledger', 'check-proof', tmp.path('bad.json'), '--key', logKey);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /proof/);
    const cp = await runCli(env, 'ledger', 'checkpoint');
    writeFileSync(tmp.path('cp.txt'), cp.stdout);
    const vc = await runCli(offline, 'ledger', 'verify-checkpoint', tmp.path('cp.txt'), '--key', logKey, '--json');
    assert.equal(vc.code, 0, vc.stderr);
    assert.equal(lastJson(vc.stdout).size, 400);
  });

  it('verify-checkpoint checks another log\'s checkpoint: the real sum.golang.org one', async (t) => {
    if (!existsSync(VECTORS)) return t.skip(`${VECTORS} not found: the vectors come from ../shared/vectors`);
    const v = JSON.parse(readFileSync(VECTORS, 'utf8')) as { real_sum_golang_org_checkpoint: { verifier_key: string; origin: string; signed: string } };
    const sum = v.real_sum_golang_org_checkpoint;
    writeFileSync(tmp.path('sum.txt'), sum.signed);
    const ok = await runCli({}, 'ledger', 'verify-checkpoint', tmp.path('sum.txt'), '--key', sum.verifier_key, '--origin', sum.origin);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /go\.sum database tree, 6,476,701 entries/);
    writeFileSync(tmp.path('sum-bad.txt'), sum.signed.replace('6476701', '6476702'));
    const bad = await runCli({}, 'ledger', 'verify-checkpoint', tmp.path('sum-bad.txt'), '--key', sum.verifier_key, '--origin', sum.origin);
    assert.equal(bad.code, 2);
  });

  it('a party registers its key, signs offline and submits; the log refuses a forged entry', async () => {
    assert.equal((await runCli(env, 'users', 'add', 'sue', '--role', 'supervisor')).code, 0);
    const k = lastJson((await runCli({}, 'ledger', 'keys', 'generate', 'maersk', '--json')).stdout) as { signerKey: string; verifierKey: string };
    writeFileSync(tmp.path('maersk.key'), k.signerKey);
    const add = await runCli(env, 'ledger', 'keys', 'add', k.verifierKey, '--role', 'party', '--as', 'sue');
    assert.equal(add.code, 0, add.stderr);
    writeFileSync(tmp.path('event.json'), JSON.stringify({ eventCode: 'LOAD', container: 'MSCU1234565' }));
    const signed = await runCli({}, 'ledger', 'sign', tmp.path('event.json'), '--key', `@${tmp.path('maersk.key')}`, '--type', 'movement.recorded', '--subject', 'container:MSCU1234565');
    assert.equal(signed.code, 0, signed.stderr);
    writeFileSync(tmp.path('signed.jsonl'), signed.stdout);
    const sub = await runCli(env, 'ledger', 'submit', tmp.path('signed.jsonl'), '--json');
    assert.equal(sub.code, 0, sub.stderr);
    const [index] = lastJson(sub.stdout).indices as number[];
    const forged = JSON.parse(signed.stdout) as { entry: { time: string } };
    forged.entry.time = '2020-01-01T00:00:00Z';
    writeFileSync(tmp.path('forged.jsonl'), JSON.stringify(forged));
    const refused = await runCli(env, 'ledger', 'submit', tmp.path('forged.jsonl'));
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /signature/);
    const about = lastJson((await runCli(env, 'ledger', 'entries', '--subject', 'container:MSCU1234565', '--json')).stdout) as { entries: { index: number; party: string }[] };
    assert.deepEqual(about.entries.map((e) => [e.index, e.party]), [[index, 'maersk']]);
  });

  it('a witness cosigns what `ledger serve` publishes; verify then counts the cosignature', async () => {
    const w = lastJson((await runCli({}, 'ledger', 'keys', 'generate', 'witness.example', '--cosigner', '--json')).stdout) as { signerKey: string; verifierKey: string };
    writeFileSync(tmp.path('w.key'), w.signerKey);
    assert.equal((await runCli(env, 'ledger', 'keys', 'add', w.verifierKey, '--role', 'witness', '--as', 'sue')).code, 0);
    const server = spawn(BIN, ['ledger', 'serve', '--port', '0'], { env: { ...process.env, DATABASE_URL: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    after(() => server.kill('SIGTERM'));
    const url = await new Promise<string>((resolveUrl, reject) => {
      let err = '';
      server.stderr.on('data', (c: Buffer) => (err += c.toString()));
      server.on('exit', (code) => reject(new Error(`ledger serve ended (${code}): ${err}`)));
      createInterface({ input: server.stdout }).on('line', (l) => {
        const m = /published at (http:\/\/[\d.:]+)\//.exec(l);
        if (m) resolveUrl(m[1]!);
      });
    });
    const run = await runCli({}, 'witness', '--log', url, '--log-key', logKey, '--key', `@${tmp.path('w.key')}`, '--state', tmp.path('w.json'), '--once', '--json');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(lastJson(run.stdout).kind, 'cosigned');
    const note = await (await fetch(`${url}/api/v1/ledger/checkpoint`)).text();
    assert.match(note, /— witness\.example /);
    server.kill('SIGTERM');
    const v = lastJson((await runCli(env, 'ledger', 'verify', '--json')).stdout) as { ok: boolean; checked: { cosignatures: number } };
    assert.equal(v.ok, true);
    assert.equal(v.checked.cosignatures, 1);
  });

  it('verify names an entry edited in the database, and fails', async () => {
    const db = new Database(tmp.path('p.db'));
    db.prepare("UPDATE ledger_entries SET party = 'someone-else' WHERE idx = 123").run();
    db.close();
    const v = await runCli(env, 'ledger', 'verify');
    assert.equal(v.code, 1);
    assert.match(v.stdout, /\[leaf-hash\] entry 123:/);
  });
});
