import { resolve } from 'node:path';
import type { Command } from 'commander';
import { writeGeneratedCsv, writeGeneratedJsonl } from '../../app/generator/index.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { positiveInt } from '../options.ts';
import { runAction } from '../output.ts';
import { fmt, pct, progressLine } from '../progress.ts';

export function generateCommand(program: Command): void {
  program
    .command('generate')
    .description('write realistic declarations with planted fraud patterns and labels (seeded: the same seed gives the same file)')
    .requiredOption('--rows <n>', 'number of declarations')
    .option('--seed <seed>', 'seed (text or number)', '1')
    .requiredOption('--out <file>', 'output file')
    .option('--format <format>', 'csv or jsonl', 'csv')
    .option('--start <date>', 'first filing day, ISO 8601', '2025-01-01')
    .option('--days <n>', 'length of the period in days', '365')
    .option('--json', 'print one JSON object summarising the result', false)
    .addHelpText('after', '\nIngest the output with: portcullis ingest FILE --mapping examples/mappings/generated.json')
    .action((o: { rows: string; seed: string; out: string; format: string; start: string; days: string; json: boolean }) =>
      runAction(o.json, async (out) => {
        const rows = positiveInt('--rows', o.rows);
        const days = positiveInt('--days', o.days);
        if (o.format !== 'csv' && o.format !== 'jsonl') throw new PortcullisError('INVALID_INPUT', `--format "${o.format}" is not csv or jsonl`, [{ field: '--format', problem: `"${o.format}"`, expected: 'csv or jsonl' }]);
        const write = o.format === 'csv' ? writeGeneratedCsv : writeGeneratedJsonl;
        const file = resolve(o.out);
        const bar = progressLine();
        const t = performance.now();
        const s = await write(file, { rows, seed: o.seed, start: o.start, days }, (n) => bar.update(`generate ${pct(n, rows)}  rows ${fmt(n)}`));
        bar.done();
        const seconds = (performance.now() - t) / 1000;
        out.result({ ok: true, file, format: o.format, seed: o.seed, ...s, seconds: Math.round(seconds * 1000) / 1000 }, [
          `wrote ${fmt(s.rows)} declarations to ${file} in ${seconds.toFixed(1)} s (${fmt(s.bytes)} bytes)`,
          `  illicit ${fmt(s.illicit)} (${pct(s.illicit, s.rows)})  critical ${fmt(s.critical)} (${pct(s.critical, s.rows)})`,
        ]);
      }),
    );
}
