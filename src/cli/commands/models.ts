import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadMapping } from '../../app/intake/load-mapping.ts';
import { evaluateModel } from '../../app/models/evaluate-model.ts';
import { readModel, writeModel } from '../../app/models/model-file.ts';
import { scoreFile } from '../../app/models/score-file.ts';
import { trainModel, type LabelledSource } from '../../app/models/train-model.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { positiveInt } from '../options.ts';
import { runAction } from '../output.ts';
import { fmt, progressLine } from '../progress.ts';

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : String(x));

export function modelsCommands(program: Command): void {
  program
    .command('train')
    .description('train a risk model (features + gradient-boosted trees) on labelled declaration files')
    .option('--data <files...>', 'CSV or JSON Lines files with outcome labels')
    .option('--from-store', "the store's declarations instead of files, labelled by the officers' inspection results (else by the labels they came with)", false)
    .requiredOption('-m, --mapping <file>', 'mapping file (see docs/mapping.md): which attributes are features')
    .requiredOption('--label <label>', 'the outcome to predict: illicit or critical')
    .requiredOption('--valid-from <date>', 'rows filed from this date on validate and stop training early; earlier rows train')
    .requiredOption('--out <file>', 'where to write the model file')
    .option('--seed <n>', 'seed of folds and subsampling (same seed, same model file)', '1')
    .option('--json', 'print one JSON object summarising the result', false)
    .action((o: { data?: string[]; fromStore: boolean; mapping: string; label: string; validFrom: string; out: string; seed: string; json: boolean }) =>
      runAction(o.json, async (out) => {
        if ((o.data === undefined) === !o.fromStore) throw new PortcullisError('INVALID_INPUT', 'train on --data FILE... or --from-store, one of them', [{ field: 'data', problem: o.fromStore ? 'both given' : 'neither given', expected: '--data FILE... or --from-store' }]);
        if (o.label !== 'illicit' && o.label !== 'critical') {
          throw new PortcullisError('INVALID_INPUT', `--label "${o.label}" is not a label`, [{ field: 'label', problem: `"${o.label}"`, expected: 'illicit or critical' }]);
        }
        const label = o.label;
        const seed = positiveInt('--seed', o.seed);
        const mapping = await loadMapping(o.mapping);
        const bar = progressLine();
        const started = performance.now();
        const train = (source?: LabelledSource) => trainModel({
          files: (o.data ?? []).map((f) => resolve(f)),
          ...(source !== undefined ? { source } : {}),
          mapping,
          mappingName: o.mapping,
          label,
          validFrom: o.validFrom,
          seed,
          onRead: (rows, file) => bar.update(`reading ${file.split('/').pop()}  rows ${fmt(rows)}`),
          onRound: (r) => bar.update(`round ${r.round}  train loss ${r.trainLoss.toFixed(4)}  validation loss ${r.validLoss?.toFixed(4) ?? '-'}`),
        });
        // The store's modules are loaded only when asked for: training from files needs no database.
        const model = o.fromStore ? await (await import('../with-app.ts')).withApp(async (app) => train((await import('../../app/models/store-labelled.ts')).storeLabelled(app))) : await train();
        bar.done();
        const hash = await writeModel(resolve(o.out), model);
        const v = model.training.validation as { auc: number; prAuc: number; precisionAt: Record<string, number> };
        const seconds = Math.round((performance.now() - started) / 10) / 100;
        out.result(
          { ok: true, model: resolve(o.out), contentHash: hash, label: o.label, rows: model.training.rows, positives: model.training.positives, rounds: model.training.rounds, validation: model.training.validation, seconds },
          [
            `trained ${o.label} model on ${fmt(model.training.rows.train)} rows (${fmt(model.training.positives.train)} positive), validated on ${fmt(model.training.rows.valid)}: ${model.training.rounds} trees in ${seconds} s`,
            `validation: ROC AUC ${f3(v.auc)}, PR AUC ${f3(v.prAuc)}, precision at 1/2/5/10% ${['1', '2', '5', '10'].map((k) => f3(v.precisionAt[k]!)).join(' / ')}`,
            `model written to ${o.out} (${hash})`,
          ],
        );
      }),
    );

  program
    .command('evaluate')
    .description("measure a model on labelled declaration files: ranking, precision and recall at inspection rates, calibration")
    .requiredOption('--model <file>', 'a model file written by train')
    .requiredOption('--data <files...>', 'CSV or JSON Lines files with outcome labels')
    .requiredOption('-m, --mapping <file>', 'mapping file (see docs/mapping.md)')
    .option('--json', 'print one JSON object: rows, positives, auc, prAuc, brier, precisionAt, recallAt, revenueAt', false)
    .action((o: { model: string; data: string[]; mapping: string; json: boolean }) =>
      runAction(o.json, async (out) => {
        const model = await readModel(resolve(o.model));
        const mapping = await loadMapping(o.mapping);
        const bar = progressLine();
        const e = await evaluateModel(model, o.data.map((f) => resolve(f)), mapping, (rows, file) => bar.update(`reading ${file.split('/').pop()}  rows ${fmt(rows)}`));
        bar.done();
        out.result(e, [
          `${e.label}: ${fmt(e.rows)} rows, ${fmt(e.positives)} positive${e.skipped > 0 ? ` (${fmt(e.skipped)} rows skipped: unreadable or unlabelled)` : ''}`,
          `ROC AUC ${f3(e.auc)}  PR AUC ${f3(e.prAuc)}  Brier ${f3(e.brier)}`,
          ...['1', '2', '5', '10'].map((k) => `at ${k}% inspected: precision ${f3(e.precisionAt[k as '1']!)}  recall ${f3(e.recallAt[k as '1']!)}  revenue ${e.revenueAt ? f3(e.revenueAt[k as '1']) : '-'}`),
        ]);
      }),
    );

  program
    .command('score')
    .description('score declaration files with a model: score, probability and top reasons (TreeSHAP) per declaration, as CSV')
    .requiredOption('--model <file>', 'a model file written by train')
    .requiredOption('--data <files...>', 'CSV or JSON Lines files of declarations')
    .requiredOption('-m, --mapping <file>', 'mapping file (see docs/mapping.md)')
    .requiredOption('--out <file>', 'the CSV to write: declaration_id, score, probability, reason_1, contribution_1, …')
    .option('--json', 'print one JSON object summarising the result', false)
    .action((o: { model: string; data: string[]; mapping: string; out: string; json: boolean }) =>
      runAction(o.json, async (out) => {
        const model = await readModel(resolve(o.model));
        const mapping = await loadMapping(o.mapping);
        const bar = progressLine();
        const s = await scoreFile(model, o.data.map((f) => resolve(f)), mapping, resolve(o.out), (done, total) => bar.update(`scoring ${fmt(done)} / ${fmt(total)}`));
        bar.done();
        out.result({ ok: true, ...s }, [`scored ${fmt(s.scored)} declarations${s.skipped > 0 ? ` (${fmt(s.skipped)} rows unreadable)` : ''}, mean probability ${s.meanProbability.toFixed(3)}; written to ${o.out}`]);
      }),
    );
}
