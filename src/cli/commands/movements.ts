import type { Command } from 'commander';
import { findDiscrepancies, type DiscrepancyReport } from '../../app/ledger/discrepancies.ts';
import type { RecordSummary } from '../../app/movements/record-jsonl.ts';
import { recordMovements } from '../../app/movements/record-movements.ts';
import { recordTelemetry } from '../../app/movements/record-telemetry.ts';
import type { AppContext } from '../../app/context.ts';
import { actorOf, AS_OPTION } from '../options.ts';
import { runAction, type Out } from '../output.ts';
import { fmt, progressLine } from '../progress.ts';
import { withApp } from '../with-app.ts';

/**
 * `portcullis movements add`, `portcullis telemetry add` and `portcullis discrepancies`: carriers'
 * movements and containers' telemetry from JSON Lines files into the store and the ledger, and the
 * discrepancies between what the declarant, the carrier and the devices recorded.
 */

type Recorder = (app: AppContext, actor: string | undefined, file: string, opts: { onProgress: (p: { bytes: number; size: number; lines: number }) => void }) => Promise<RecordSummary>;

function summaryLines(s: RecordSummary, what: string): string[] {
  const lines = [
    `${s.file}: ${fmt(s.lines)} lines, ${fmt(s.added)} ${what} added, ${fmt(s.duplicates)} duplicates, ${fmt(s.rejected)} rejected`,
    s.ledgerEntries > 0 ? `ledger: ${fmt(s.ledgerEntries)} entries appended (${s.firstEntry}…${s.lastEntry})` : 'ledger: nothing new to record',
  ];
  for (const r of s.rejections.slice(0, 20)) lines.push(`  line ${r.line}: ${r.field}: ${r.problem}; expected ${r.expected}`);
  if (s.rejections.length > 20) lines.push(`  … and ${s.rejections.length - 20} more (use --json for all)`);
  return lines;
}

function addCommand(program: Command, name: string, description: string, what: string, record: Recorder): void {
  program
    .command(name)
    .description(description)
    .command('add')
    .description(`record a JSON Lines file of ${what}: bad lines are rejected with their line number, good ones kept, each new one entered in the ledger`)
    .argument('<file>', 'JSON Lines file')
    .option(...AS_OPTION)
    .option('--json', 'print one JSON object', false)
    .action((file: string, o: { as?: string; json: boolean }) =>
      runAction(o.json, (out: Out) =>
        withApp(async (app) => {
          const progress = progressLine();
          try {
            const s = await record(app, actorOf(o), file, { onProgress: (p) => progress.update(`${file}: ${fmt(p.lines)} lines, ${p.size > 0 ? Math.floor((100 * p.bytes) / p.size) : 100}%`) });
            progress.done();
            out.result({ ok: s.rejected === 0, ...s }, summaryLines(s, what));
            return s.rejected > 0 && s.added + s.duplicates === 0 ? 2 : 0;
          } finally {
            progress.done();
          }
        }),
      ),
    );
}

function reportLines(r: DiscrepancyReport): string[] {
  const lines = [`${fmt(r.checked)} declarations compared, ${fmt(r.withDiscrepancies)} with discrepancies (${fmt(r.discrepancies)} in all${Object.keys(r.byField).length > 0 ? `: ${Object.entries(r.byField).map(([k, n]) => `${k} ${n}`).join(', ')}` : ''})`];
  for (const d of r.declarations.slice(0, 50)) {
    lines.push(`${d.declarationId}${d.alert === undefined ? '' : `  [alert ${d.alert}]`}`);
    for (const x of d.discrepancies) {
      const side = (s: (typeof x.sides)[number]) => `${s.role} ${s.party}: ${Array.isArray(s.value) ? s.value.join(' ') : String(s.value ?? '—')}${s.records.some((e) => e.entry !== null) ? ` (ledger ${s.records.flatMap((e) => (e.entry === null ? [] : [e.entry])).join(', ')})` : ''}`;
      lines.push(`  ${x.field.padEnd(16)} ${x.message}`, `  ${''.padEnd(16)} ${side(x.sides[0])} | ${side(x.sides[1])}`);
    }
  }
  if (r.declarations.length > 50) lines.push(`… and ${r.declarations.length - 50} more declarations (use --json for all)`);
  if (r.alertsRaised > 0) lines.push(`${fmt(r.alertsRaised)} discrepancy alerts raised`);
  if (r.redecided !== null && r.redecided.decided > 0) lines.push(`decided again with the discrepancies as a fact: ${fmt(r.redecided.decided)} (red ${fmt(r.redecided.lanes.red)}, yellow ${fmt(r.redecided.lanes.yellow)}, green ${fmt(r.redecided.lanes.green)})`);
  return lines;
}

export function movementsCommands(program: Command): void {
  addCommand(program, 'movements', "carriers' movements (DCSA Track & Trace events)", 'movements', recordMovements);
  addCommand(program, 'telemetry', "containers' telemetry readings", 'readings', recordTelemetry);
  program
    .command('discrepancies')
    .description('compare what the declarant, the carrier and telemetry recorded for each consignment (containers, ports, weight, dates, seals)')
    .option('--declaration <id>', 'only this declaration')
    .option('--raise-alerts', 'raise one discrepancy alert per declaration with findings (reruns raise nothing twice), and decide those declarations again: their `discrepancies` fact changed', false)
    .option('--json', 'print one JSON object', false)
    .action((o: { declaration?: string; raiseAlerts: boolean; json: boolean }) =>
      runAction(o.json, (out) =>
        withApp(async (app) => {
          const progress = progressLine();
          try {
            const r = await findDiscrepancies(app, { ...(o.declaration === undefined ? {} : { declaration: o.declaration }), raiseAlerts: o.raiseAlerts, redecide: o.raiseAlerts, onProgress: (n) => progress.update(`${fmt(n)} declarations compared`) });
            progress.done();
            out.result({ ok: true, ...r }, reportLines(r));
          } finally {
            progress.done();
          }
        }),
      ),
    );
}
