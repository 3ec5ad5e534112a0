import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelViews, modelViewsOn } from '../../../src/risk/decision/decide.ts';
import { fitPipeline } from '../../../src/risk/features/pipeline.ts';
import { ExplainThread } from '../../../src/risk/gbdt/explain-thread.ts';
import { trainBooster } from '../../../src/risk/gbdt/train.ts';
import { config, declarations } from '../features/declarations.ts';

describe('explanations on a thread of their own', () => {
  it('give exactly the views of the in-thread explanation, batch after batch, and a closed thread refuses more', async () => {
    const rows = declarations(1500, 7);
    const labels = Float64Array.from(rows, (d, i) => ((d.importer === 'B') !== (i % 7 === 0) ? 1 : 0));
    const { pipeline, matrix } = fitPipeline(rows, [{ name: 'illicit', values: labels }], config);
    const { booster } = trainBooster({ matrix, labels }, undefined, { rounds: 30, maxDepth: 6, maxLeaves: 31, minDataInLeaf: 5, seed: 3 });
    const model = { id: 'm', pipeline, booster };
    const thread = new ExplainThread(booster);
    try {
      const later = declarations(300, 8);
      // Several batches asked at once are answered each with its own rows.
      const [a, b, c] = await Promise.all([modelViewsOn(thread, model, later.slice(0, 1)), modelViewsOn(thread, model, later.slice(1, 200)), modelViewsOn(thread, model, later.slice(200), 5)]);
      assert.deepEqual(a, modelViews(model, later.slice(0, 1)));
      assert.deepEqual(b, modelViews(model, later.slice(1, 200)));
      assert.deepEqual(c, modelViews(model, later.slice(200), 5));
      assert.ok(b.some((v) => v.reasons.length > 0), 'some declaration has a reason');
      assert.deepEqual(await modelViewsOn(thread, model, []), []);
    } finally {
      await thread.close();
    }
    await assert.rejects(modelViewsOn(thread, model, declarations(2, 9)), /closed/);
  });
});
