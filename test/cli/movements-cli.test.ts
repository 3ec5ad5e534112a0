import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/app/config.ts';
import { openApp } from '../../src/app/context.ts';
import { tempDir, type TempDir } from '../app/targeting/fixtures.ts';
import { jsonl, movementData, storeDeclarations } from '../app/movements/fixtures.ts';
import { movementInput } from '../support/movement-fixtures.ts';
import { lastJson, runCli } from '../support/cli.ts';

/** `portcullis movements add`, `telemetry add` and `discrepancies` on a SQLite file (the command line run in this process: support/cli.ts). */
describe('portcullis movements, telemetry and discrepancies', () => {
  let tmp: TempDir;
  let env: Record<string, string>;
  let data: ReturnType<typeof movementData>;

  before(async () => {
    tmp = tempDir('movements-cli');
    env = { PORTCULLIS_DB: tmp.path('p.db') };
    data = movementData(tmp, 300, 'movements-cli');
    const app = await openApp(loadConfig(env), () => new Date('2026-01-05T09:00:00Z'));
    try {
      await storeDeclarations(app, tmp, data);
    } finally {
      await app.close();
    }
  });
  after(() => tmp.cleanup());

  it('records files, reports rejections by line, and finds the planted discrepancies', async () => {
    const m = await runCli(env, 'movements', 'add', data.movementsFile, '--as', 'olga', '--json');
    assert.equal(m.code, 0, m.stderr);
    const mj = lastJson(m.stdout);
    assert.deepEqual([mj.added, mj.rejected, mj.ledgerEntries], [data.movements.length, 0, data.movements.length]);
    const t = await runCli(env, 'telemetry', 'add', data.telemetryFile, '--as', 'dev');
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, new RegExp(`${data.telemetry.length.toLocaleString("en-US")} readings added, 0 duplicates, 0 rejected`));
    assert.match(t.stdout, /ledger: [\d,]+ entries appended/);

    const again = lastJson((await runCli(env, 'movements', 'add', data.movementsFile, '--as', 'olga', '--json')).stdout);
    assert.deepEqual([again.added, again.duplicates, again.ledgerEntries], [0, data.movements.length, 0]);

    const bad = tmp.path('bad.jsonl');
    writeFileSync(bad, jsonl([movementInput('CLI-1', { location: 'nowhere' })]));
    const b = await runCli(env, 'movements', 'add', bad, '--as', 'olga');
    assert.equal(b.code, 2);
    assert.match(b.stdout, /line 1: location: .*expected a UN\/LOCODE/);
    const refused = await runCli(env, 'movements', 'add', data.movementsFile, '--as', 'ana', '--json');
    assert.equal(refused.code, 2);
    assert.equal((lastJson(refused.stdout).error as { code: string }).code, 'FORBIDDEN');

    const d = await runCli(env, 'discrepancies', '--raise-alerts', '--json');
    assert.equal(d.code, 0, d.stderr);
    const report = lastJson(d.stdout) as { withDiscrepancies: number; alertsRaised: number; declarations: { declarationId: string; discrepancies: { field: string }[] }[] };
    const planted = new Set(data.planted.map((p) => p.declarationId));
    assert.deepEqual(new Set(report.declarations.map((x) => x.declarationId)), planted);
    assert.equal(report.alertsRaised, planted.size);
    for (const p of data.planted) assert.ok(report.declarations.find((x) => x.declarationId === p.declarationId)!.discrepancies.some((x) => x.field === p.field));

    const one = data.planted[0]!;
    const text = await runCli(env, 'discrepancies', '--declaration', one.declarationId);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /1 declarations compared, 1 with discrepancies/);
    assert.match(text.stdout, new RegExp(`${one.field}.*\\n.*declarant|carrier`));
    const alerts = await runCli(env, 'alerts', 'list', '--kind', 'discrepancy', '--limit', '1000', '--json');
    assert.equal((lastJson(alerts.stdout).alerts as unknown[]).length, planted.size);
    assert.equal((await runCli(env, 'discrepancies', '--declaration', 'NOPE')).code, 2);
  });
});
