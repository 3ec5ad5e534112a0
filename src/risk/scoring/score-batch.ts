import type { Declaration } from '../../domain/declaration.ts';
import type { FittedPipeline } from '../features/pipeline.ts';
import { encodeKeys, encodingTables, batchValueFiller, transformBatch } from '../features/transform-batch.ts';
import type { FeatureMatrix } from '../gbdt/bins.ts';
import { binOf, compileForest, putBin, scoreBlock, type Forest } from '../gbdt/forest.ts';
import { predictMargin, type Booster } from '../gbdt/tree.ts';

/**
 * The log-odds of many declarations: features and trees in one pass, block by block, without the
 * feature matrix in between. A risk profile's value depends on its category only, so its bin does
 * too: each category's bins are worked out once per model, and a row's profiles are copied bytes.
 * Only the numeric features are put in bins row by row. The numbers are predictMargin's of
 * transform's matrix, to the last bit.
 */
export function scoreDeclarations(pipeline: FittedPipeline, booster: Booster, rows: readonly Declaration[]): Float64Array {
  if (pipeline.names.length !== booster.featureCount) throw new RangeError(`the pipeline makes ${pipeline.names.length} features, the model takes ${booster.featureCount}`);
  const forest = compileForest(booster);
  if (forest === undefined) return predictMargin(booster, transformBatch(pipeline, rows));
  const { keys: K, targets: T } = encodingTables(pipeline);
  const bins = categoryBins(pipeline, forest);
  const W = T + 1;
  const codes = encodeKeys(pipeline, rows);
  const F = booster.featureCount;
  const E = (T + 1) * K; // encoded columns; the numeric ones follow
  const { stride, block } = forest;
  // The numeric features of a block, as fillValues writes them.
  const numeric: FeatureMatrix = { rows: block, names: pipeline.names, columns: pipeline.names.map((_, f) => new Float64Array(f < E ? 0 : block)) };
  const fillValues = batchValueFiller(pipeline, codes);
  const out = new Float64Array(rows.length);
  for (let from = 0; from < rows.length; from += block) {
    const n = Math.min(block, rows.length - from);
    for (let r = 0; r < n; r++) {
      const o = r * stride;
      const c0 = (from + r) * K;
      for (let j = 0; j < K; j++) {
        const table = bins[j]!;
        const at = codes[c0 + j]! * W;
        for (let t = 0; t < W; t++) putBin(forest.bins, o + t * K + j, F, table[at + t]!);
      }
      fillValues(rows[from + r]!, from + r, numeric.columns, r, E);
    }
    for (let f = E; f < F; f++) {
      const col = numeric.columns[f]!;
      const cuts = forest.cuts[f]!;
      for (let r = 0; r < n; r++) putBin(forest.bins, r * stride + f, F, binOf(cuts, col[r]!));
    }
    scoreBlock(forest, n, out, from);
  }
  return out;
}

const BINS = new WeakMap<Forest, WeakMap<FittedPipeline, Uint8Array[]>>();

/** Per key, the bins of each category's values: T + 1 bytes per category (risk per target, then seen). */
function categoryBins(p: FittedPipeline, forest: Forest): Uint8Array[] {
  let byPipeline = BINS.get(forest);
  if (byPipeline === undefined) BINS.set(forest, (byPipeline = new WeakMap()));
  let bins = byPipeline.get(p);
  if (bins === undefined) {
    const { keys: K, targets: T, values } = encodingTables(p);
    bins = Array.from({ length: K }, (_, j) => {
      const categories = values[j]!.length;
      const out = new Uint8Array(categories * (T + 1));
      for (let t = 0; t <= T; t++) for (let c = 0; c < categories; c++) out[c * (T + 1) + t] = binOf(forest.cuts[t * K + j]!, values[t * K + j]![c]!);
      return out;
    });
    byPipeline.set(p, bins);
  }
  return bins;
}
