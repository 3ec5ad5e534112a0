import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Declaration, type DeclarationInput } from '../../../src/domain/declaration.ts';
import { fitPipeline, valuesOf } from '../../../src/risk/features/pipeline.ts';
import { FACTS, factsOf } from '../../../src/risk/rules/facts.ts';
import { config, declarations } from '../features/declarations.ts';

const input: DeclarationInput = {
  id: 'D1',
  filedAt: '2025-03-01T10:00:00Z',
  customsOffice: 'NL000396',
  importer: 'IMP-1',
  declarant: 'DEC-1',
  exportCountry: 'CN',
  modeOfTransport: '1',
  portOfLoading: 'CNSHA',
  portOfDischarge: 'NLRTM',
  containers: ['CSQU3054383'],
  items: [
    { sequence: 1, hsCode: '8471300000', originCountry: 'VN', netMassKg: 100, customsValue: 500, currency: 'EUR', duty: 10 },
    { sequence: 2, hsCode: '61091000', originCountry: 'CN', netMassKg: 20, customsValue: 2000, currency: 'EUR', taxRate: 12, duty: 240 },
    { sequence: 3, hsCode: '850440', customsValue: 2000, currency: 'EUR' },
  ],
  // As JSON.parse makes it: "__proto__" an attribute of its own.
  attributes: JSON.parse('{"incoterm": "FOB", "aeo": 1, "__proto__": "x", "flag": true}'),
};

describe('factsOf', () => {
  const d = Declaration.parse(input);

  it('reads the declaration and its main item (the first of the most valuable) without a model', () => {
    const f = factsOf(d, { probability: null });
    assert.deepEqual({ ...f, attr: { ...f.attr } }, {
      office: 'NL000396', importer: 'IMP-1', declarant: 'DEC-1', seller: null, courier: null, exportCountry: 'CN',
      originCountry: 'CN', hsCode: '61091000', hs2: '61', hs4: '6109', hs6: '610910', modeOfTransport: '1',
      portOfLoading: 'CNSHA', portOfDischarge: 'NLRTM', containerCount: 1, containers: 'CSQU3054383', itemCount: 3, customsValue: 4500, currency: 'EUR',
      netMassKg: 120, unitValue: 4500 / 120, taxRate: 12, duty: 250, unitValueRatio: null, importerSeen: null, newImporter: null, score: null, discrepancies: 0,
      attr: JSON.parse('{"incoterm": "FOB", "aeo": 1, "__proto__": "x", "flag": true}'),
    });
  });

  it('gives every fact of FACTS, and only those besides attr', () => {
    const f = factsOf(d, { probability: 0.25 });
    assert.deepEqual(Object.keys(f).sort(), [...FACTS.map((x) => x.name), 'attr'].sort());
    assert.equal(f.score, 0.25);
    assert.equal(factsOf(d, { probability: null, discrepancies: 3 }).discrepancies, 3);
  });

  it('keeps attributes in an object without a prototype', () => {
    const f = factsOf(d, { probability: null });
    assert.equal(Object.getPrototypeOf(f.attr), null);
    assert.equal(f.attr['__proto__'], 'x');
    assert.equal(f.attr['constructor'], undefined);
  });

  it('leaves mass, unit value, tax rate and duty unknown when no item states them', () => {
    const bare = Declaration.parse({ ...input, items: [{ sequence: 1, hsCode: '850440', customsValue: 10, currency: 'USD' }], attributes: {} });
    const f = factsOf(bare, { probability: null });
    assert.equal(f.netMassKg, null);
    assert.equal(f.unitValue, null);
    assert.equal(f.taxRate, null);
    assert.equal(f.duty, null);
    assert.equal(f.originCountry, null);
    assert.equal(f.currency, 'USD');
    const zero = factsOf(Declaration.parse({ ...input, items: [{ sequence: 1, hsCode: '850440', netMassKg: 0, customsValue: 10, currency: 'USD' }] }), { probability: null });
    assert.equal(zero.netMassKg, 0);
    assert.equal(zero.unitValue, null);
  });

  describe('with a pipeline', () => {
    const rows = declarations(300, 11);
    const labels = Float64Array.from(rows, (_, i) => (i % 7 === 0 ? 1 : 0));
    const { pipeline } = fitPipeline(rows, [{ name: 'illicit', values: labels }], config);

    it('divides the unit value by the median unit value of the HS6 in training (the pipeline’s log definition)', () => {
      let checked = 0;
      for (const row of rows.slice(0, 50)) {
        const f = factsOf(row, { pipeline, probability: 0.5 });
        const hs6 = f.hs6;
        const median = pipeline.medianUnitValue.hs6[hs6];
        const { logUnit } = valuesOf(row);
        if (median === undefined || Number.isNaN(logUnit)) {
          assert.equal(f.unitValueRatio, null);
          continue;
        }
        // By hand: customs value per kg over exp(median log unit value).
        const byHand = (f.customsValue / f.netMassKg! + 1e-9) / Math.exp(median);
        assert.ok(Math.abs(f.unitValueRatio! - byHand) <= 1e-12 * byHand, `${f.unitValueRatio} vs ${byHand}`);
        assert.ok(Math.abs(Math.log(f.unitValueRatio!) - (logUnit - median)) < 1e-12);
        checked += 1;
      }
      assert.ok(checked > 20);
    });

    it('counts the importer’s training declarations, also for importers named like Object members', () => {
      for (const importer of ['A', 'constructor', '__proto__', 'D|E']) {
        const row = rows.find((r) => r.importer === importer)!;
        const f = factsOf(row, { pipeline, probability: null });
        const expected = rows.filter((r) => r.importer === importer).length;
        assert.equal(f.importerSeen, expected, importer);
        assert.equal(f.newImporter, false);
      }
      for (const importer of ['never-seen', 'toString', 'hasOwnProperty']) {
        const f = factsOf({ ...rows[0]!, importer }, { pipeline, probability: null });
        assert.equal(f.importerSeen, 0, importer);
        assert.equal(f.newImporter, true);
      }
    });

    it('gives no ratio for an HS6 without a median', () => {
      const f = factsOf(Declaration.parse({ ...input, items: [{ sequence: 1, hsCode: '010121', netMassKg: 5, customsValue: 10, currency: 'EUR' }] }), { pipeline, probability: null });
      assert.equal(f.unitValueRatio, null);
      assert.equal(f.unitValue, 2);
    });
  });
});
