import type { Command } from 'commander';
import { getDeclaration, listDeclarations, storeSummary } from '../../app/queries.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { positiveInt } from '../options.ts';
import { runAction } from '../output.ts';
import { withApp } from '../with-app.ts';
import { fmt, pct } from '../progress.ts';

export function declarationsCommand(program: Command): void {
  const cmd = program.command('declarations').description('look at what has been filed');

  cmd
    .command('get')
    .description('print one declaration with its goods items and labels')
    .argument('<id>', 'declaration id')
    .option('--json', 'print one JSON object', false)
    .action((id: string, o: { json: boolean }) =>
      runAction(o.json, async (out) => {
        return withApp(async (app) => {
          const d = await getDeclaration(app, id);
          if (!d) throw new PortcullisError('NOT_FOUND', `no declaration with id "${id}"`);
          out.result(d, [JSON.stringify(d, null, 2)]);
        });
      }),
    );

  cmd
    .command('list')
    .description('list declarations in filing order, filtered')
    .option('--office <code>', 'customs office')
    .option('--importer <id>', 'importer id')
    .option('--hs <prefix>', 'HS code prefix (chapter, heading, ...)')
    .option('--from <date>', 'filed at or after (ISO 8601)')
    .option('--to <date>', 'filed before (ISO 8601)')
    .option('--limit <n>', 'at most this many', '20')
    .option('--json', 'print one JSON object', false)
    .action((o: { office?: string; importer?: string; hs?: string; from?: string; to?: string; limit: string; json: boolean }) =>
      runAction(o.json, async (out) => {
        const limit = positiveInt('--limit', o.limit);
        return withApp(async (app) => {
          const rows = await listDeclarations(app, { office: o.office, importer: o.importer, hsPrefix: o.hs, from: o.from, to: o.to, limit });
          out.result(
            { count: rows.length, declarations: rows },
            rows.map(({ declaration: d, labels }) => {
              const it = d.items[0]!;
              const flag = labels.illicit === undefined ? '' : labels.illicit ? (labels.critical ? ' ILLICIT (critical)' : ' ILLICIT') : ' clean';
              return `${d.id}  ${d.filedAt}  office ${d.customsOffice}  importer ${d.importer}  HS ${it.hsCode}  ${fmt(it.customsValue)} ${it.currency}${d.items.length > 1 ? ` (+${d.items.length - 1} items)` : ''}${flag}`;
            }),
          );
        });
      }),
    );

  program
    .command('stats')
    .description('summarise the store: declarations, labels, last intake runs')
    .option('--json', 'print one JSON object', false)
    .action((o: { json: boolean }) =>
      runAction(o.json, async (out) => {
        return withApp(async (app) => {
          const s = await storeSummary(app);
          out.result(s, [
            `${s.store}`,
            `  declarations ${fmt(s.declarations)}  goods items ${fmt(s.goodsItems)}  filed ${s.firstFiledAt ?? '-'} to ${s.lastFiledAt ?? '-'}`,
            `  labelled ${fmt(s.labelled)}  illicit ${fmt(s.illicit)} (${pct(s.illicit, s.labelled)})  critical ${fmt(s.critical)}`,
            ...s.lastIngests.map((r) => `  ingest ${r.startedAt} ${r.status}: ${r.file} accepted ${fmt(r.accepted)} rejected ${fmt(r.rejected)} duplicates ${fmt(r.duplicates)}`),
          ]);
        });
      }),
    );
}
