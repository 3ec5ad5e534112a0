import type { Command } from 'commander';
import { dataKeyStatus, rotateDataKeys } from '../../app/security/rotate-keys.ts';
import { actorOf, AS_OPTION, positiveInt } from '../options.ts';
import { runAction } from '../output.ts';
import { fmt, progressLine } from '../progress.ts';
import { withApp } from '../with-app.ts';

/** `portcullis keys`: the data key ring of the fields encrypted at rest. */
export function keysCommand(program: Command): void {
  const cmd = program.command('keys').description('the data keys that seal party names, goods descriptions, inspection notes and ledger payloads at rest');
  cmd
    .command('rotate')
    .description('make a new current data key (or take PORTCULLIS_DATA_KEYS as it is) and re-seal every stored value not under it; resumable: a run after a crash finishes the rest')
    .option(...AS_OPTION)
    .option('--batch <rows>', 'rows re-sealed per transaction', '1000')
    .option('--retire', 'then remove from the key file the old keys no value is sealed under any more (only while no other portcullis process runs with the old key file: it would go on sealing under the old key)', false)
    .option('--json', 'print one JSON object', false)
    .action((o: { as?: string; batch: string; retire: boolean; json: boolean }) =>
      runAction(o.json, (out) =>
        withApp(async (app) => {
          const bar = progressLine();
          const r = await rotateDataKeys(app, actorOf(o), {
            batchRows: positiveInt('--batch', o.batch),
            retire: o.retire,
            onProgress: (p) => bar.update(`re-sealing ${p.table}.${p.column}: ${fmt(p.resealed)} of ${fmt(p.scanned)} rows looked at`),
          });
          bar.done();
          const resealed = r.columns.reduce((a, c) => a + c.resealed, 0);
          out.result({ ok: r.complete, ...r }, [
            `current data key: ${r.current}${r.madeKey ? ' (new)' : ''} (${r.source})`,
            ...r.columns.map((c) => `  ${`${c.table}.${c.column}`.padEnd(32)} ${fmt(c.resealed).padStart(10)} re-sealed of ${fmt(c.scanned)}${c.skipped > 0 ? `, ${fmt(c.skipped)} changed meanwhile (run again)` : ''}`),
            `${fmt(resealed)} values re-sealed in ${r.seconds} s${r.complete ? '; every value is under the current key' : '; NOT complete: run `portcullis keys rotate` again'}`,
            ...(r.retired.length > 0 ? [`retired: ${r.retired.join(', ')}`] : []),
            ...(r.unused.length > 0 ? [`no value is sealed under ${r.unused.join(', ')} any more: ${r.source === 'env' ? 'remove them from PORTCULLIS_DATA_KEYS' : 'remove them with --retire'}`] : []),
          ]);
          return r.complete ? 0 : 1;
        }),
      ),
    );
  cmd
    .command('status')
    .description('the data key ring: ids, when made, which is current, and how many stored values each key seals')
    .option('--json', 'print one JSON object', false)
    .action((o: { json: boolean }) =>
      runAction(o.json, (out) =>
        withApp(async (app) => {
          const s = await dataKeyStatus(app);
          out.result(s, [
            `data keys from ${s.source.kind === 'file' ? s.source.path : s.source.kind === 'env' ? 'PORTCULLIS_DATA_KEYS' : 'this process only (in-memory store)'}${s.rotating !== null ? ` — rotation to ${s.rotating} unfinished: run keys rotate` : ''}`,
            ...s.keys.map((k) => `  ${k.kid.padEnd(16)} ${k.current ? 'current' : '       '}  created ${k.created ?? 'unknown'}  ${fmt(k.values)} values`),
            ...(s.plaintext > 0 ? [`  ${fmt(s.plaintext)} values stored before encryption (plaintext): keys rotate seals them`] : []),
          ]);
        }),
      ),
    );
}
