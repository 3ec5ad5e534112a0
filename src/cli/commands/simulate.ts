import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadMapping } from '../../app/intake/load-mapping.ts';
import { simulate, type RetrainEvery } from '../../app/targeting/simulate.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { boundedNumber, positiveInt } from '../options.ts';
import { runAction } from '../output.ts';
import { fmt, progressLine } from '../progress.ts';

const pc = (x: number, digits = 1) => (Number.isFinite(x) ? `${(100 * x).toFixed(digits)}%` : '-');

export function simulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('replay labelled history week by week: score, select within the budget, learn only what was inspected, retrain; report what it found and how well it estimated the fraud rate')
    .requiredOption('--data <files...>', 'CSV or JSON Lines files with outcome labels')
    .requiredOption('-m, --mapping <file>', 'mapping file (see docs/mapping.md)')
    .option('--label <label>', 'the outcome: illicit or critical', 'illicit')
    .option('--rate <percent>', 'share of declarations inspected, in percent', '5')
    .option('--explore <share>', 'share of the inspections kept for exploration, 0 to 1', '0.1')
    .option('--explore-mode <mode>', 'uncertainty (weighted toward uncertain scores) or uniform (random control)', 'uncertainty')
    .option('--retrain <every>', 'weekly, monthly or never (trained once, after the first week)', 'weekly')
    .option('--seed <n>', 'seed of the exploration draws and of training', '1')
    .option('--json', 'print one JSON object: options, weeks, total', false)
    .action((o: { data: string[]; mapping: string; label: string; rate: string; explore: string; exploreMode: string; retrain: string; seed: string; json: boolean }) =>
      runAction(o.json, async (out) => {
        if (o.label !== 'illicit' && o.label !== 'critical') throw new PortcullisError('INVALID_INPUT', `--label "${o.label}" is not a label`, [{ field: 'label', problem: `"${o.label}"`, expected: 'illicit or critical' }]);
        if (!['weekly', 'monthly', 'never'].includes(o.retrain)) throw new PortcullisError('INVALID_INPUT', `--retrain "${o.retrain}" is not a schedule`, [{ field: 'retrain', problem: `"${o.retrain}"`, expected: 'weekly, monthly or never' }]);
        if (o.exploreMode !== 'uncertainty' && o.exploreMode !== 'uniform') throw new PortcullisError('INVALID_INPUT', `--explore-mode "${o.exploreMode}" is not a mode`, [{ field: 'explore-mode', problem: `"${o.exploreMode}"`, expected: 'uncertainty or uniform' }]);
        const rate = boundedNumber('--rate', o.rate, Number.MIN_VALUE, 100, 'a percentage above 0, at most 100') / 100;
        const explore = boundedNumber('--explore', o.explore, 0, 1, 'a share from 0 to 1, e.g. 0.1');
        const seed = positiveInt('--seed', o.seed);
        const mapping = await loadMapping(o.mapping);
        const bar = progressLine();
        const r = await simulate({
          files: o.data.map((f) => resolve(f)), mapping, label: o.label, rate, explore, exploreMode: o.exploreMode, retrain: o.retrain as RetrainEvery, seed,
          onRead: (rows, file) => bar.update(`reading ${file.split('/').pop()}  rows ${fmt(rows)}`),
          onWeek: (w, i, n) => bar.update(`week ${i + 1}/${n} (${w.week})  selected ${fmt(w.selected)} of ${fmt(w.arrivals)}  precision ${pc(w.precision)}  trained on ${fmt(w.trainedOn)}`),
        });
        bar.done();
        const t = r.total;
        const e = t.estimate;
        out.result(r, [
          'week         arrivals  selected  explored  findings  precision  recall  revenue share',
          ...r.weeks.map((w) => `${w.week}  ${String(w.arrivals).padStart(8)}  ${String(w.selected).padStart(8)}  ${String(w.explored).padStart(8)}  ${String(w.findings).padStart(8)}  ${pc(w.precision).padStart(9)}  ${pc(w.recall).padStart(6)}  ${pc(w.revenueShare).padStart(13)}`),
          '',
          `${fmt(t.arrivals)} declarations over ${r.weeks.length} weeks, ${fmt(t.selected)} inspected (${pc(t.selected / t.arrivals, 2)}; ${fmt(t.explored)} by exploration), retrained ${r.retrain}, exploration ${r.explore} (${r.exploreMode})`,
          `precision ${pc(t.precision)}  recall ${pc(t.recall)}  revenue found ${fmt(Math.round(t.revenue))} (${pc(t.revenueShare)} of the illicit declarations' revenue)`,
          `${r.label} rate of the flow: true ${pc(t.trueRate, 2)}; among the inspected ${pc(t.naiveRate, 2)}; inverse-propensity estimate ${pc(e.hajek, 2)} (95% CI ${pc(e.ci95[0], 2)} to ${pc(e.ci95[1], 2)}), Horvitz–Thompson ${pc(e.horvitzThompson, 2)}${e.aipw === null ? '' : `, augmented ${pc(e.aipw, 2)}`}: off by ${(100 * t.estimateError).toFixed(2)} points`,
        ]);
      }),
    );
}
