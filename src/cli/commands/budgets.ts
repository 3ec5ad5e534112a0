import type { Command } from 'commander';
import { listBudgets, setBudget } from '../../app/targeting/budgets.ts';
import type { Budget } from '../../domain/decision.ts';
import { actorOf, AS_OPTION, boundedNumber } from '../options.ts';
import { runAction } from '../output.ts';
import { withApp } from '../with-app.ts';

const percent = (flag: string, s: string): number => boundedNumber(flag, s, 0, 100, 'a percentage from 0 to 100') / 100;

const describe = (b: Budget) => `${b.office.padEnd(12)} red ${(100 * b.redRate).toFixed(2)}%  yellow ${(100 * b.yellowRate).toFixed(2)}%  exploration ${(100 * b.exploreShare).toFixed(0)}% of it (${b.exploreMode})`;

export function budgetsCommand(program: Command): void {
  const cmd = program.command('budgets').description("offices' inspection budgets: target rates of red and yellow, and the exploration share");
  cmd
    .command('set')
    .description('set the budget of an office ("*": every office without one of its own); supervisors only')
    .argument('<office>', 'customs office code, or "*"')
    .requiredOption('--red <percent>', 'target rate of physical inspections, in percent')
    .requiredOption('--yellow <percent>', 'target rate of documentary checks, in percent')
    .option('--explore <share>', 'share of the budget kept for exploration, 0 to 1', '0.1')
    .option('--explore-mode <mode>', 'uncertainty (weighted toward uncertain scores) or uniform (random control)', 'uncertainty')
    .option(...AS_OPTION)
    .option('--json', 'print one JSON object', false)
    .action((office: string, o: { red: string; yellow: string; explore: string; exploreMode: string; as?: string; json: boolean }) =>
      runAction(o.json, async (out) => {
        const input = { office, redRate: percent('--red', o.red), yellowRate: percent('--yellow', o.yellow), exploreShare: boundedNumber('--explore', o.explore, 0, 1, 'a share from 0 to 1, e.g. 0.1'), exploreMode: o.exploreMode };
        return withApp(async (app) => {
          const b = await setBudget(app, actorOf(o), input);
          out.result({ ok: true, budget: b }, [describe(b)]);
        });
      }),
    );
  cmd
    .command('list')
    .description('list the budgets set, and the one in force where none is')
    .option('--json', 'print one JSON object', false)
    .action((o: { json: boolean }) =>
      runAction(o.json, (out) =>
        withApp(async (app) => {
          const r = await listBudgets(app);
          out.result(r, [...r.budgets.map(describe), ...(r.budgets.some((b) => b.office === '*') ? [] : [`${describe(r.fallback)}  (the default: no budget set for "*")`])]);
        }),
      ),
    );
}
