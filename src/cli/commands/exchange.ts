import { readFile, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { actingUser } from '../../app/auth/acting.ts';
import type { AppContext } from '../../app/context.ts';
import { openDecisionQueue } from '../../app/filing/decision-queue.ts';
import { EXCHANGE_FORMATS, exportCusres, importExchange, type ExchangeActor, type ExchangeFormat, type ImportReport, type MovementImportReport } from '../../app/exchange/index.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { actorOf, AS_OPTION } from '../options.ts';
import { runAction } from '../output.ts';
import { fmt, progressLine } from '../progress.ts';
import { withApp } from '../with-app.ts';
import { io } from '../io.ts';

/**
 * `portcullis exchange import` and `portcullis exchange export-cusres` (docs/exchange.md):
 * declarations from UN/EDIFACT CUSDEC or WCO Data Model JSON files, cargo reports from CUSCAR, and
 * decisions out as CUSRES status messages. Without --as, the local operator imports as
 * `portcullis ingest` does; with --as, the access policy holds the user to its own party.
 */

/** EDIFACT files of syntax level UNOC are often Latin-1 bytes: UTF-8 when the bytes are UTF-8, else Latin-1. */
async function readText(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new PortcullisError('INVALID_FILE', `cannot read ${file}: ${(e as Error).message}`, [{ field: 'file', problem: (e as Error).message, expected: 'a readable file' }], { cause: e });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

const actorFor = async (app: AppContext, as: string | undefined, doing: string): Promise<ExchangeActor> => (as === undefined ? 'operator' : actingUser(app, as, doing));

type Report = (ImportReport | MovementImportReport) & { file: string };

function reportLines(r: Report): string[] {
  const kept = 'recorded' in r ? `${fmt(r.accepted)} recorded (${fmt(r.added)} events added, ${fmt(r.duplicates)} already recorded, ${fmt(r.ledgerEntries)} ledger entries)` : `${fmt(r.accepted)} filed, ${fmt(r.duplicates)} duplicates`;
  const lines = [`${basename(r.file)}: ${fmt(r.messages)} ${r.format === 'wco-json' ? 'declarations' : 'messages'}, ${kept}, ${fmt(r.rejected)} rejected`];
  if (!('recorded' in r)) for (const f of r.filed.slice(0, 50)) lines.push(`  ${f.reference ?? f.message}: ${f.id} ${f.status}${f.lane === null ? '' : `, lane ${f.lane}`}`);
  for (const d of r.envelope) lines.push(`  ${d.field}: ${d.problem}; expected ${d.expected}`);
  for (const x of r.rejections.slice(0, 50)) for (const d of x.details) lines.push(`  rejected ${d.field}: ${d.problem}; expected ${d.expected}`);
  if (r.rejections.length > 50) lines.push(`  … and ${r.rejections.length - 50} more rejected (use --json for all)`);
  return lines;
}

export function exchangeCommand(program: Command): void {
  const cmd = program.command('exchange').description('harmonised exchange: CUSDEC, CUSCAR and WCO Data Model JSON in, CUSRES status messages out (docs/exchange.md)');
  cmd
    .command('import')
    .description('import declarations (CUSDEC, WCO JSON: filed and decided) or cargo reports (CUSCAR: recorded as carrier movements); bad messages are listed with their segment and element, good ones kept')
    .argument('<files...>', 'EDIFACT interchanges or WCO JSON documents')
    .requiredOption('--format <format>', `one of ${EXCHANGE_FORMATS.join(', ')}`)
    .option(...AS_OPTION)
    .option('--json', 'print one JSON object summarising the result', false)
    .addHelpText('after', '\nExit code: 0 when the files were read (rejected messages are listed), 2 when nothing at all could be imported.')
    .action((files: string[], o: { format: string; as?: string; json: boolean }) =>
      runAction(o.json, async (out) => {
        if (!(EXCHANGE_FORMATS as readonly string[]).includes(o.format)) throw new PortcullisError('INVALID_INPUT', `--format "${o.format}" is not one of ${EXCHANGE_FORMATS.join(', ')}`, [{ field: '--format', problem: `"${o.format}"`, expected: EXCHANGE_FORMATS.join(', ') }]);
        const format = o.format as ExchangeFormat;
        return withApp(async (app) => {
          const actor = await actorFor(app, actorOf(o), 'importing exchange messages');
          const bar = progressLine();
          const decisions = openDecisionQueue(app);
          const reports: Report[] = [];
          try {
            for (const [i, file] of files.entries()) {
              bar.update(`exchange ${format} ${i + 1}/${files.length}: ${basename(file)}  filed so far ${fmt(reports.reduce((a, r) => a + r.accepted, 0))}`);
              const text = await readText(resolve(file));
              const r = await importExchange(app, format, text, { actor, source: `${format}:${basename(file)}`, decide: (ds) => decisions.decide(ds) });
              reports.push({ ...r, file });
            }
          } finally {
            bar.done();
            await decisions.close();
          }
          const sum = (k: 'messages' | 'accepted' | 'rejected') => reports.reduce((a, r) => a + r[k], 0);
          const duplicates = reports.reduce((a, r) => a + ('recorded' in r ? 0 : r.duplicates), 0);
          out.result(
            { ok: sum('rejected') === 0, format, messages: sum('messages'), accepted: sum('accepted'), duplicates, rejected: sum('rejected'), files: reports },
            [...reports.flatMap(reportLines), `${fmt(files.length)} file(s): ${fmt(sum('messages'))} messages, ${fmt(sum('accepted'))} accepted, ${fmt(sum('rejected'))} rejected`],
          );
          return sum('rejected') > 0 && sum('accepted') + duplicates === 0 ? 2 : 0;
        });
      }),
    );
  cmd
    .command('export-cusres')
    .description('the decisions on declarations as UN/EDIFACT CUSRES status messages (green released, yellow documentary check, red physical inspection) — never scores or reasons')
    .option('--declaration <id...>', 'the declarations (else: those filed in --from … --to)')
    .option('--from <time>', 'filed at or after (ISO 8601)')
    .option('--to <time>', 'filed before (ISO 8601)')
    .option('--office <office>', 'only this customs office')
    .option('--recipient <party>', 'the UNB recipient (default: the trader\'s party, else ALL)')
    .option('--format <format>', 'edifact or json', 'edifact')
    .option('--out <file>', 'where to write the messages (default: standard output)')
    .option(...AS_OPTION)
    .option('--json', 'print one JSON object summarising the result', false)
    .action((o: { declaration?: string[]; from?: string; to?: string; office?: string; recipient?: string; format: string; out?: string; as?: string; json: boolean }) =>
      runAction(o.json, async (out) => {
        if (o.format !== 'edifact' && o.format !== 'json') throw new PortcullisError('INVALID_INPUT', `--format "${o.format}" is not edifact or json`, [{ field: '--format', problem: `"${o.format}"`, expected: 'edifact or json' }]);
        return withApp(async (app) => {
          const actor = await actorFor(app, actorOf(o), 'exporting decisions');
          const r = await exportCusres(app, actor, { ids: o.declaration, from: o.from, to: o.to, office: o.office, recipient: o.recipient });
          const body = o.format === 'json' ? `${JSON.stringify({ controlReference: r.controlReference, statuses: r.statuses, undecided: r.undecided }, null, 2)}\n` : r.edifact;
          if (o.out !== undefined) await writeFile(o.out, body);
          const summary = `${fmt(r.statuses.length)} CUSRES message(s), interchange ${r.controlReference}${r.undecided.length > 0 ? `; not decided yet: ${r.undecided.join(', ')}` : ''}${o.out === undefined ? '' : ` → ${o.out}`}`;
          if (o.out === undefined && !o.json) io.out.write(body);
          if (o.out === undefined && !o.json) io.err.write(`${summary}\n`);
          else out.result({ ok: true, messages: r.statuses.length, controlReference: r.controlReference, undecided: r.undecided, statuses: r.statuses, ...(o.out === undefined ? { [o.format]: body } : { out: o.out }) }, [summary]);
        });
      }),
    );
}
