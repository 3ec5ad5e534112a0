import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Declaration } from '../../domain/declaration.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { transformBatch } from '../../risk/features/transform-batch.ts';
import type { EvaluationCurves, ScoreEvaluation } from '../../risk/metrics.ts';
import { modelsRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { GENERATED_MAPPING } from '../demo/seed-demo.ts';
import { loadMapping } from '../intake/index.ts';
import { measureWithCurves } from './evaluate-model.ts';
import { parseModel, writeModel } from './model-file.ts';
import { revenueOf, type LabelName } from './read-labelled.ts';
import { registeredByJob, registerModel, type RegisteredModel } from './registry.ts';
import { storeLabelled } from './store-labelled.ts';
import { trainModel } from './train-model.ts';

/**
 * Models trained and evaluated on the store's own labelled declarations (officers' inspection
 * results, else the labels history came with), for the service: train and register (a background
 * job reports progress), evaluate a registered model on a period, compare two on the same period.
 */
export interface TrainRequest {
  readonly label: LabelName;
  readonly validFrom: string;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly seed?: number | undefined;
  /** A mapping file naming the attribute features; the generated data's mapping by default. */
  readonly mapping?: string | undefined;
  /**
   * The training job's key (src/app/jobs): the model is registered under it, and a run that finds a
   * model registered under it already (an earlier run of the job, whose instance died) returns that one.
   */
  readonly jobKey?: string | undefined;
}

export async function trainFromStore(app: AppContext, actor: string, r: TrainRequest, report: (progress: number, message: string) => void = () => {}): Promise<RegisteredModel> {
  if (r.jobKey !== undefined) {
    const done = await registeredByJob(app, r.jobKey);
    if (done !== undefined) {
      report(0.97, 'registered by an earlier run of this job');
      return done;
    }
  }
  const mappingName = r.mapping ?? GENERATED_MAPPING;
  const mapping = await loadMapping(mappingName);
  report(0.02, 'reading labelled declarations');
  const model = await trainModel({
    files: [],
    source: storeLabelled(app, { from: r.from, to: r.to }),
    mapping,
    mappingName,
    label: r.label,
    validFrom: r.validFrom,
    seed: r.seed ?? 1,
    inThread: true,
    onRead: (n) => report(0.05, `read ${n} declarations`),
    onRound: (x) => report(0.1 + 0.85 * Math.min(1, x.round / 250), `round ${x.round}, training loss ${x.trainLoss.toFixed(4)}`),
  });
  report(0.97, `trained on ${model.training.rows.train} declarations, validated on ${model.training.rows.valid}; registering`);
  const dir = join(app.config.dataDir, 'models');
  mkdirSync(dir, { recursive: true });
  // A job's file is named after the job: a second run writes the same file, not a second one.
  const file = join(dir, r.jobKey === undefined ? `model-${r.label}-${app.clock().toISOString().replace(/[:.]/g, '-')}.json` : `model-${r.label}-${r.jobKey.replace(/[^\w-]/g, '-')}.json`);
  await writeModel(file, model);
  return registerModel(app, actor, file, r.jobKey === undefined ? {} : { jobKey: r.jobKey });
}

export interface StoredEvaluation extends ScoreEvaluation {
  readonly model: string;
  readonly label: string;
  readonly period: { readonly from: string | null; readonly to: string | null };
  /** For the charts: precision, recall and revenue share against inspection rate, and the ROC curve. */
  readonly curves: EvaluationCurves;
}

async function labelled(app: AppContext, label: LabelName, period: { from?: string | undefined; to?: string | undefined }) {
  const declarations: Declaration[] = [];
  const labels: number[] = [];
  const revenue: number[] = [];
  await storeLabelled(app, period).each((d, l) => {
    const y = l[label];
    if (y === undefined) return;
    declarations.push(d);
    labels.push(y ? 1 : 0);
    revenue.push(revenueOf(d, l));
  });
  return { declarations, labels: Float64Array.from(labels), revenue: Float64Array.from(revenue) };
}

async function modelBody(app: AppContext, id: string) {
  const m = await modelsRepo(app.store.db).get(id);
  if (m === undefined) throw new PortcullisError('NOT_FOUND', `no registered model "${id}"`, [{ field: 'id', problem: 'not found', expected: 'the id (content hash) of a registered model' }]);
  return parseModel(m.body, `model ${id}`);
}

export async function evaluateStored(app: AppContext, id: string, period: { from?: string | undefined; to?: string | undefined }): Promise<StoredEvaluation> {
  const model = await modelBody(app, id);
  const label = model.training.label as LabelName;
  const data = await labelled(app, label, period);
  if (data.declarations.length === 0) throw new PortcullisError('INVALID_INPUT', `no labelled declaration in the period: nothing to evaluate`, [{ field: 'from', problem: 'no labelled declarations', expected: 'a period with inspected or labelled declarations' }]);
  const matrix = transformBatch(model.pipeline, data.declarations);
  return { ...measureWithCurves(model.booster, matrix, data.labels, data.revenue), model: id, label, period: { from: period.from ?? null, to: period.to ?? null } };
}

/** Two models on the same declarations: each one's measures. */
export async function compareStored(app: AppContext, a: string, b: string, period: { from?: string | undefined; to?: string | undefined }): Promise<{ a: StoredEvaluation; b: StoredEvaluation }> {
  return { a: await evaluateStored(app, a, period), b: await evaluateStored(app, b, period) };
}
