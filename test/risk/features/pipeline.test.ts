import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Declaration } from '../../../src/domain/declaration.ts';
import { fitPipeline, transform, type PipelineConfig } from '../../../src/risk/features/pipeline.ts';

const decl = (i: number, importer: string, o: Partial<Declaration> = {}): Declaration => ({
  id: `D${i}`,
  filedAt: '2025-01-01T00:00:00.000Z',
  customsOffice: 'NL000396',
  importer,
  containers: [],
  items: [{ sequence: 1, hsCode: '847130', originCountry: 'CN', netMassKg: 10, customsValue: 1000 + i, currency: 'EUR', taxRate: 5 }],
  attributes: { incoterm: i % 2 ? 'FOB' : 'CIF', aeo: i % 3 },
  ...o,
});

const config: PipelineConfig = { folds: 4, seed: 3, smoothing: 2, attributes: [{ name: 'incoterm', kind: 'categorical' }, { name: 'aeo', kind: 'numeric' }] };
const col = (names: readonly string[], name: string) => {
  const j = names.indexOf(name);
  assert.ok(j >= 0, `no feature ${name}`);
  return j;
};

describe('feature pipeline', () => {
  const rows = Array.from({ length: 200 }, (_, i) => decl(i, i % 2 === 0 ? 'BAD' : `GOOD${i % 10}`));
  const labels = Float64Array.from(rows, (d) => (d.importer === 'BAD' ? 1 : 0));

  it('encodes a training row without its own label (out of fold)', () => {
    const { matrix } = fitPipeline(rows, [{ name: 'illicit', values: labels }], config);
    const j = col(matrix.names, 'risk:illicit:importer');
    const flipped = Float64Array.from(labels);
    flipped[0] = 1 - flipped[0]!;
    const again = fitPipeline(rows, [{ name: 'illicit', values: flipped }], config).matrix;
    assert.equal(again.columns[j]![0], matrix.columns[j]![0], "a row's own label moved its own encoding");
    // Other rows in other folds do see it.
    let moved = 0;
    for (let i = 1; i < rows.length; i++) if (again.columns[j]![i] !== matrix.columns[j]![i]) moved += 1;
    assert.ok(moved > 0);
    // And the encoding tells the risky importer apart.
    assert.ok(matrix.columns[j]![0]! > 0.8 && matrix.columns[j]![1]! < 0.3);
  });

  it('encodes later rows with every training row, and unseen categories with the prior', () => {
    const { pipeline } = fitPipeline(rows, [{ name: 'illicit', values: labels }], config);
    const m = transform(pipeline, [decl(900, 'BAD'), decl(901, 'NEVER-SEEN'), decl(902, 'constructor'), decl(903, '__proto__')]);
    const j = col(m.names, 'risk:illicit:importer');
    assert.ok(Math.abs(m.columns[j]![0]! - (100 + 2 * pipeline.priors[0]!) / (100 + 2)) < 1e-12);
    for (const r of [1, 2, 3]) assert.equal(m.columns[j]![r], pipeline.priors[0]!);
    assert.equal(m.columns[col(m.names, 'seen:importer')]![1], 0);
  });

  it('compares unit values with the usual one of the HS code, and keeps numeric attributes', () => {
    const { pipeline } = fitPipeline(rows, [{ name: 'illicit', values: labels }], config);
    const cheap = decl(950, 'BAD', { items: [{ sequence: 1, hsCode: '847130', originCountry: 'CN', netMassKg: 10, customsValue: 10, currency: 'EUR' }], attributes: { aeo: 2 } });
    const m = transform(pipeline, [cheap]);
    assert.ok(m.columns[col(m.names, 'unitValueVsHs6')]![0]! < -4, 'a hundredth of the usual unit value');
    assert.equal(m.columns[col(m.names, 'attr:aeo')]![0], 2);
    assert.ok(Number.isNaN(m.columns[col(m.names, 'taxRate')]![0]), 'no tax rate: missing, not 0');
  });

  it('gives every target its own risk profiles, the model label first', () => {
    const critical = Float64Array.from(rows, (d, i) => (d.importer === 'BAD' && i % 4 === 0 ? 1 : 0));
    const { pipeline, matrix } = fitPipeline(rows, [{ name: 'critical', values: critical }, { name: 'illicit', values: labels }], config);
    assert.deepEqual(pipeline.targets, ['critical', 'illicit']);
    assert.equal(matrix.names[0], 'risk:critical:importer');
    const c = col(matrix.names, 'risk:critical:importer');
    const i = col(matrix.names, 'risk:illicit:importer');
    assert.ok(matrix.columns[i]![0]! > matrix.columns[c]![0]!, 'half of the illicit filings of BAD are critical');
    assert.ok(Math.abs(pipeline.priors[0]! - 0.25) < 1e-12 && Math.abs(pipeline.priors[1]! - 0.5) < 1e-12);
  });

  it('profiles a crossing of keys as one key, out of fold, and refuses one that names no key', () => {
    const crossed: PipelineConfig = { ...config, crossings: [['hs6', 'origin', 'attr:incoterm']] };
    // Only FOB filings of BAD are illicit: the crossing sees what neither key sees alone.
    const fob = Float64Array.from(rows, (d) => (d.attributes['incoterm'] === 'FOB' && d.importer !== 'BAD' ? 1 : 0));
    const { pipeline, matrix } = fitPipeline(rows, [{ name: 'illicit', values: fob }], crossed);
    const j = col(matrix.names, 'risk:illicit:hs6×origin×attr:incoterm');
    col(matrix.names, 'seen:hs6×origin×attr:incoterm');
    assert.ok(Object.hasOwn(pipeline.encoders['hs6×origin×attr:incoterm']!, '847130|CN|FOB'));
    const m = transform(pipeline, [decl(1, 'X'), decl(2, 'X')]);
    assert.ok(m.columns[j]![0]! > 0.9 && m.columns[j]![1]! < 0.1, 'FOB against CIF on the same lane');
    const flipped = Float64Array.from(fob);
    flipped[1] = 1 - flipped[1]!;
    assert.equal(fitPipeline(rows, [{ name: 'illicit', values: flipped }], crossed).matrix.columns[j]![1], matrix.columns[j]![1], "a row's own label moved its own encoding");
    assert.throws(() => fitPipeline(rows, [{ name: 'illicit', values: fob }], { ...config, crossings: [['hs6', 'attr:nope']] }), /no key "attr:nope"/);
  });

  it('crosses keys with the declared mass and value: a repeat consignment', () => {
    const crossed: PipelineConfig = { ...config, crossings: [['hs6', 'origin', 'mass', 'value']] };
    // Rows of BAD declare 1000 a kg; the others each a value of their own.
    const repeats = rows.map((d) => (d.importer === 'BAD' ? { ...d, items: [{ ...d.items[0]!, customsValue: 1000 }] } : d));
    const { pipeline } = fitPipeline(repeats, [{ name: 'illicit', values: labels }], crossed);
    assert.deepEqual(pipeline.encoders['hs6×origin×mass×value']!['847130|CN|10|1000'], [100, 100]);
    const noMass = { ...rows[1]!, items: [{ ...rows[1]!.items[0]!, netMassKg: undefined }] };
    const m = transform(pipeline, [decl(970, 'NEW', { items: [{ ...rows[0]!.items[0]!, customsValue: 1000 }] }), decl(971, 'NEW'), noMass]);
    const j = col(m.names, 'risk:illicit:hs6×origin×mass×value');
    assert.ok(m.columns[j]![0]! > 0.95, 'a repeat of the risky consignment');
    assert.equal(m.columns[j]![1], pipeline.priors[0], 'a value never declared');
    assert.equal(m.columns[col(m.names, 'seen:hs6×origin×mass×value')]![2], 0, 'an unknown mass is a part of its own');
    assert.throws(() => fitPipeline(rows, [{ name: 'illicit', values: labels }], { ...config, crossings: [['hs6', 'weight']] }), /no key "weight"/);
  });

  it('survives a trip through JSON (the model file) unchanged in what it computes', () => {
    const { pipeline } = fitPipeline(rows, [{ name: 'illicit', values: labels }], config);
    const copy = JSON.parse(JSON.stringify(pipeline));
    const later = [decl(1, 'BAD'), decl(2, 'GOOD1'), decl(3, 'constructor')];
    assert.deepStrictEqual(transform(copy, later), transform(pipeline, later));
  });
});
