import type { Command } from 'commander';
import { loadMapping, previewMapping } from '../../app/intake/index.ts';
import { positiveInt } from '../options.ts';
import { runAction } from '../output.ts';

export function mappingCommand(program: Command): void {
  const cmd = program.command('mapping').description('write and check mapping files (docs/mapping.md)');
  cmd
    .command('check')
    .description('check a mapping file; with --sample, read the first rows of a file through it (nothing is stored)')
    .argument('<mapping>', 'mapping file')
    .option('--sample <file>', 'a data file to read through the mapping')
    .option('--rows <n>', 'how many rows of the sample', '5')
    .option('--json', 'print one JSON object', false)
    .action((path: string, o: { sample?: string; rows: string; json: boolean }) =>
      runAction(o.json, async (out) => {
        const mapping = await loadMapping(path);
        if (o.sample === undefined) {
          out.result({ ok: true, mapping }, [`${path}: a valid mapping (${Object.keys(mapping.fields).length} fields, format ${mapping.format})`]);
          return 0;
        }
        const n = positiveInt('--rows', o.rows);
        const p = await previewMapping(mapping, o.sample, n);
        const bad = p.rows.filter((r) => !r.result.ok).length;
        out.result({ ok: bad === 0, columns: p.columns, rows: p.rows }, [
          `${path} on ${o.sample}: ${p.rows.length - bad} of ${p.rows.length} rows read cleanly`,
          ...p.rows.map((r) =>
            r.result.ok
              ? `row ${r.row}: ${JSON.stringify(r.result.declaration)}${Object.keys(r.result.labels).length ? ` labels ${JSON.stringify(r.result.labels)}` : ''}`
              : `row ${r.row}: ${r.result.problems.map((pr) => `${pr.field}: ${pr.problem}${pr.expected ? ` (expected ${pr.expected})` : ''}`).join('; ')}`,
          ),
        ]);
        return bad === 0 ? 0 : 1;
      }),
    );
}
