import type { Command } from 'commander';
import { decideStored } from '../../app/targeting/decide.ts';
import { decisionHistory, listDecisions } from '../../app/targeting/decisions.ts';
import type { Decision } from '../../domain/decision.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { Lane } from '../../domain/rule.ts';
import { positiveInt } from '../options.ts';
import { runAction } from '../output.ts';
import { withApp } from '../with-app.ts';
import { fmt, pct, progressLine } from '../progress.ts';

function line(d: Decision): string {
  const reasons = d.reasons.slice(0, 4).map((r) => (r.kind === 'rule' ? `rule ${r.code}: ${r.text}` : r.kind === 'model' ? `${r.code} ${r.contribution !== undefined ? `+${r.contribution.toFixed(2)}` : ''}` : r.text));
  return `${d.declarationId}  ${d.lane.toUpperCase().padEnd(6)} ${d.selectionType.padEnd(13)} p(select) ${d.propensity.toFixed(3)}  score ${d.score === null ? '-' : d.score.toFixed(3)}  ${reasons.join('; ')}`;
}

export function decideCommands(program: Command): void {
  program
    .command('decide')
    .description('decide stored declarations: lane (green, yellow, red), reasons, selection type and the probability of selection, within each office\'s budget')
    .argument('[ids...]', 'declaration ids (or --undecided)')
    .option('--undecided', 'decide every declaration not decided yet, in filing order', false)
    .option('--limit <n>', 'with --undecided: at most this many')
    .option('--seed <n>', 'seed of the exploration draws (default: a fresh one)')
    .option('--json', 'print one JSON object', false)
    .action((ids: string[], o: { undecided: boolean; limit?: string; seed?: string; json: boolean }) =>
      runAction(o.json, async (out) => {
        if (ids.length === 0 && !o.undecided) throw new PortcullisError('INVALID_INPUT', 'name the declarations to decide, or give --undecided', [{ field: 'ids', problem: 'none given', expected: 'declaration ids, or --undecided' }]);
        const limit = o.limit === undefined ? undefined : positiveInt('--limit', o.limit);
        const seed = o.seed === undefined ? undefined : positiveInt('--seed', o.seed);
        return withApp(async (app) => {
          const bar = progressLine();
          const started = performance.now();
          const s = await decideStored(app, { ids, undecided: o.undecided, ...(limit !== undefined ? { limit } : {}), ...(seed !== undefined ? { seed } : {}), onProgress: (n) => bar.update(`decided ${fmt(n)}`) });
          bar.done();
          const seconds = (performance.now() - started) / 1000;
          out.result({ ok: true, ...s, seconds }, [
            ...s.decisions.map(line),
            `decided ${fmt(s.decided)} in ${seconds.toFixed(1)} s with ${s.model === null ? 'no model' : `model ${s.model.slice(0, 19)}…`} and ${s.rules} active rules: red ${fmt(s.lanes.red)} (${pct(s.lanes.red, s.decided)}), yellow ${fmt(s.lanes.yellow)} (${pct(s.lanes.yellow, s.decided)}), green ${fmt(s.lanes.green)}`,
            `selection: ${Object.entries(s.selectionTypes).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}`,
          ]);
        });
      }),
    );

  const cmd = program.command('decisions').description('look at decisions');
  cmd
    .command('list')
    .description('the latest decisions, newest first')
    .option('--office <code>', 'customs office')
    .option('--lane <lane>', 'green, yellow or red')
    .option('--limit <n>', 'at most this many', '20')
    .option('--json', 'print one JSON object', false)
    .action((o: { office?: string; lane?: string; limit: string; json: boolean }) =>
      runAction(o.json, (out) => {
        const lane = o.lane === undefined ? undefined : Lane.safeParse(o.lane);
        if (lane !== undefined && !lane.success) throw new PortcullisError('INVALID_INPUT', `--lane "${o.lane}" is not a lane`, [{ field: 'lane', problem: `"${o.lane}"`, expected: 'green, yellow or red' }]);
        const limit = positiveInt('--limit', o.limit);
        return withApp(async (app) => {
          const ds = await listDecisions(app, { ...(o.office !== undefined ? { office: o.office } : {}), ...(lane?.success ? { lane: lane.data } : {}), limit });
          out.result({ count: ds.length, decisions: ds }, ds.length === 0 ? ['no decisions'] : ds.map(line));
        });
      }),
    );
  cmd
    .command('get')
    .description('every decision on one declaration, with its reasons')
    .argument('<id>', 'declaration id')
    .option('--json', 'print one JSON object', false)
    .action((id: string, o: { json: boolean }) =>
      runAction(o.json, (out) =>
        withApp(async (app) => {
          const ds = await decisionHistory(app, id);
          if (ds.length === 0) throw new PortcullisError('NOT_FOUND', `no decision on "${id}"`);
          out.result({ decisions: ds }, ds.map((d) => JSON.stringify(d, null, 2)));
        }),
      ),
    );
}
