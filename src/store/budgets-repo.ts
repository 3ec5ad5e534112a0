import type { Kysely } from 'kysely';
import type { Budget } from '../domain/decision.ts';
import type { Schema } from './schema.ts';

/** A budget as stored, with who set it last and when. */
export type StoredBudget = Budget & { readonly updatedBy: string; readonly updatedAt: string };

/** The office that holds the budget of every office without one of its own. */
export const EVERY_OFFICE = '*';

const toBudget = (r: Schema['budgets']): StoredBudget => ({
  office: r.office,
  redRate: r.red_rate,
  yellowRate: r.yellow_rate,
  exploreShare: r.explore_share,
  exploreMode: r.explore_mode as Budget['exploreMode'],
  updatedBy: r.updated_by,
  updatedAt: r.updated_at,
});

/** Inspection budgets per customs office, and the default one under "*". */
export function budgetsRepo(db: Kysely<Schema>) {
  return {
    /** Sets an office's budget, replacing the one it had. */
    async set(b: Budget, by: string, at: string): Promise<void> {
      await db
        .insertInto('budgets')
        .values({ office: b.office, red_rate: b.redRate, yellow_rate: b.yellowRate, explore_share: b.exploreShare, explore_mode: b.exploreMode, updated_by: by, updated_at: at })
        .onConflict((oc) =>
          oc.column('office').doUpdateSet((eb) => ({
            red_rate: eb.ref('excluded.red_rate'), yellow_rate: eb.ref('excluded.yellow_rate'), explore_share: eb.ref('excluded.explore_share'),
            explore_mode: eb.ref('excluded.explore_mode'), updated_by: eb.ref('excluded.updated_by'), updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    },
    /** The office's budget, else the "*" one (its `office` says which it is), else undefined. */
    async get(office: string): Promise<StoredBudget | undefined> {
      const rows = await db.selectFrom('budgets').selectAll().where('office', 'in', [office, EVERY_OFFICE]).execute();
      const r = rows.find((x) => x.office === office) ?? rows.find((x) => x.office === EVERY_OFFICE);
      return r ? toBudget(r) : undefined;
    },
    /** Every budget, in office order ("*" first). */
    async list(): Promise<StoredBudget[]> {
      const rows = await db.selectFrom('budgets').selectAll().orderBy('office').execute();
      return rows.map(toBudget);
    },
  };
}
export type BudgetsRepo = ReturnType<typeof budgetsRepo>;
