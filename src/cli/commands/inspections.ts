import type { Command } from 'commander';
import { recordInspection } from '../../app/targeting/inspections.ts';
import { actorOf, AS_OPTION, boundedNumber } from '../options.ts';
import { runAction } from '../output.ts';
import { withApp } from '../with-app.ts';

export function inspectionsCommand(program: Command): void {
  const cmd = program.command('inspections').description("officers' inspection results: the labels of the next training run and the measure of every rule and model");
  cmd
    .command('record')
    .description('record what an inspection found (officers); a second record for the same declaration is a correction, kept beside the first')
    .argument('<declaration>', 'declaration id')
    .requiredOption('--finding <finding>', 'none, irregularity or seizure')
    .option('--revenue <amount>', 'revenue recovered, in the declaration\'s currency', '0')
    .option('--notes <text>', 'what was found', '')
    .option('--at <time>', 'when it was inspected, ISO 8601 UTC (default: now)')
    .option(...AS_OPTION)
    .option('--json', 'print one JSON object', false)
    .action((declarationId: string, o: { finding: string; revenue: string; notes: string; at?: string; as?: string; json: boolean }) =>
      runAction(o.json, async (out) => {
        const revenue = boundedNumber('--revenue', o.revenue, 0, Number.MAX_VALUE, 'an amount of 0 or more');
        return withApp(async (app) => {
          const r = await recordInspection(app, actorOf(o), { declarationId, finding: o.finding, revenueRecovered: revenue, notes: o.notes, ...(o.at !== undefined ? { inspectedAt: o.at } : {}) });
          out.result({ ok: true, inspection: r }, [`recorded ${r.finding} on ${r.declarationId} by ${r.officer} (revision ${r.revision})`]);
        });
      }),
    );
}
