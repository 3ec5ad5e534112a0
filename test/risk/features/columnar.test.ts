import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Declaration } from '../../../src/domain/declaration.ts';
import { FeatureRows } from '../../../src/risk/features/columnar.ts';
import { fitPipeline, transform, type PipelineConfig } from '../../../src/risk/features/pipeline.ts';
import { SeededRandom } from '../../../src/risk/random.ts';

/** Declarations with repeated parties, HS codes and origins, missing masses and attributes, and a label that depends on them. */
function declarations(n: number, seed: number) {
  const rng = new SeededRandom(seed);
  const pick = (xs: readonly string[]) => xs[rng.int(xs.length)]!;
  const rows: Declaration[] = [];
  for (let i = 0; i < n; i++) {
    const importer = `IMP${rng.int(40)}`;
    const hs = pick(['847130', '847150', '610910', '940360', '030617']);
    rows.push({
      id: `D${i}`,
      filedAt: '2025-01-01T00:00:00.000Z',
      customsOffice: pick(['NL000396', 'NL000510', 'toString']),
      importer,
      declarant: rng.next() < 0.2 ? undefined : `DEC${rng.int(10)}`,
      containers: [],
      items: [{ sequence: 1, hsCode: hs, originCountry: rng.next() < 0.1 ? undefined : pick(['CN', 'VN', 'DE']), netMassKg: rng.next() < 0.1 ? undefined : 1 + rng.int(500), customsValue: 100 + rng.int(100_000), currency: 'EUR', taxRate: rng.int(12) }],
      attributes: { incoterm: pick(['FOB', 'CIF', '__proto__']), aeo: rng.next() < 0.1 ? '' : rng.int(3) },
    });
  }
  const illicit = Float64Array.from(rows, (d) => (d.importer < 'IMP1' || rng.next() < 0.1 ? 1 : 0));
  const critical = Float64Array.from(illicit, (y) => (y === 1 && rng.next() < 0.3 ? 1 : 0));
  return { rows, illicit, critical };
}

const config: PipelineConfig = {
  folds: 4,
  seed: 3,
  smoothing: 5,
  attributes: [{ name: 'incoterm', kind: 'categorical' }, { name: 'aeo', kind: 'numeric' }],
  crossings: [['hs6', 'origin', 'attr:incoterm'], ['hs6', 'origin', 'mass', 'value']],
};

describe('columnar feature pipeline', () => {
  it('fits the same pipeline and computes the same features as fitPipeline and transform', () => {
    const { rows, illicit, critical } = declarations(3000, 7);
    // Rows 0..1999 train (every other one of the last thousand too), the rest are later rows.
    const train = Int32Array.from({ length: 3000 }, (_, i) => i).filter((i) => i < 2000 || i % 2 === 0);
    const later = Int32Array.from({ length: 3000 }, (_, i) => i).filter((i) => i >= 2000 && i % 2 === 1);
    const targets = [
      { name: 'illicit', values: Float64Array.from(train, (i) => illicit[i]!) },
      { name: 'critical', values: Float64Array.from(train, (i) => critical[i]!) },
    ];
    const expected = fitPipeline(Array.from(train, (i) => rows[i]!), targets, config);
    const expectedLater = transform(expected.pipeline, Array.from(later, (i) => rows[i]!));

    const builder = new FeatureRows(config);
    for (const d of rows) builder.add(d);
    const got = builder.fit(train, targets);
    assert.equal(JSON.stringify(got.pipeline), JSON.stringify(expected.pipeline));
    expected.matrix.columns.forEach((c, f) => assert.deepEqual(got.matrix.column(f), c, `training feature ${expected.matrix.names[f]}`));
    const gotLater = got.transform(later);
    expectedLater.columns.forEach((c, f) => assert.deepEqual(gotLater.columns[f], c, `later feature ${expectedLater.names[f]}`));
  });
});
