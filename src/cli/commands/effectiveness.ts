import type { Command } from 'commander';
import { driftReport } from '../../app/targeting/drift.ts';
import { effectivenessReport, type Effect } from '../../app/targeting/effectiveness.ts';
import { boundedNumber } from '../options.ts';
import { runAction } from '../output.ts';
import { withApp } from '../with-app.ts';
import { fmt, progressLine } from '../progress.ts';

const pc = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '-');
const effect = (e: Effect) => `selected ${fmt(e.selected).padStart(6)}  inspected ${fmt(e.inspected).padStart(6)}  findings ${fmt(e.findings).padStart(5)}  hit rate ${pc(e.hitRate).padStart(6)} [${pc(e.hitRateLow)}, ${pc(e.hitRateHigh)}]  lift ${Number.isFinite(e.lift) ? e.lift.toFixed(2) : '-'}  revenue ${fmt(Math.round(e.revenue))}`;

const share = (flag: string, s: string): number => boundedNumber(flag, s, 0, Number.MAX_VALUE, 'a number of 0 or more');

export function effectivenessCommands(program: Command): void {
  program
    .command('effectiveness')
    .description('how rules and models did over a period, from inspection results: hit rates with 95% intervals, revenue, lift; flags decayed rules')
    .requiredOption('--from <date>', 'filed at or after (ISO 8601)')
    .requiredOption('--to <date>', 'filed before (ISO 8601)')
    .option('--office <code>', 'only this customs office')
    .option('--min-hit-rate <share>', 'flag a rule whose hit rate is surely below this', '0.05')
    .option('--min-inspected <n>', '… judged on at least this many inspections', '30')
    .option('--no-alerts', 'do not raise alerts for decayed rules')
    .option('--json', 'print one JSON object', false)
    .action((o: { from: string; to: string; office?: string; minHitRate: string; minInspected: string; alerts: boolean; json: boolean }) =>
      runAction(o.json, async (out) => {
        const minHitRate = share('--min-hit-rate', o.minHitRate);
        const minInspected = share('--min-inspected', o.minInspected);
        return withApp(async (app) => {
          const bar = progressLine();
          const r = await effectivenessReport(app, { from: o.from, to: o.to, ...(o.office !== undefined ? { office: o.office } : {}), minHitRate, minInspected, raiseAlerts: o.alerts }, (n) => bar.update(`reading ${fmt(n)} declarations`));
          bar.done();
          out.result(r, [
            `${fmt(r.declarations)} declarations filed ${r.from} to ${r.to}, ${fmt(r.decided)} decided; flow's rate of findings (inverse-propensity) ${pc(r.flowRate.estimate)} [${pc(r.flowRate.ci95[0])}, ${pc(r.flowRate.ci95[1])}], among the inspected ${pc(r.flowRate.amongInspected)}`,
            `all selections   ${effect(r.overall)}`,
            ...r.selectionTypes.map((t) => `${t.selectionType.padEnd(16)} ${effect(t)}`),
            ...r.models.map((m) => `model ${m.model.slice(7, 19)}  ${effect(m)}`),
            ...r.rules.map((x) => `rule ${x.rule.padEnd(10)} ${effect(x)}${x.decayed ? '  DECAYED: review' : ''}  ${x.name}`),
            ...(r.alerts.length > 0 ? [`raised ${r.alerts.length} alert(s) for decayed rules`] : []),
          ]);
        });
      }),
    );

  program
    .command('drift')
    .description("population stability of the model's main features and of its score, recent traffic against the training period; raises an alert and recommends retraining above the level")
    .requiredOption('--from <date>', 'recent traffic filed at or after (ISO 8601)')
    .requiredOption('--to <date>', 'recent traffic filed before (ISO 8601)')
    .option('--reference-from <date>', 'the reference period (default: the model\'s training period)')
    .option('--reference-to <date>', 'end of the reference period')
    .option('--threshold <psi>', 'PSI from which the traffic has drifted', '0.25')
    .option('--no-alerts', 'do not raise an alert')
    .option('--json', 'print one JSON object', false)
    .action((o: { from: string; to: string; referenceFrom?: string; referenceTo?: string; threshold: string; alerts: boolean; json: boolean }) =>
      runAction(o.json, async (out) => {
        const threshold = share('--threshold', o.threshold);
        return withApp(async (app) => {
          const r = await driftReport(app, { recentFrom: o.from, recentTo: o.to, ...(o.referenceFrom !== undefined ? { referenceFrom: o.referenceFrom } : {}), ...(o.referenceTo !== undefined ? { referenceTo: o.referenceTo } : {}), threshold, raiseAlert: o.alerts });
          out.result(r, [
            `model ${r.model}: reference ${r.reference.from} to ${r.reference.to} (${fmt(r.reference.declarations)} declarations), recent ${r.recent.from} to ${r.recent.to} (${fmt(r.recent.declarations)})`,
            `score PSI ${r.score.psi.toFixed(3)} (${r.score.level})`,
            ...r.features.map((f) => `  ${f.feature.padEnd(36)} PSI ${f.psi.toFixed(3)} (${f.level})`),
            `${r.drifted ? 'DRIFTED' : 'stable'}: recommendation ${r.recommendation}${r.alert ? ` (alert ${r.alert})` : ''}`,
          ]);
        });
      }),
    );
}
