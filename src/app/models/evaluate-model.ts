import { PortcullisError } from '../../domain/errors.ts';
import { transformBatch } from '../../risk/features/transform-batch.ts';
import type { FeatureMatrix } from '../../risk/gbdt/bins.ts';
import { predictMarginFast } from '../../risk/gbdt/forest.ts';
import { sigmoid, type Booster } from '../../risk/gbdt/tree.ts';
import { evaluateScores, type ScoreEvaluation } from '../../risk/metrics.ts';
import type { Mapping } from '../intake/mapping.ts';
import type { ModelFile } from './model-file.ts';
import { readLabelled, type LabelName } from './read-labelled.ts';

export interface Evaluation extends ScoreEvaluation {
  readonly label: string;
  /** Rows of the files that could not be used (bad rows, or no label). */
  readonly skipped: number;
}

/** Scores labelled files with a model and measures how well the scores rank and predict. */
export async function evaluateModel(model: ModelFile, files: readonly string[], mapping: Mapping, onRead?: (rows: number, file: string) => void): Promise<Evaluation> {
  const label = model.training.label as LabelName;
  const data = await readLabelled(files, mapping, label, onRead);
  const keep: number[] = [];
  for (let i = 0; i < data.declarations.length; i++) if (!Number.isNaN(data.labels[i]!)) keep.push(i);
  if (keep.length === 0) throw new PortcullisError('INVALID_INPUT', `no row of the files has the "${label}" label: nothing to evaluate`);
  const matrix = transformBatch(model.pipeline, keep.map((i) => data.declarations[i]!));
  const e = measure(model.booster, matrix, Float64Array.from(keep, (i) => data.labels[i]!), Float64Array.from(keep, (i) => data.revenue[i]!));
  return { label, skipped: data.rows - keep.length, ...e };
}

/**
 * How well a model's scores of these rows rank and predict their labels (validation in training,
 * and evaluation). A row's revenue counts only where it was a true finding.
 */
export function measure(booster: Booster, matrix: FeatureMatrix, labels: Float64Array, revenue: Float64Array): ScoreEvaluation {
  const margin = predictMarginFast(booster, matrix);
  const found = revenue.map((r, i) => (labels[i] === 1 ? r : 0));
  return evaluateScores(margin, Float64Array.from(margin, sigmoid), labels, found);
}
