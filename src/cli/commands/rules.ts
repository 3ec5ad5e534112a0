import type { Command } from 'commander';
import { backtestRule, type Backtest } from '../../app/targeting/backtest.ts';
import { readRuleFile } from '../../app/targeting/rule-file.ts';
import { activateRule, approveRule, draftRule, getRule, listRules, retireRule, reviseRule, ruleVersions, submitRule } from '../../app/targeting/rules.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { RuleStatus, type RuleVersion } from '../../domain/rule.ts';
import { actorOf, AS_OPTION, positiveInt } from '../options.ts';
import { runAction } from '../output.ts';
import { withApp } from '../with-app.ts';
import { fmt, progressLine } from '../progress.ts';

const pc = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '-');

function line(v: RuleVersion): string {
  const action = v.action.type === 'force-lane' ? `force ${v.action.lane}` : v.action.type === 'add-score' ? `score ${v.action.points >= 0 ? '+' : ''}${v.action.points}` : 'documentary check';
  return `${v.id} v${v.version}  ${v.status.padEnd(9)}  ${v.threat.padEnd(16)}  ${action.padEnd(14)}  ${v.name}  (by ${v.author}${v.approvedBy ? `, approved by ${v.approvedBy}` : ''})`;
}

const versionOption = (s: string | undefined) => (s === undefined ? undefined : positiveInt('--version', s));

/** The lifecycle steps, each `rules STEP ID [--version N] --as USER`. */
const STEPS = [
  ['submit', 'send a draft for approval (its author)', submitRule],
  ['approve', 'approve a submitted version (a supervisor other than its author: four eyes)', approveRule],
  ['activate', 'put an approved version into force (a supervisor other than its author); the version in force before is retired', activateRule],
  ['retire', 'take a version out of force, or withdraw it', retireRule],
] as const;

export function rulesCommand(program: Command): void {
  const cmd = program.command('rules').description("analysts' rules (risk profiles): write, back-test, submit, approve, activate, retire (docs/rules.md)");

  cmd
    .command('add')
    .description('write a new rule from a JSON file (fields: name, reason, threat, condition, action, validFrom, validTo, offices); it starts as a draft')
    .argument('<file>', 'the rule, as JSON')
    .option(...AS_OPTION)
    .option('--json', 'print one JSON object', false)
    .action((file: string, o: { as?: string; json: boolean }) =>
      runAction(o.json, async (out) => {
        const input = await readRuleFile(file);
        return withApp(async (app) => {
          const v = await draftRule(app, actorOf(o), input.definition).catch(input.locate);
          out.result({ ok: true, rule: v }, [`drafted ${v.id} version ${v.version}: ${v.name}`, `next: portcullis rules backtest ${v.id} --from … --to …   |   portcullis rules submit ${v.id}`]);
        });
      }),
    );

  cmd
    .command('revise')
    .description('write a new version of a rule from a JSON file; it starts as a draft, and the version in force stays so until the new one is activated')
    .argument('<id>', 'rule id')
    .argument('<file>', 'the rule, as JSON')
    .option(...AS_OPTION)
    .option('--json', 'print one JSON object', false)
    .action((id: string, file: string, o: { as?: string; json: boolean }) =>
      runAction(o.json, async (out) => {
        const input = await readRuleFile(file);
        return withApp(async (app) => {
          const v = await reviseRule(app, actorOf(o), id, input.definition).catch(input.locate);
          out.result({ ok: true, rule: v }, [`drafted ${v.id} version ${v.version}: ${v.name}`]);
        });
      }),
    );

  for (const [step, description, run] of STEPS) {
    cmd
      .command(step)
      .description(description)
      .argument('<id>', 'rule id')
      .option('--version <n>', 'the version (default: the latest)')
      .option(...AS_OPTION)
      .option('--json', 'print one JSON object', false)
      .action((id: string, o: { version?: string; as?: string; json: boolean }) =>
        runAction(o.json, (out) =>
          withApp(async (app) => {
            const v = await run(app, actorOf(o), id, versionOption(o.version));
            out.result({ ok: true, rule: v }, [line(v)]);
          }),
        ),
      );
  }

  cmd
    .command('list')
    .description('list rules (the latest versions first)')
    .option('--status <status>', `only this status: ${RuleStatus.options.join(', ')}`)
    .option('--limit <n>', 'at most this many', '100')
    .option('--json', 'print one JSON object', false)
    .action((o: { status?: string; limit: string; json: boolean }) =>
      runAction(o.json, (out) => {
        const status = o.status === undefined ? undefined : RuleStatus.safeParse(o.status);
        if (status !== undefined && !status.success) throw new PortcullisError('INVALID_INPUT', `--status "${o.status}" is not a status`, [{ field: 'status', problem: `"${o.status}"`, expected: RuleStatus.options.join(', ') }]);
        const limit = positiveInt('--limit', o.limit);
        return withApp(async (app) => {
          const rules = await listRules(app, { ...(status?.success ? { status: status.data } : {}), limit });
          out.result({ rules }, rules.length === 0 ? ['no rules'] : rules.map(line));
        });
      }),
    );

  cmd
    .command('show')
    .description('print a rule: every version, or one')
    .argument('<id>', 'rule id')
    .option('--version <n>', 'only this version')
    .option('--json', 'print one JSON object', false)
    .action((id: string, o: { version?: string; json: boolean }) =>
      runAction(o.json, (out) =>
        withApp(async (app) => {
          const version = versionOption(o.version);
          const versions = version === undefined ? await ruleVersions(app, id) : [await getRule(app, id, version)];
          if (versions.length === 0) throw new PortcullisError('NOT_FOUND', `no rule "${id}"`);
          out.result({ versions }, versions.map((v) => JSON.stringify(v, null, 2)));
        }),
      ),
    );

  cmd
    .command('backtest')
    .description('run a rule over a period of history: hits, inspected, findings, hit rate with its 95% interval, revenue, lift over random selection')
    .argument('[id]', 'a stored rule (or give --file)')
    .option('--version <n>', 'the version (default: the latest)')
    .option('--file <file>', 'a rule file not stored yet')
    .requiredOption('--from <date>', 'filed at or after (ISO 8601)')
    .requiredOption('--to <date>', 'filed before (ISO 8601)')
    .option('--office <code>', 'only this customs office')
    .option('--json', 'print one JSON object', false)
    .action((id: string | undefined, o: { version?: string; file?: string; from: string; to: string; office?: string; json: boolean }) =>
      runAction(o.json, async (out) => {
        if ((id === undefined) === (o.file === undefined)) throw new PortcullisError('INVALID_INPUT', 'give a rule id or --file, one of them', [{ field: 'rule', problem: id === undefined ? 'neither given' : 'both given', expected: 'a rule id, or --file FILE' }]);
        const input = o.file === undefined ? undefined : await readRuleFile(o.file);
        return withApp(async (app) => {
          const bar = progressLine();
          const rule = input === undefined ? await getRule(app, id!, versionOption(o.version)) : input.definition;
          const b: Backtest = await backtestRule(app, rule, { from: o.from, to: o.to, ...(o.office !== undefined ? { office: o.office } : {}) }, (n) => bar.update(`back-testing: ${fmt(n)} declarations`)).catch(input?.locate ?? ((e: unknown) => Promise.reject(e)));
          bar.done();
          out.result(b, [
            `${b.declarations.toLocaleString('en-US')} declarations filed ${b.from} to ${b.to}${b.office ? ` at ${b.office}` : ''}; the rule hits ${fmt(b.hits)} (${pc(b.hitShare)})`,
            `inspected ${fmt(b.inspected)}, findings ${fmt(b.findings)}: hit rate ${pc(b.hitRate)} (95% CI ${pc(b.hitRateLow)} to ${pc(b.hitRateHigh)}), revenue ${fmt(Math.round(b.revenue))}`,
            `random selection would find ${pc(b.baseRate)} (${b.baseRateMethod}): lift ${Number.isFinite(b.lift) ? b.lift.toFixed(2) : '-'}×`,
          ]);
        });
      }),
    );
}
