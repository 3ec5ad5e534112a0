import { PortcullisError } from '../../domain/errors.ts';
import { transformBatch } from '../../risk/features/transform-batch.ts';
import type { FeatureMatrix } from '../../risk/gbdt/bins.ts';
import { predictMarginFast } from '../../risk/gbdt/forest.ts';
import { sigmoid, type Booster } from '../../risk/gbdt/tree.ts';
import { evaluateScores, evaluationCurves, type EvaluationCurves, type ScoreEvaluation } from '../../risk/metrics.ts';
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

/** A model's margins of the rows, and each row's revenue where it was a true finding (elsewhere 0). */
function scoreRows(booster: Booster, matrix: FeatureMatrix, labels: Float64Array, revenue: Float64Array) {
  return { margin: predictMarginFast(booster, matrix), found: revenue.map((r, i) => (labels[i] === 1 ? r : 0)) };
}

/**
 * How well a model's scores of these rows rank and predict their labels (validation in training,
 * and evaluation). A row's revenue counts only where it was a true finding.
 */
export function measure(booster: Booster, matrix: FeatureMatrix, labels: Float64Array, revenue: Float64Array): ScoreEvaluation {
  const { margin, found } = scoreRows(booster, matrix, labels, revenue);
  return evaluateScores(margin, Float64Array.from(margin, sigmoid), labels, found);
}

/**
 * The measures and, for the charts, the curves (hits against inspection rate, ROC), from one
 * scoring of the rows. The curves stay out of {@link measure}, whose result training writes into
 * the model file.
 */
export function measureWithCurves(booster: Booster, matrix: FeatureMatrix, labels: Float64Array, revenue: Float64Array): ScoreEvaluation & { readonly curves: EvaluationCurves } {
  const { margin, found } = scoreRows(booster, matrix, labels, revenue);
  return { ...evaluateScores(margin, Float64Array.from(margin, sigmoid), labels, found), curves: evaluationCurves(margin, labels, { revenue: found }) };
}
