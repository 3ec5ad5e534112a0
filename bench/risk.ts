/**
 * Risk model benchmarks (issue: Risk models), on the public KCS synthetic data in ../shared/data/kcs-synthetic.
 * - risk-train-kcs: `portcullis train --json` on the training file as a user runs it, in its own process,
 *   several times; the median wall time, the child's peak RSS (through /usr/bin/time when present) and
 *   the validation AUC it prints.
 * - risk-score-batch: features + trees for at least 200,000 declarations (the validation file repeated)
 *   on one core, with the model trained above; the reference path's rate beside it, and a check that
 *   both give the same numbers.
 * - risk-score-one: features + trees + explanation (TreeSHAP, top reasons) for one declaration at a
 *   time, median and p99 over 300 calls; the reference path's, interleaved.
 * Targets: training <= 5 s; batch >= 200,000 declarations/s; one declaration < 1 ms (p99).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { loadMapping } from '../src/app/intake/load-mapping.ts';
import { readModel, type ModelFile } from '../src/app/models/model-file.ts';
import { readLabelled } from '../src/app/models/read-labelled.ts';
import type { Declaration } from '../src/domain/declaration.ts';
import { transform } from '../src/risk/features/pipeline.ts';
import { transformBatch } from '../src/risk/features/transform-batch.ts';
import { predictMarginFast } from '../src/risk/gbdt/forest.ts';
import { explainRecursive } from '../src/risk/gbdt/shap-recursive.ts';
import { explain, topReasons } from '../src/risk/gbdt/shap.ts';
import { predictMargin } from '../src/risk/gbdt/tree.ts';
import { scoreDeclarations } from '../src/risk/scoring/score-batch.ts';
import { emit, machine, median, round } from './stats.ts';

const ROOT = resolve(import.meta.dirname, '..');
const KCS = resolve(ROOT, '../shared/data/kcs-synthetic');
const TRAIN = join(KCS, 'df_syn_train_eng.csv');
const VALID = join(KCS, 'df_syn_valid_eng.csv');
const MAPPING = join(ROOT, 'examples/mappings/kcs-synthetic.json');
const TIME = '/usr/bin/time';
const BATCH_ROWS = 200_000;
const ONE_WARMUP = 50;
const ONE_CALLS = 300;

type Model = Pick<ModelFile, 'pipeline' | 'booster'>;

export async function benchRisk(opts: { runs: number }): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-bench-risk-'));
  try {
    const skip = (skipped: string) => {
      emit({ bench: 'risk-score-batch', skipped });
      emit({ bench: 'risk-score-one', skipped });
    };
    const model = benchTrain(opts.runs, join(dir, 'm.json'));
    if (model === undefined) return skip('no model: risk-train-kcs was skipped');
    const noValid = missing(VALID);
    if (noValid !== undefined) return skip(noValid);
    const m = await readModel(model);
    const { declarations } = await readLabelled([VALID], await loadMapping(MAPPING), undefined);
    if (declarations.length === 0) return skip(`no valid declarations in ${basename(VALID)}`);
    benchBatch(opts.runs, declarations, m);
    benchOne(declarations, m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Why a KCS file cannot be used, or undefined when it is there. */
function missing(file: string): string | undefined {
  if (!existsSync(KCS)) return '../shared/data/kcs-synthetic not found';
  if (!existsSync(file)) return `../shared/data/kcs-synthetic/${basename(file)} not found`;
  return undefined;
}

/** Trains `runs` times in a child process; returns the model file written, or undefined if skipped. */
function benchTrain(runs: number, out: string): string | undefined {
  const skipped = missing(TRAIN);
  if (skipped !== undefined) {
    emit({ bench: 'risk-train-kcs', skipped });
    return undefined;
  }
  const args = ['train', '--data', TRAIN, '--mapping', MAPPING, '--label', 'illicit', '--valid-from', '2020-11-01', '--seed', '7', '--out', out, '--json'];
  const cli = join(ROOT, 'bin/portcullis');
  const timed = existsSync(TIME);
  const rssFile = `${out}.rss`;
  const results = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = timed
      ? spawnSync(TIME, ['-f', '%M', '-o', rssFile, cli, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 20 })
      : spawnSync(cli, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 20 });
    const seconds = (performance.now() - t) / 1000;
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`portcullis train exited with ${r.status ?? r.signal}: ${r.stderr.trim().split('\n').slice(-5).join('\n')}`);
    const printed = JSON.parse(r.stdout.trim().split('\n').pop()!) as { rows: { train: number; valid: number }; rounds: number; validation: { auc: number } };
    // GNU time writes max RSS in KiB on the file's last line.
    const peakRssMB = timed ? Math.round(Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024) : undefined;
    results.push({ seconds, peakRssMB, printed });
  }
  const secondsMedian = median(results.map((r) => r.seconds));
  const last = results.at(-1)!.printed;
  const target = { maxSeconds: 5 };
  emit({
    bench: 'risk-train-kcs',
    rows: last.rows,
    rounds: last.rounds,
    runs: results.length,
    secondsMedian: round(secondsMedian),
    secondsAll: results.map((r) => round(r.seconds)),
    ...(timed ? { peakRssMBMax: Math.max(...results.map((r) => r.peakRssMB!)) } : {}),
    validationAuc: round(last.validation.auc, 4),
    target,
    meetsTarget: secondsMedian <= target.maxSeconds,
    machine: machine(),
  });
  return out;
}

/**
 * Features + trees for the validation declarations repeated up to at least BATCH_ROWS, in one call
 * each: the product's path (scoreDeclarations), and interleaved with it in the same process the
 * reference path (transform, then predictMargin) that it must equal.
 */
function benchBatch(runs: number, declarations: readonly Declaration[], m: Model): void {
  const copies = Math.ceil(BATCH_ROWS / declarations.length);
  const rows = Array.from({ length: copies }, () => declarations).flat();
  const warm = rows.slice(0, 10_000);
  scoreDeclarations(m.pipeline, m.booster, warm);
  predictMargin(m.booster, transform(m.pipeline, warm));
  const seconds: number[] = [];
  const cpuSeconds: number[] = [];
  const reference: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const cpu = process.cpuUsage();
    const margin = scoreDeclarations(m.pipeline, m.booster, rows);
    const used = process.cpuUsage(cpu);
    seconds.push((performance.now() - t) / 1000);
    cpuSeconds.push((used.user + used.system) / 1e6);
    if (margin.length !== rows.length) throw new Error(`scored ${margin.length} of ${rows.length} declarations`);
    const t1 = performance.now();
    const want = predictMargin(m.booster, transform(m.pipeline, rows));
    reference.push((performance.now() - t1) / 1000);
    for (let r = 0; r < rows.length; r++) if (want[r] !== margin[r]) throw new Error(`row ${r}: ${margin[r]} where the reference path gives ${want[r]}`);
  }
  const perSecond = seconds.map((s) => Math.round(rows.length / s));
  const target = { minDeclarationsPerSecond: 200_000 };
  emit({
    bench: 'risk-score-batch',
    declarations: rows.length,
    distinct: declarations.length,
    runs: seconds.length,
    secondsMedian: round(median(seconds)),
    declarationsPerSecondMedian: median(perSecond),
    declarationsPerSecondAll: perSecond,
    // On a shared machine wall time counts other processes' turns too; CPU time does not.
    declarationsPerCpuSecondMedian: Math.round(rows.length / median(cpuSeconds)),
    referenceDeclarationsPerSecondMedian: Math.round(rows.length / median(reference)),
    target,
    meetsTarget: median(perSecond) >= target.minDeclarationsPerSecond,
    machine: machine(),
  });
}

/**
 * Features, trees and explanation for one declaration per call, cycling through the validation
 * declarations; the reference path (transform, predictMargin, the recursive TreeSHAP) interleaved.
 */
function benchOne(declarations: readonly Declaration[], m: Model): void {
  // As a filing is scored: its features, its score, and its explanation (TreeSHAP) with top reasons.
  const score = (rows: readonly Declaration[]) => {
    const matrix = transformBatch(m.pipeline, rows);
    const margin = predictMarginFast(m.booster, matrix);
    const e = explain(m.booster, (f) => matrix.columns[f]![0]!);
    // The sink takes the top reason too, so that the explanation's work cannot be skipped.
    return margin[0]! + (topReasons(e, matrix.names)[0]?.contribution ?? 0);
  };
  const scoreReference = (rows: readonly Declaration[]) => {
    const matrix = transform(m.pipeline, rows);
    const margin = predictMargin(m.booster, matrix);
    const e = explainRecursive(m.booster, (f) => matrix.columns[f]![0]!);
    return margin[0]! + (topReasons(e, matrix.names)[0]?.contribution ?? 0);
  };
  let sink = 0;
  for (let i = 0; i < ONE_WARMUP; i++) sink += score([declarations[i % declarations.length]!]) + scoreReference([declarations[i % declarations.length]!]);
  const ms = new Float64Array(ONE_CALLS);
  const referenceMs = new Float64Array(ONE_CALLS);
  for (let i = 0; i < ONE_CALLS; i++) {
    const d = declarations[i % declarations.length]!;
    const t = performance.now();
    sink += score([d]);
    ms[i] = performance.now() - t;
    const t1 = performance.now();
    sink += scoreReference([d]);
    referenceMs[i] = performance.now() - t1;
  }
  if (Number.isNaN(sink)) throw new Error('a score was NaN');
  const sorted = Array.from(ms).sort((a, b) => a - b);
  const p99 = sorted[Math.ceil(0.99 * sorted.length) - 1]!;
  const reference = Array.from(referenceMs).sort((a, b) => a - b);
  const target = { maxP99Ms: 1 };
  emit({
    bench: 'risk-score-one',
    calls: ONE_CALLS,
    warmup: ONE_WARMUP,
    trees: m.booster.trees.length,
    msMedian: round(median(sorted), 4),
    msP99: round(p99, 4),
    msMax: round(sorted.at(-1)!, 4),
    referenceMsMedian: round(median(reference), 4),
    referenceMsP99: round(reference[Math.ceil(0.99 * reference.length) - 1]!, 4),
    target,
    meetsTarget: p99 < target.maxP99Ms,
    machine: machine(),
  });
}

