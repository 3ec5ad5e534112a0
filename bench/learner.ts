/**
 * The tree learner alone against XGBoost (issue: Risk models), on the same feature matrix: the KCS
 * training period's features (out of fold) and the validation period's, built by the pipeline. Both
 * learners get the same settings (hist, 255 bins, leaf-wise with 31 leaves and depth 8, eta 0.1,
 * lambda 1, 300 rounds, no early stopping, two threads). Reports both training times and both
 * validation AUCs, medians of several runs. XGBoost is Debian's python3-xgboost under /usr/bin/python3;
 * the row is skipped, saying so, where it is not installed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadMapping } from '../src/app/intake/load-mapping.ts';
import { readLabelled } from '../src/app/models/read-labelled.ts';
import { attributeFeatures } from '../src/app/models/train-model.ts';
import { fitPipeline, transform } from '../src/risk/features/pipeline.ts';
import type { FeatureMatrix } from '../src/risk/gbdt/bins.ts';
import { trainBooster } from '../src/risk/gbdt/train.ts';
import { predictMargin } from '../src/risk/gbdt/tree.ts';
import { rocAuc } from '../src/risk/metrics.ts';
import { emit, machine, median, round } from './stats.ts';

const ROOT = resolve(import.meta.dirname, '..');
const TRAIN = resolve(ROOT, '../shared/data/kcs-synthetic/df_syn_train_eng.csv');
const PYTHON = '/usr/bin/python3';
const ROUNDS = 300;

const XGB = `
import sys, time, numpy as np, xgboost as xgb
d, rows, cols, vrows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
X = np.fromfile(d + '/X.bin', dtype=np.float64).reshape(cols, rows).T
y = np.fromfile(d + '/y.bin', dtype=np.float64)
V = np.fromfile(d + '/V.bin', dtype=np.float64).reshape(cols, vrows).T
dtrain = xgb.DMatrix(X, label=y, missing=np.nan)
dvalid = xgb.DMatrix(V, missing=np.nan)
params = dict(objective='binary:logistic', tree_method='hist', max_bin=256, grow_policy='lossguide', max_leaves=31, max_depth=8,
              eta=0.1, reg_lambda=1.0, min_child_weight=1e-3, nthread=2, seed=7)
t = time.perf_counter()
b = xgb.train(params, dtrain, num_boost_round=${ROUNDS})
seconds = time.perf_counter() - t
b.predict(dvalid, output_margin=True).astype(np.float64).tofile(d + '/p.bin')
print(seconds)
`;

function write(file: string, m: FeatureMatrix): void {
  const out = new Float64Array(m.rows * m.columns.length);
  m.columns.forEach((c, j) => out.set(c, j * m.rows));
  writeFileSync(file, out);
}

export async function benchLearner(opts: { runs: number }): Promise<void> {
  if (!existsSync(TRAIN)) return emit({ bench: 'risk-learner-vs-xgboost', skipped: '../shared/data/kcs-synthetic not found' });
  const mapping = await loadMapping(join(ROOT, 'examples/mappings/kcs-synthetic.json'));
  const data = await readLabelled([TRAIN], mapping, 'illicit');
  const cut = '2020-11-01';
  const ti: number[] = [];
  const vi: number[] = [];
  data.declarations.forEach((d, i) => (d.filedAt < cut ? ti : vi).push(i));
  const y = Float64Array.from(ti, (i) => data.labels[i]!);
  const vy = Float64Array.from(vi, (i) => data.labels[i]!);
  const { pipeline, matrix } = fitPipeline(ti.map((i) => data.declarations[i]!), [{ name: 'illicit', values: y }], { folds: 5, seed: 7, smoothing: 20, attributes: attributeFeatures(mapping) });
  const valid = transform(pipeline, vi.map((i) => data.declarations[i]!));
  const params = { rounds: ROUNDS, learningRate: 0.1, maxLeaves: 31, maxDepth: 8, lambda: 1, minChildWeight: 1e-3, minDataInLeaf: 1, earlyStoppingRounds: 0, seed: 7 };
  const ours: number[] = [];
  let oursAuc = 0;
  for (let r = 0; r < opts.runs; r++) {
    const t = performance.now();
    const { booster } = trainBooster({ matrix, labels: y }, undefined, params);
    ours.push((performance.now() - t) / 1000);
    oursAuc = rocAuc(predictMargin(booster, valid), vy);
  }
  const result: Record<string, unknown> = {
    bench: 'risk-learner-vs-xgboost',
    rows: matrix.rows,
    features: matrix.columns.length,
    rounds: ROUNDS,
    portcullisSecondsMedian: round(median(ours)),
    portcullisAuc: round(oursAuc, 4),
  };
  const probe = existsSync(PYTHON) ? spawnSync(PYTHON, ['-c', 'import xgboost'], { encoding: 'utf8' }) : undefined;
  if (probe === undefined || probe.status !== 0) {
    emit({ ...result, xgboost: 'skipped: python3-xgboost is not installed (apt-get install python3-xgboost)', machine: machine() });
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-xgb-'));
  try {
    write(join(dir, 'X.bin'), matrix);
    writeFileSync(join(dir, 'y.bin'), y);
    write(join(dir, 'V.bin'), valid);
    const theirs: number[] = [];
    let theirAuc = 0;
    for (let r = 0; r < opts.runs; r++) {
      const run = spawnSync(PYTHON, ['-c', XGB, dir, String(matrix.rows), String(matrix.columns.length), String(valid.rows)], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`xgboost failed: ${run.stderr.slice(-400)}`);
      theirs.push(Number(run.stdout.trim()));
      const p = new Float64Array(readFileSync(join(dir, 'p.bin')).buffer.slice(0));
      theirAuc = rocAuc(p, vy);
    }
    const version = spawnSync(PYTHON, ['-c', 'import xgboost; print(xgboost.__version__)'], { encoding: 'utf8' }).stdout.trim();
    emit({ ...result, xgboostVersion: version, xgboostSecondsMedian: round(median(theirs)), xgboostAuc: round(theirAuc, 4), timeRatio: round(median(ours) / median(theirs), 2), machine: machine() });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

