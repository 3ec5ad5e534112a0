import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/app/config.ts';
import { openApp, type AppContext } from '../../src/app/context.ts';
import { generateRows, writeGeneratedCsv, type GeneratedRow } from '../../src/app/generator/index.ts';
import { ingestFiles } from '../../src/app/intake/ingest.ts';
import { loadMapping } from '../../src/app/intake/load-mapping.ts';
import { activateRule, approveRule, draftRule, submitRule } from '../../src/app/targeting/rules.ts';
import { addUser } from '../../src/app/targeting/users.ts';
import { lastJson, MAPPING, runCli, type Run } from '../support/cli.ts';

/**
 * The targeting commands on a SQLite file of their own (the command line run in this process:
 * support/cli.ts, one command at a time). The store is prepared in this process (declarations, a
 * few users, a rule waiting for approval); the commands come in three waves, each needing the one
 * before.
 */
const run = runCli;
const ok = (r: Run, what: string): Record<string, unknown> => {
  assert.equal(r.code, 0, `${what}: ${r.stderr}`);
  return lastJson(r.stdout);
};

const TRANSHIP = (r: GeneratedRow) => r.origin_country !== r.export_country;

const BAD_RULE = `{
  "name": "Watch list",
  "reason": "Goods on the watch list",
  "threat": "revenue",
  "condition": {
    "and": [
      { "==": [{ "var": "hs2" }, "85"] },
      { "greaterThan": [{ "var": "customsValue" }, 1000] }
    ]
  },
  "action": { "type": "force-lane", "lane": "red" }
}
`;

describe('portcullis targeting commands', () => {
  let dir: string;
  let env: Record<string, string>;
  let data: string;
  let rows: GeneratedRow[];
  let rule: string;

  const withApp = async <T>(body: (app: AppContext) => Promise<T>): Promise<T> => {
    const app = await openApp(loadConfig(env), () => new Date('2026-01-05T09:00:00Z'));
    try {
      return await body(app);
    } finally {
      await app.close();
    }
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portcullis-targeting-cli-'));
    env = { PORTCULLIS_DB: join(dir, 'p.db') };
    data = join(dir, 'decl.csv');
    const opts = { rows: 1500, seed: 'targeting-cli', start: '2025-01-06', days: 35 };
    await writeGeneratedCsv(data, opts);
    rows = [...generateRows(opts)];
    writeFileSync(join(dir, 'bad-rule.json'), BAD_RULE);
    rule = await withApp(async (app) => {
      const s = await ingestFiles(app.store, [data], { mapping: await loadMapping(MAPPING), mappingName: 'generated.json', strict: false, rejectFile: join(dir, 'rejects.csv'), clock: app.clock });
      assert.equal(s.accepted, rows.length);
      await addUser(app, { id: 'ana', roles: ['analyst'] });
      await addUser(app, { id: 'sam', roles: ['supervisor'] });
      await addUser(app, { id: 'oli', roles: ['officer'] });
      const v = await draftRule(app, 'sam', { name: 'Transhipped goods', reason: 'origin differs from the country of export', threat: 'origin', condition: { '!=': [{ var: 'originCountry' }, { var: 'exportCountry' }] }, action: { type: 'force-lane', lane: 'red' } });
      await submitRule(app, 'sam', v.id);
      return v.id;
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('adds users, refuses a malformed rule and the author\'s own approval, sets budgets, simulates', async () => {
    const [user, bad, own, budget, sim, badRate] = await Promise.all([
      run(env, 'users', 'add', 'sue', '--role', 'supervisor', 'officer', '--name', 'Sue Supervisor', '--json'),
      run(env, 'rules', 'add', join(dir, 'bad-rule.json'), '--as', 'ana'),
      run(env, 'rules', 'approve', rule, '--as', 'sam', '--json'),
      run(env, 'budgets', 'set', '*', '--red', '6', '--yellow', '4', '--explore', '0.1', '--as', 'sam', '--json'),
      run(env, 'simulate', '--data', data, '--mapping', MAPPING, '--rate', '10', '--explore', '0.1', '--retrain', 'monthly', '--seed', '2', '--json'),
      run(env, 'simulate', '--data', data, '--mapping', MAPPING, '--rate', '150', '--json'),
    ]);

    assert.deepEqual(ok(user, 'users add').user, { id: 'sue', name: 'Sue Supervisor', roles: ['supervisor', 'officer'] });

    // The rule file names the line and column of the unknown operator.
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /\[INVALID_INPUT\]/);
    assert.match(bad.stderr, /unknown operator "greaterThan"/);
    assert.match(bad.stderr, /bad-rule\.json line 8, column 9\)/);

    // Four eyes: sam wrote the rule, so sam may not approve it.
    assert.equal(own.code, 2, own.stderr);
    assert.match(own.stderr, /\[FORBIDDEN\].*four eyes/);
    assert.equal((lastJson(own.stdout).error as { code: string }).code, 'FORBIDDEN');

    assert.deepEqual(ok(budget, 'budgets set').budget, { office: '*', redRate: 0.06, yellowRate: 0.04, exploreShare: 0.1, exploreMode: 'uncertainty' });

    const s = ok(sim, 'simulate') as { rate: number; explore: number; weeks: { week: string; arrivals: number }[]; total: { arrivals: number; selected: number; explored: number; trueRate: number } };
    assert.deepEqual([s.rate, s.explore, s.weeks.length, s.total.arrivals], [0.1, 0.1, 5, rows.length]);
    assert.deepEqual(s.weeks.map((w) => w.week), ['2025-01-06', '2025-01-13', '2025-01-20', '2025-01-27', '2025-02-03']);
    assert.ok(Math.abs(s.total.selected / s.total.arrivals - 0.1) < 0.03, `selected ${s.total.selected} of ${s.total.arrivals}`);
    assert.ok(s.total.explored > 0);
    assert.equal(s.total.trueRate, rows.filter((r) => r.illicit === 1).length / rows.length);

    assert.equal(badRate.code, 2);
    assert.equal((lastJson(badRate.stdout).error as { code: string; details: { field: string }[] }).details[0]!.field, '--rate');
  });

  it('decides, lists and shows rules and budgets, records an inspection, and reports effectiveness', async () => {
    // The new supervisor approves and puts the rule in force.
    await withApp(async (app) => {
      await approveRule(app, 'sue', rule);
      await activateRule(app, 'sue', rule);
    });
    const found = rows.find((r) => TRANSHIP(r) && r.illicit === 0)!;
    const [decide, list, show, budgets, inspection] = await Promise.all([
      run(env, 'decide', '--undecided', '--seed', '3', '--json'),
      run(env, 'rules', 'list', '--json'),
      run(env, 'rules', 'show', rule, '--json'),
      run(env, 'budgets', 'list', '--json'),
      run(env, 'inspections', 'record', found.declaration_id, '--finding', 'seizure', '--revenue', '250', '--as', 'oli', '--json'),
    ]);

    const d = ok(decide, 'decide') as { decided: number; lanes: Record<string, number>; selectionTypes: Record<string, number>; model: string | null; rules: number; decisions: unknown[] };
    assert.equal(d.decided, rows.length);
    assert.equal(d.lanes.green! + d.lanes.yellow! + d.lanes.red!, rows.length);
    assert.deepEqual([d.model, d.rules, d.decisions], [null, 1, []]);
    assert.equal(d.selectionTypes['rule-mandated'], rows.filter(TRANSHIP).length);
    assert.ok((d.selectionTypes.random ?? 0) > 0, 'no model: the rest of the budget is random selection');

    const listed = ok(list, 'rules list').rules as { id: string; version: number; status: string }[];
    assert.deepEqual(listed.map((v) => [v.id, v.version, v.status]), [[rule, 1, 'active']]);
    const shown = ok(show, 'rules show').versions as { id: string; author: string; approvedBy: string; activatedBy: string; condition: unknown }[];
    assert.deepEqual(shown.map((v) => [v.id, v.author, v.approvedBy, v.activatedBy]), [[rule, 'sam', 'sue', 'sue']]);

    const b = ok(budgets, 'budgets list') as { budgets: { office: string; redRate: number }[]; fallback: { office: string } };
    assert.deepEqual(b.budgets.map((x) => [x.office, x.redRate]), [['*', 0.06]]);
    assert.equal(b.fallback.office, '*');

    const i = ok(inspection, 'inspections record').inspection as { declarationId: string; finding: string; revenueRecovered: number; officer: string; revision: number };
    assert.deepEqual([i.declarationId, i.finding, i.revenueRecovered, i.officer, i.revision], [found.declaration_id, 'seizure', 250, 'oli', 1]);

    const e = ok(await run(env, 'effectiveness', '--from', '2025-01-01', '--to', '2025-03-01', '--json'), 'effectiveness') as {
      declarations: number; decided: number; overall: { selected: number }; rules: { rule: string; selected: number; inspected: number; findings: number; decayed: boolean }[];
    };
    assert.deepEqual([e.declarations, e.decided, e.overall.selected], [rows.length, rows.length, d.lanes.red! + d.lanes.yellow!]);
    const hits = rows.filter(TRANSHIP);
    // Every hit was selected red, and is known: its label, or for one of them the seizure just recorded.
    assert.deepEqual(e.rules.map((r) => [r.rule, r.selected, r.inspected, r.findings]), [[`${rule}@1`, hits.length, hits.length, hits.filter((r) => r.illicit === 1).length + 1]]);
  });

  it('ingest --decide decides what it took in, with what is in force', async () => {
    const more = join(dir, 'more.csv');
    await writeGeneratedCsv(more, { rows: 300, seed: 'targeting-cli-more', start: '2025-02-10', days: 7 });
    const r = ok(await run(env, 'ingest', more, '--mapping', MAPPING, '--decide', '--json'), 'ingest --decide') as { accepted: number; decided: { decided: number; lanes: Record<string, number> } | null };
    assert.ok(r.accepted > 0);
    assert.equal(r.decided?.decided, r.accepted, 'every declaration taken in is decided, and nothing decided before again');
    assert.equal(r.decided.lanes.green! + r.decided.lanes.yellow! + r.decided.lanes.red!, r.accepted);
  });
});
