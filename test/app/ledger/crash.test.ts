import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { loadConfig } from '../../../src/app/config.ts';
import { openApp } from '../../../src/app/context.ts';
import { ledgerOf } from '../../../src/app/ledger/ledger.ts';
import { verifyLedger } from '../../../src/app/ledger/verify.ts';
import { PG_SKIP } from '../../support/stores.ts';
import { tempDir } from '../targeting/fixtures.ts';

const CHILD = new URL('./crash-child.ts', import.meta.url).pathname;

/**
 * Integrate-then-acknowledge, for real: a child process appends to the ledger from several
 * callers and is killed with SIGKILL in the middle; every entry it was told was stored is there
 * after, the tree re-computed from the entries matches every checkpoint signed, and the log goes on
 * appending and signing checkpoints consistent with the old ones.
 */
async function killMidway(env: Record<string, string>, acksBeforeKill: number): Promise<number[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const acked: number[] = [];
  const lines = createInterface({ input: child.stdout });
  await new Promise<void>((resolve, reject) => {
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`the child ended by itself (${code}): ${stderr}`))));
    lines.on('line', (l) => {
      const m = /^ack (\d+) (\d+)$/.exec(l);
      if (m === null) return;
      for (let i = Number(m[1]); i <= Number(m[2]); i++) acked.push(i);
      if (acked.length >= acksBeforeKill && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
  });
  return acked;
}

async function checkAfterCrash(env: Record<string, string>, acked: readonly number[]) {
  const app = await openApp(loadConfig(env));
  try {
    const ledger = ledgerOf(app);
    const size = await ledger.repo.size();
    assert.ok(acked.length > 0);
    assert.ok(size > Math.max(...acked), `the log holds ${size} entries; ${Math.max(...acked)} was acknowledged`);
    const present = new Set((await ledger.repo.entries(0, size)).map((e) => e.index));
    for (const i of acked) assert.ok(present.has(i), `acknowledged entry ${i} is missing`);
    const before = await verifyLedger(ledger.repo, { logKey: ledger.verifierKey, signatures: true, payloads: true });
    assert.equal(before.ok, true, JSON.stringify(before.findings.slice(0, 5)));
    // The log goes on from where it was: more entries, a checkpoint consistent with the earlier ones.
    await ledger.record([{ type: 'privileged.action', subject: 'test', payload: { after: 'crash' } }]);
    const c = await ledger.checkpoint();
    assert.equal(c?.size, size + 1);
    const after = await verifyLedger(ledger.repo, { logKey: ledger.verifierKey, signatures: false, payloads: true });
    assert.equal(after.ok, true, JSON.stringify(after.findings.slice(0, 5)));
    return { size, checkpoints: after.checkpoints };
  } finally {
    await app.close();
  }
}

describe('ledger: a process killed with SIGKILL during appends loses nothing acknowledged', () => {
  const dir = tempDir('crash');
  after(() => dir.cleanup());

  it('on SQLite', { timeout: 120_000 }, async () => {
    const env = { DATABASE_URL: '', PORTCULLIS_DB: dir.path('ledger.db'), PORTCULLIS_KEYS_DIR: dir.path('keys') };
    for (const round of [1, 2]) {
      const acked = await killMidway(env, 300 * round);
      const r = await checkAfterCrash(env, acked);
      assert.ok(r.checkpoints >= 1, `round ${round}`);
    }
  });

  const url = process.env.DATABASE_URL?.trim();
  it('on PostgreSQL', { skip: url ? false : PG_SKIP, timeout: 120_000 }, async () => {
    const schema = `crash_${randomBytes(4).toString('hex')}`;
    after(async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    });
    const env = { DATABASE_URL: url!, PORTCULLIS_PG_SCHEMA: schema, PORTCULLIS_KEYS_DIR: dir.path('pg-keys') };
    const acked = await killMidway(env, 300);
    await checkAfterCrash(env, acked);
  });
});
