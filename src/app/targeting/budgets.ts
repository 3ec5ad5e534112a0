import { Budget } from '../../domain/decision.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { budgetsRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { recordPrivileged } from '../ledger/record.ts';
import { requireActor } from './actors.ts';

/** The inspection budget of every office that has none of its own, until a supervisor sets one. */
export const DEFAULT_BUDGET: Budget = { office: '*', redRate: 0.03, yellowRate: 0.02, exploreShare: 0.1, exploreMode: 'uncertainty' };

/** Sets an office's inspection budget (office "*": every office without its own). Supervisors only. */
export async function setBudget(app: AppContext, actor: string | undefined, input: Record<string, unknown>): Promise<Budget> {
  const user = await requireActor(app, actor, ['supervisor'], 'set inspection budgets');
  const r = Budget.safeParse(input);
  if (!r.success) {
    throw new PortcullisError('INVALID_INPUT', `the budget is not valid: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, r.error.issues.map((i) => ({ field: i.path.join('.') || '(budget)', problem: i.message, expected: String(i.path[0]).endsWith('Rate') || i.path[0] === 'exploreShare' ? 'a share from 0 to 1' : 'a valid value' })));
  }
  await budgetsRepo(app.store.db).set(r.data, user.id, app.clock().toISOString());
  await recordPrivileged(app, user.id, 'budget.set', `budget:${r.data.office}`, { budget: r.data });
  return r.data;
}

/** Every budget set, and the default in force where none is. */
export async function listBudgets(app: AppContext): Promise<{ budgets: Budget[]; fallback: Budget }> {
  const budgets = await budgetsRepo(app.store.db).list();
  return { budgets, fallback: budgets.find((b) => b.office === '*') ?? DEFAULT_BUDGET };
}
