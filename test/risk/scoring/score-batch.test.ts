import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitPipeline, transform } from '../../../src/risk/features/pipeline.ts';
import { trainBooster } from '../../../src/risk/gbdt/train.ts';
import { predictMargin } from '../../../src/risk/gbdt/tree.ts';
import { scoreDeclarations } from '../../../src/risk/scoring/score-batch.ts';
import { config, declarations } from '../features/declarations.ts';

describe('scoring declarations in batches', () => {
  it('gives the numbers of transform then predictMargin, to the last bit', () => {
    const rows = declarations(2000, 5);
    const labels = Float64Array.from(rows, (d, i) => ((d.importer === 'B') !== (i % 5 === 0) ? 1 : 0));
    const { pipeline, matrix } = fitPipeline(rows, [{ name: 'illicit', values: labels }], config);
    for (const maxDepth of [4, 8]) {
      const { booster } = trainBooster({ matrix, labels }, undefined, { rounds: 40, maxDepth, maxLeaves: 31, minDataInLeaf: 5, seed: 1 });
      const later = declarations(1111, 6);
      assert.deepEqual(scoreDeclarations(pipeline, booster, later), predictMargin(booster, transform(pipeline, later)));
      assert.deepEqual(scoreDeclarations(pipeline, booster, later.slice(0, 1)), predictMargin(booster, transform(pipeline, later.slice(0, 1))));
    }
  });
});
