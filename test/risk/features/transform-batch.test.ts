import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitPipeline, transform } from '../../../src/risk/features/pipeline.ts';
import { transformBatch } from '../../../src/risk/features/transform-batch.ts';
import { config, declarations } from './declarations.ts';

describe('batch transform', () => {
  it('makes the same matrix as transform, unseen categories, pairs and inherited names included', () => {
    const rows = declarations(600, 1);
    const labels = Float64Array.from(rows, (d, i) => (d.importer === 'A' || i % 7 === 0 ? 1 : 0));
    const { pipeline } = fitPipeline(rows, [{ name: 'illicit', values: labels }, { name: 'critical', values: labels.map((y, i) => y * (i % 2)) }], config);
    const later = [...declarations(400, 2), ...rows.slice(0, 50)];
    later.push({ ...later[0]!, importer: 'NEVER-SEEN', seller: 'toString', declarant: 'hasOwnProperty' });
    const copy = JSON.parse(JSON.stringify(pipeline));
    assert.deepStrictEqual(transformBatch(pipeline, later), transform(pipeline, later));
    assert.deepStrictEqual(transformBatch(copy, later), transform(pipeline, later));
    assert.deepStrictEqual(transformBatch(pipeline, []), transform(pipeline, []));
    // A few rows (a filing scored as it arrives) take another path.
    for (const d of [...later.slice(0, 20), later.at(-1)!]) assert.deepStrictEqual(transformBatch(pipeline, [d]), transform(pipeline, [d]));
    assert.deepStrictEqual(transformBatch(pipeline, later.slice(-3)), transform(pipeline, later.slice(-3)));
  });

  it('makes the same matrix as transform for crossings of plain keys, pair keys, attributes, mass and value', () => {
    const rows = declarations(600, 3);
    const labels = Float64Array.from(rows, (d, i) => (d.importer === 'A' || i % 5 === 0 ? 1 : 0));
    const crossed = { ...config, crossings: [['hs6', 'origin', 'export', 'attr:incoterm'], ['declarant×importer', 'office'], ['hs6', 'origin', 'attr:incoterm', 'mass', 'value']] };
    const { pipeline } = fitPipeline(rows, [{ name: 'illicit', values: labels }], crossed);
    const later = [...declarations(300, 4), ...rows.slice(0, 100)];
    const batch = transformBatch(pipeline, later);
    assert.deepStrictEqual(batch, transform(pipeline, later));
    for (const d of later.slice(0, 20)) assert.deepStrictEqual(transformBatch(pipeline, [d]), transform(pipeline, [d]));
    const crossing = batch.names.indexOf('risk:illicit:hs6×origin×export×attr:incoterm');
    assert.ok(crossing >= 0 && batch.columns[crossing]!.some((v) => v !== pipeline.priors[0]), 'the crossing should be profiled');
    const repeat = batch.names.indexOf('seen:hs6×origin×attr:incoterm×mass×value');
    assert.ok(repeat >= 0 && batch.columns[repeat]!.some((v) => v > 0), 'repeat consignments should be found');
  });
});
