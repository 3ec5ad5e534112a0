import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir, type TempDir } from '../app/targeting/fixtures.ts';
import { lastJson, ROOT, runCli } from '../support/cli.ts';

const FIXTURES = join(ROOT, 'test/fixtures/exchange');

/** `portcullis exchange import` and `export-cusres` on a SQLite file (the command line run in this process: support/cli.ts). */
describe('portcullis exchange', () => {
  let tmp: TempDir;
  let env: Record<string, string>;
  before(() => {
    tmp = tempDir('exchange-cli');
    env = { PORTCULLIS_DB: tmp.path('p.db') };
  });
  after(() => tmp.cleanup());

  it('imports an interchange, names the rejected messages, and exports the lanes as CUSRES', async () => {
    const r = await runCli(env, 'exchange', 'import', '--format', 'cusdec', join(FIXTURES, 'cusdec-interchange.edi'), '--json');
    assert.equal(r.code, 0, r.stderr);
    const s = lastJson(r.stdout) as { accepted: number; rejected: number; files: { rejections: { reference: string; details: { field: string }[] }[] }[] };
    assert.deepEqual([s.accepted, s.rejected], [2, 2]);
    assert.deepEqual(s.files[0]!.rejections.map((x) => x.reference), ['M002', 'M003']);
    assert.match(s.files[0]!.rejections[0]!.details[0]!.field, /segment CST #\d+, element C246:7361/);

    const bad = await runCli(env, 'exchange', 'import', '--format', 'cuscar', join(FIXTURES, 'cusdec-interchange.edi'));
    assert.equal(bad.code, 2, 'nothing importable: a CUSDEC is no CUSCAR');
    assert.match(bad.stdout, /element S009:0065/);

    const out = tmp.path('cusres.edi');
    const e = await runCli(env, 'exchange', 'export-cusres', '--declaration', 'EX-DEC-0001', 'EX-DEC-0004', '--out', out);
    assert.equal(e.code, 0, e.stderr);
    const text = readFileSync(out, 'utf8');
    assert.equal(text.match(/^UNH\+/gm)?.length, 2);
    assert.match(text, /^BGM\+\+EX-DEC-0004\+9'$/m);
  });
});
