import type { Declaration } from '../../domain/declaration.ts';
import { FeatureRows } from '../../risk/features/columnar.ts';
import type { FittedPipeline } from '../../risk/features/pipeline.ts';
import { trainBooster, type TrainParams } from '../../risk/gbdt/train.ts';
import type { Booster } from '../../risk/gbdt/tree.ts';
import type { Mapping } from '../intake/mapping.ts';
import { pipelineConfig } from './train-model.ts';

/**
 * Settings for a model refitted often on the few rows whose outcome is known (the simulation's weekly
 * retraining on what was inspected): no validation set to stop on, so a fixed, modest number of
 * rounds, and smaller leaves, as such sets hold a few thousand rows.
 */
export const REFIT_PARAMS: Partial<TrainParams> = { rounds: 120, learningRate: 0.1, maxLeaves: 15, maxDepth: 6, minDataInLeaf: 10, lambda: 1, colSubsample: 0.8, earlyStoppingRounds: 0 };

/**
 * Fits the feature pipeline and the trees on declarations held in memory, with their labels (1/0),
 * and the labels' name. Undefined when the labels hold a single class, from which nothing can be learnt.
 */
export function fitDeclarations(declarations: readonly Declaration[], labels: ArrayLike<number>, o: { mapping: Mapping; label: string; seed: number; params?: Partial<TrainParams> }): { pipeline: FittedPipeline; booster: Booster } | undefined {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i]!;
  if (positives === 0 || positives === labels.length) return undefined;
  const features = new FeatureRows(pipelineConfig(o.mapping, o.seed));
  for (const d of declarations) features.add(d);
  const y = Float64Array.from(labels);
  const fitted = features.fit(Int32Array.from({ length: declarations.length }, (_, i) => i), [{ name: o.label, values: y }]);
  const { booster } = trainBooster({ matrix: fitted.matrix, labels: y }, undefined, { ...REFIT_PARAMS, ...o.params, seed: o.seed });
  return { pipeline: fitted.pipeline, booster };
}
