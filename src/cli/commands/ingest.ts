import { resolve } from 'node:path';
import type { Command } from 'commander';
import { defaultRejectFile, ingestFiles, loadMapping } from '../../app/intake/index.ts';
import { runAction } from '../output.ts';
import { withApp } from '../with-app.ts';
import { fileDeclarations } from '../../app/ledger/record.ts';
import { fmt, pct, progressLine } from '../progress.ts';

export function ingestCommand(program: Command): void {
  program
    .command('ingest')
    .description('read declaration files (CSV or JSON Lines) through a mapping into the store')
    .argument('<files...>', 'CSV or JSON Lines files')
    .requiredOption('-m, --mapping <file>', 'mapping file (see docs/mapping.md)')
    .option('--strict', 'keep a file only if every row of it is good (all or nothing)', false)
    .option('--rejects <file>', 'where to write rejected rows (default: <data dir>/rejects/...)')
    .option('--decide', 'then decide every declaration not decided yet (lane, reasons, selection), with the model, rules and budgets in force', false)
    .option('--json', 'print one JSON object summarising the result', false)
    .addHelpText('after', '\nOutput (--json): {accepted, rejected, duplicates, rejectFile, rows, files, seconds, rowsPerSecond, peakRssMB, decided}.\nExit code: 0 when the files were read (rejected rows are listed in the reject file),\n1 when a --strict file was refused or the run failed, 2 for a bad mapping or file.')
    .action((files: string[], o: { mapping: string; strict: boolean; rejects?: string; decide: boolean; json: boolean }) =>
      runAction(o.json, async (out) => {
        const mapping = await loadMapping(o.mapping);
        return withApp(async (app) => {
          const bar = progressLine();
          try {
            const rejectFile = o.rejects ?? defaultRejectFile(app.config.dataDir, files[0]!, app.clock());
            const s = await ingestFiles(app.store, files.map((f) => resolve(f)), {
              mapping,
              mappingName: o.mapping,
              strict: o.strict,
              rejectFile: resolve(rejectFile),
              clock: app.clock,
              onStored: fileDeclarations(app),
              onProgress: (p) =>
                bar.update(`ingest ${p.file.split('/').pop()} ${pct(p.bytesRead, p.bytesTotal)}  rows ${fmt(p.rows)}  accepted ${fmt(p.accepted)}  rejected ${fmt(p.rejected)}  duplicates ${fmt(p.duplicates)}`),
            });
            bar.done();
            const refused = s.files.filter((f) => f.rolledBack);
            // Deciding loads the risk modules: only when asked.
            const decided = o.decide ? await (await import('../../app/targeting/decide.ts')).decideStored(app, { undecided: true, onProgress: (n) => bar.update(`deciding: ${fmt(n)}`) }) : undefined;
            bar.done();
            const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
            out.result(
              { ok: refused.length === 0, accepted: s.accepted, rejected: s.rejected, duplicates: s.duplicates, rejectFile: s.rejectFile, rows: s.rows, strict: s.strict, seconds: s.seconds, rowsPerSecond: s.rowsPerSecond, peakRssMB, store: app.store.description, files: s.files, decided: decided === undefined ? null : { decided: decided.decided, lanes: decided.lanes, selectionTypes: decided.selectionTypes, model: decided.model } },
              [
                `ingested ${files.length} file(s) into ${app.store.description} in ${s.seconds.toFixed(1)} s (${fmt(s.rowsPerSecond)} rows/s, peak memory ${fmt(peakRssMB)} MB)`,
                `  rows ${fmt(s.rows)}  accepted ${fmt(s.accepted)}  rejected ${fmt(s.rejected)}  duplicates ${fmt(s.duplicates)}`,
                ...refused.map((f) => `  refused (strict): ${f.file} had ${fmt(f.rejected)} bad row(s); nothing of it was kept`),
                ...(s.rejectFile ? [`  rejected rows, with the field and what was expected: ${s.rejectFile}`] : []),
                ...(decided === undefined ? [] : [`  decided ${fmt(decided.decided)}: red ${fmt(decided.lanes.red)}, yellow ${fmt(decided.lanes.yellow)}, green ${fmt(decided.lanes.green)} (${decided.model === null ? 'no model in force' : `model ${decided.model.slice(0, 19)}…`})`]),
              ],
            );
            return refused.length > 0 ? 1 : 0;
          } finally {
            bar.done();
          }
        });
      }),
    );
}
