import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeGeneratedCsv } from '../../../src/app/generator/index.ts';
import { loadMapping } from '../../../src/app/intake/load-mapping.ts';
import type { Mapping } from '../../../src/app/intake/mapping.ts';
import { evaluateModel } from '../../../src/app/models/evaluate-model.ts';
import { parseModel, readModel, serializeModel, writeModel } from '../../../src/app/models/model-file.ts';
import { trainModel } from '../../../src/app/models/train-model.ts';
import { isPortcullisError } from '../../../src/domain/errors.ts';

describe('training and evaluating a model on generated declarations', () => {
  let dir: string;
  let data: string;
  let mapping: Mapping;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portcullis-train-'));
    data = join(dir, 'decl.csv');
    await writeGeneratedCsv(data, { rows: 6000, seed: 'train-test', start: '2025-01-01', days: 120 });
    mapping = await loadMapping(new URL('../../../examples/mappings/generated.json', import.meta.url).pathname);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const train = (o: { seed?: number; validFrom?: string; label?: 'illicit' | 'critical'; m?: Mapping } = {}) =>
    trainModel({ files: [data], mapping: o.m ?? mapping, mappingName: 'generated.json', label: o.label ?? 'illicit', validFrom: o.validFrom ?? '2025-04-01', seed: o.seed ?? 7, params: { rounds: 40 } });

  it('learns the planted fraud, writes a model file that round-trips, and evaluates it', async () => {
    const model = await train();
    assert.equal(model.training.label, 'illicit');
    assert.ok(model.training.rows.train > 3000 && model.training.rows.valid > 500);
    const v = model.training.validation as { auc: number };
    assert.ok(v.auc > 0.75, `validation AUC ${v.auc}`);
    const file = join(dir, 'm.json');
    const hash = await writeModel(file, model);
    const text = readFileSync(file, 'utf8');
    const back = await readModel(file);
    assert.equal(back.contentHash, hash);
    assert.equal(serializeModel(back), text);
    const e = await evaluateModel(back, [data], mapping);
    assert.equal(e.rows, 6000);
    assert.deepEqual(Object.keys(e.precisionAt), ['1', '2', '5', '10']);
    assert.ok(e.auc > 0.75 && e.prAuc > 0 && e.brier > 0 && e.brier < 0.25);
  });

  it('writes the same file when trained twice with the same seed', async () => {
    assert.equal(serializeModel(await train({ seed: 3 })), serializeModel(await train({ seed: 3 })));
  });

  it('trains the same model in a thread of its own, reporting each round as it goes, while this thread keeps running', async () => {
    const rounds: number[] = [];
    // Ticks of a timer of this thread, counted when each round is reported.
    let ticks = 0;
    const ticksAt: number[] = [];
    const ticker = setInterval(() => (ticks += 1), 2);
    const threaded = await trainModel({ files: [data], mapping, mappingName: 'generated.json', label: 'illicit', validFrom: '2025-04-01', seed: 3, params: { rounds: 40 }, inThread: true, onRound: (r) => { rounds.push(r.round); ticksAt.push(ticks); } });
    clearInterval(ticker);
    assert.equal(serializeModel(threaded), serializeModel(await train({ seed: 3 })));
    assert.deepEqual(rounds, Array.from({ length: rounds.length }, (_, i) => i + 1));
    assert.ok(rounds.length >= threaded.training.rounds);
    // The timer ran between the first round and the last (trained in this thread, the rounds would all be reported within one turn of its loop).
    assert.ok(ticksAt.at(-1)! > ticksAt[0]!, `ticks at the rounds: ${ticksAt.join(' ')}`);
  });

  it('refuses a model file that was changed after training', async () => {
    const text = serializeModel(await train());
    const tampered = JSON.parse(text);
    tampered.booster.baseScore += 0.5;
    assert.throws(() => parseModel(JSON.stringify(tampered), 'm.json'), /content hash does not match/);
    assert.throws(() => parseModel('{"format":"other"}', 'm.json'), /not a Portcullis model file/);
  });

  it('says clearly what is wrong with the input', async () => {
    const expectError = async (p: Promise<unknown>, re: RegExp) => {
      await assert.rejects(p, (e: unknown) => isPortcullisError(e) && re.test(e.message));
    };
    await expectError(train({ m: { ...mapping, labels: {} } as Mapping }), /no "illicit" label column/);
    await expectError(train({ validFrom: '2024-01-01' }), /training period is empty/);
    await expectError(train({ validFrom: '2030-01-01' }), /nothing to validate on/);
    await expectError(train({ validFrom: 'soon' }), /is not a date/);
    const kcs = await loadMapping(new URL('../../../examples/mappings/kcs-synthetic.json', import.meta.url).pathname);
    await expectError(train({ m: kcs }), /the mapping names column "Declaration ID", which the header does not have/);
    // Columns that exist but hold nothing the mapping can read: every row rejected.
    const wrongDates = { ...mapping, fields: { ...mapping.fields, filedAt: { ...mapping.fields.filedAt!, format: "DD.MM.YYYY" } } } as Mapping;
    await expectError(train({ m: wrongDates }), /none of the 6000 rows could be read through the mapping/);
    // A label that is never "yes": one class only.
    const zeroed = { ...mapping, labels: { ...mapping.labels, illicit: { ...mapping.labels.illicit!, equals: 'never' } } } as Mapping;
    await expectError(train({ m: zeroed }), /single class/);
  });
});
