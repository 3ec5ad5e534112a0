import { randomUUID } from 'node:crypto';
import type { Declaration } from '../../domain/declaration.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { driftLevel, psi, type DriftLevel } from '../../risk/drift/psi.ts';
import { transformBatch } from '../../risk/features/transform-batch.ts';
import { predictMarginFast } from '../../risk/gbdt/forest.ts';
import { sigmoid, type Booster } from '../../risk/gbdt/tree.ts';
import { SeededRandom } from '../../risk/random.ts';
import { historyRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { raiseAlert } from './alerts.ts';
import { activeModel } from '../models/registry.ts';

/**
 * Drift: has the traffic moved away from what the model in force was trained on? The population
 * stability index of the model's main features (those its trees gain most from) and of its score,
 * recent declarations against those of the training period. Above the set level (0.25: a
 * significant shift) an alert is raised that recommends retraining.
 */
export interface DriftReport {
  readonly model: string;
  readonly reference: { readonly from: string; readonly to: string; readonly declarations: number };
  readonly recent: { readonly from: string; readonly to: string; readonly declarations: number };
  /**
   * The score's PSI, and its distributions over the bins the PSI was taken on (the reference's
   * deciles): the share of each period's declarations in each, for a chart. A bin's edges are
   * probabilities; null is an open end.
   */
  readonly score: { readonly psi: number; readonly level: DriftLevel; readonly bins: readonly DriftBin[] };
  readonly features: readonly { readonly feature: string; readonly psi: number; readonly level: DriftLevel }[];
  readonly threshold: number;
  readonly drifted: boolean;
  readonly recommendation: string;
  readonly alert: string | null;
}

export interface DriftBin {
  readonly from: number | null;
  readonly to: number | null;
  readonly reference: number;
  readonly recent: number;
}

export interface DriftOptions {
  readonly recentFrom: string;
  readonly recentTo: string;
  /** The reference period; by default the model's training period. */
  readonly referenceFrom?: string;
  readonly referenceTo?: string;
  readonly label?: string;
  /** PSI at or above which the traffic has drifted (default 0.25). */
  readonly threshold?: number;
  /** How many main features to watch (default 10). */
  readonly features?: number;
  readonly raiseAlert?: boolean;
}

/** At most this many declarations of a period are compared (a uniform sample of the rest). */
const SAMPLE = 50_000;

/** The features the trees gain most from, most first. */
export function mainFeatures(b: Booster, count: number): number[] {
  const gain = new Float64Array(b.featureCount);
  for (const t of b.trees) for (let n = 0; n < t.feature.length; n++) if (t.feature[n]! >= 0) gain[t.feature[n]!]! += t.gain[n]!;
  return Array.from(gain.keys()).filter((f) => gain[f]! > 0).sort((a, b) => gain[b]! - gain[a]! || a - b).slice(0, count);
}

function isoTime(field: string, s: string): string {
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new PortcullisError('INVALID_INPUT', `${field} "${s}" is not a date`, [{ field, problem: `"${s}"`, expected: 'an ISO 8601 date' }]);
  return new Date(t).toISOString();
}

async function sample(app: AppContext, from: string, to: string, seed: number): Promise<{ rows: Declaration[]; seen: number }> {
  const rows: Declaration[] = [];
  const random = new SeededRandom(seed);
  let seen = 0;
  for await (const page of historyRepo(app.store.db).history({ from, to })) {
    for (const r of page) {
      seen += 1;
      if (rows.length < SAMPLE) rows.push(r.declaration);
      else {
        const j = random.int(seen);
        if (j < SAMPLE) rows[j] = r.declaration;
      }
    }
  }
  return { rows, seen };
}

export async function driftReport(app: AppContext, o: DriftOptions): Promise<DriftReport> {
  const model = await activeModel(app, o.label ?? 'illicit');
  if (model === undefined) throw new PortcullisError('CONFLICT', 'no model is active: drift is measured against the training period of the model in force (portcullis models activate)');
  const trained = model.training.trainPeriod;
  const refFrom = isoTime('reference-from', o.referenceFrom ?? trained.from ?? '');
  // The training period's last filing is included.
  const refTo = o.referenceTo !== undefined ? isoTime('reference-to', o.referenceTo) : new Date(Date.parse(trained.to ?? '') + 1).toISOString();
  const recentFrom = isoTime('from', o.recentFrom);
  const recentTo = isoTime('to', o.recentTo);
  const reference = await sample(app, refFrom, refTo, 1);
  const recent = await sample(app, recentFrom, recentTo, 2);
  if (reference.rows.length === 0) throw new PortcullisError('CONFLICT', `the store holds no declaration filed in the reference period ${refFrom} to ${refTo} (the model's training period unless --reference-from/--reference-to say otherwise)`);
  if (recent.rows.length === 0) throw new PortcullisError('INVALID_INPUT', `no declaration was filed from ${recentFrom} to ${recentTo}`, [{ field: 'from', problem: 'an empty period', expected: 'a period with declarations' }]);
  const a = transformBatch(model.pipeline, reference.rows);
  const b = transformBatch(model.pipeline, recent.rows);
  const features = mainFeatures(model.booster, o.features ?? 10).map((f) => {
    const p = psi(a.columns[f]!, b.columns[f]!).psi;
    return { feature: a.names[f]!, psi: p, level: driftLevel(p) };
  });
  const scoreA = Float64Array.from(predictMarginFast(model.booster, a), sigmoid);
  const scoreB = Float64Array.from(predictMarginFast(model.booster, b), sigmoid);
  const { psi: scorePsi, bins: scoreBins } = psi(scoreA, scoreB);
  const threshold = o.threshold ?? 0.25;
  const worst = features.reduce((m, f) => Math.max(m, f.psi), scorePsi);
  const drifted = worst >= threshold;
  const moved = features.filter((f) => f.psi >= threshold).map((f) => f.feature);
  const recommendation = drifted
    ? `retrain: ${scorePsi >= threshold ? `the score's distribution moved (PSI ${scorePsi.toFixed(3)})` : 'the score held'}${moved.length > 0 ? `; moved: ${moved.join(', ')}` : ''}`
    : 'none: the traffic is as the model was trained on';
  let alert: string | null = null;
  if (drifted && o.raiseAlert) {
    alert = randomUUID();
    await raiseAlert(app, {
      id: alert, kind: 'drift', subject: model.contentHash, severity: scorePsi >= threshold ? 'critical' : 'warning', status: 'open', raisedAt: app.clock().toISOString(),
      message: `traffic from ${o.recentFrom} to ${o.recentTo} drifted from the model's training period (largest PSI ${worst.toFixed(3)}): ${recommendation}`,
      detail: { score: scorePsi, features, threshold },
    });
  }
  return {
    model: model.contentHash,
    reference: { from: refFrom, to: refTo, declarations: reference.seen },
    recent: { from: recentFrom, to: recentTo, declarations: recent.seen },
    // A score is never missing, so no bin is the missing values' (NaN edges); open ends go as null, which JSON can carry.
    score: { psi: scorePsi, level: driftLevel(scorePsi), bins: scoreBins.map((b) => ({ from: Number.isFinite(b.from) ? b.from : null, to: Number.isFinite(b.to) ? b.to : null, reference: b.reference, recent: b.recent })) },
    features, threshold, drifted, recommendation, alert,
  };
}
