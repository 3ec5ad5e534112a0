import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { lastJson, MAPPING, runCli } from '../support/cli.ts';

/** `portcullis train`, `evaluate` and `score` on generated declarations (the command line run in this process: support/cli.ts). */
const run = (...args: string[]) => runCli({}, ...args);

describe('portcullis train, evaluate and score', () => {
  let dir: string;
  let data: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portcullis-models-cli-'));
    data = join(dir, 'decl.csv');
    const g = await run('generate', '--rows', '4000', '--seed', 'models-cli', '--out', data, '--json');
    assert.equal(g.code, 0, g.stderr);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('trains, evaluates and scores with explanations, each with --json', async () => {
    const model = join(dir, 'm.json');
    const t = await run('train', '--data', data, '--mapping', MAPPING, '--label', 'illicit', '--valid-from', '2025-10-01', '--out', model, '--seed', '3', '--json');
    assert.equal(t.code, 0, t.stderr);
    assert.match(String(lastJson(t.stdout).contentHash), /^sha256:[0-9a-f]{64}$/);

    const e = await run('evaluate', '--model', model, '--data', data, '--mapping', MAPPING, '--json');
    assert.equal(e.code, 0, e.stderr);
    const ev = lastJson(e.stdout);
    for (const k of ['rows', 'positives', 'auc', 'prAuc', 'brier', 'precisionAt', 'recallAt', 'revenueAt']) assert.ok(k in ev, k);
    assert.deepEqual(Object.keys(ev.precisionAt as object), ['1', '2', '5', '10']);
    assert.equal(ev.rows, 4000);

    const out = join(dir, 'scores.csv');
    const s = await run('score', '--model', model, '--data', data, '--mapping', MAPPING, '--out', out, '--json');
    assert.equal(s.code, 0, s.stderr);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    assert.equal(lines[0], 'declaration_id,score,probability,reason_1,contribution_1,reason_2,contribution_2,reason_3,contribution_3');
    assert.equal(lines.length, 4001);
    assert.match(lines[1]!, /^D[A-Z]{4}\d{9},-?\d+\.\d{6},0\.\d{6},/);
  });

  it('refuses bad input with exit code 2 and a message that names it', async () => {
    const model = join(dir, 'never.json');
    const label = await run('train', '--data', data, '--mapping', MAPPING, '--label', 'fraudish', '--valid-from', '2025-10-01', '--out', model);
    assert.equal(label.code, 2);
    assert.match(label.stderr, /--label "fraudish" is not a label/);
    const empty = await run('train', '--data', data, '--mapping', MAPPING, '--label', 'illicit', '--valid-from', '2020-01-01', '--out', model);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /training period is empty/);
    const missing = await run('evaluate', '--model', join(dir, 'nope.json'), '--data', data, '--mapping', MAPPING);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read model .*no such file/);
  });
});
