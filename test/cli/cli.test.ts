import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { BIN, lastJson, MAPPING, ROOT, runCli, spawnCli } from '../support/cli.ts';

/**
 * The `portcullis` command on a store of its own: --json output, exit codes, and that a crash
 * mid-intake loses nothing committed. The command line runs in this process (support/cli.ts),
 * which answers as bin/portcullis in a child process does (the first test); the crash is
 * bin/portcullis in a child process, killed.
 */
const run = runCli;

describe('portcullis command', () => {
  let dir: string;
  let env: Record<string, string>;
  let file: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portcullis-cli-'));
    env = { PORTCULLIS_DB: join(dir, 'p.db') };
    file = join(dir, 'decl.csv');
    const g = await run(env, 'generate', '--rows', '3000', '--seed', 'cli', '--out', file, '--json');
    assert.equal(g.code, 0, g.stderr);
    assert.equal(lastJson(g.stdout).rows, 3000);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the command run in this process answers as bin/portcullis in a child process does: output and exit code', async () => {
    for (const args of [['stats', '--json'], ['declarations', 'get', 'NO-SUCH-ID', '--json'], ['generate', '--rows', 'many'], ['no-such-command'], ['mapping', 'check', '--help']]) {
      const [here, spawned] = [await run(env, ...args), await spawnCli(env, ...args)];
      assert.deepEqual(here, spawned, args.join(' '));
    }
  });

  it('--help answers for every command, with exit code 0', async () => {
    for (const cmd of [[], ['ingest'], ['generate'], ['start'], ['stats'], ['migrate'], ['mapping', 'check'], ['declarations', 'list']]) {
      const r = await run(env, ...cmd, '--help');
      assert.equal(r.code, 0, `${cmd.join(' ')} --help`);
      assert.match(r.stdout, /Usage: portcullis/);
    }
  });

  it('ingest --json summarises, and a second ingest adds nothing', async () => {
    const first = await run(env, 'ingest', file, '--mapping', MAPPING, '--json');
    assert.equal(first.code, 0, first.stderr);
    const s = lastJson(first.stdout);
    assert.deepEqual([s.accepted, s.rejected, s.duplicates, s.rejectFile], [3000, 0, 0, null]);
    const again = lastJson((await run(env, 'ingest', file, '--mapping', MAPPING, '--json')).stdout);
    assert.deepEqual([again.accepted, again.duplicates], [0, 3000]);
    const stats = lastJson((await run(env, 'stats', '--json')).stdout);
    assert.equal(stats.declarations, 3000);
  });

  it('declarations get and list read what was filed; an unknown id exits 2', async () => {
    const list = lastJson((await run(env, 'declarations', 'list', '--limit', '2', '--json')).stdout);
    assert.equal(list.count, 2);
    const id = ((list.declarations as { declaration: { id: string } }[])[0]!).declaration.id;
    const got = await run(env, 'declarations', 'get', id, '--json');
    assert.equal(got.code, 0);
    assert.equal((lastJson(got.stdout).declaration as { id: string }).id, id);
    const missing = await run(env, 'declarations', 'get', 'NO-SUCH-ID', '--json');
    assert.equal(missing.code, 2);
    assert.equal((lastJson(missing.stdout).error as { code: string }).code, 'NOT_FOUND');
  });

  it('bad input exits 2 with an error that names what was wrong', async () => {
    const badMapping = join(dir, 'bad-mapping.json');
    writeFileSync(badMapping, JSON.stringify({ version: 1, fields: { id: { column: 'declaration_id' } } }));
    const r = await run(env, 'ingest', file, '--mapping', badMapping, '--json');
    assert.equal(r.code, 2);
    const e = lastJson(r.stdout).error as { code: string; details: { field: string }[] };
    assert.equal(e.code, 'INVALID_MAPPING');
    assert.ok(e.details.some((d) => d.field === 'fields.importer'), JSON.stringify(e.details));
    const noFile = await run(env, 'ingest', join(dir, 'nope.csv'), '--mapping', MAPPING);
    assert.equal(noFile.code, 2);
    assert.match(noFile.stderr, /INVALID_FILE.*no such file/);
    assert.equal((await run(env, 'generate', '--rows', 'many', '--out', join(dir, 'x.csv'))).code, 2);
    assert.equal((await run(env, 'no-such-command')).code, 2);
  });

  it('--strict refuses a file with a bad row, keeps nothing of it, and exits 1', async () => {
    const strictEnv = { PORTCULLIS_DB: join(dir, 'strict.db') };
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').slice(0, 51);
    lines[25] = lines[25]!.replace(/,(\d{4})-(\d\d)-/, ',$1-13-');
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, `${lines.join('\n')}\n`);
    const r = await run(strictEnv, 'ingest', bad, '--mapping', MAPPING, '--strict', '--json');
    assert.equal(r.code, 1);
    const s = lastJson(r.stdout);
    assert.deepEqual([s.accepted, s.rejected], [0, 1]);
    assert.equal(lastJson((await run(strictEnv, 'stats', '--json')).stdout).declarations, 0);
    const rejects = readFileSync(s.rejectFile as string, 'utf8');
    assert.match(rejects, /^file,row,line,declaration_id,field,column,value,problem,expected\n/);
    assert.match(rejects, /bad\.csv,25,26,D[A-Z]{4}\d{9},filedAt,filed_at,/);
  });

  it('a crash in the middle of an intake loses nothing that was committed; ingesting again completes it', async () => {
    const crashEnv = { PORTCULLIS_DB: join(dir, 'crash.db') };
    const big = join(dir, 'big.csv');
    assert.equal((await run(crashEnv, 'generate', '--rows', '100000', '--seed', 'crash', '--out', big)).code, 0);
    const child = spawn(BIN, ['ingest', big, '--mapping', MAPPING], { env: { ...process.env, DATABASE_URL: '', ...crashEnv }, cwd: ROOT, stdio: 'ignore' });
    // Kill it once some batches are committed but before the end; a read-only connection sees the
    // committed batches while the intake goes on (WAL).
    const dbStats = async () => lastJson((await run(crashEnv, 'stats', '--json')).stdout).declarations as number;
    const committed = () => {
      try {
        const db = new Database(crashEnv.PORTCULLIS_DB, { readonly: true, fileMustExist: true });
        try {
          return (db.prepare('SELECT count(*) AS n FROM declarations').get() as { n: number }).n;
        } finally {
          db.close();
        }
      } catch {
        return 0; // not created yet
      }
    };
    for (let i = 0; i < 600 && committed() === 0; i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const afterCrash = await dbStats();
    assert.ok(afterCrash > 0 && afterCrash < 100000, `killed mid-way (${afterCrash} of 100000 stored)`);
    const again = lastJson((await run(crashEnv, 'ingest', big, '--mapping', MAPPING, '--json')).stdout);
    assert.equal(again.rejected, 0);
    assert.equal((again.accepted as number) + (again.duplicates as number), 100000);
    assert.equal(again.duplicates, afterCrash, 'every declaration stored before the crash is whole and equal to the file');
    assert.equal(await dbStats(), 100000);
  });
});
