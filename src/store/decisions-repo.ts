import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Decision, SelectionType } from '../domain/decision.ts';
import type { Declaration, Labels } from '../domain/declaration.ts';
import { PortcullisError } from '../domain/errors.ts';
import type { Lane } from '../domain/rule.ts';
import { decisionRow, fromDecisionRow, latestDecisions } from './decision-rows.ts';
import { labelsOf } from './declaration-rows.ts';
import { withItems } from './declarations-repo.ts';
import { latestInspections, type StoredInspection } from './inspection-rows.ts';
import type { Schema } from './schema.ts';
import { putStates } from './selector-state-repo.ts';

export interface DecisionFilter {
  readonly office?: string;
  readonly lane?: Lane;
  /** Decided at or after (ISO 8601). */
  readonly from?: string;
  /** Decided before. */
  readonly to?: string;
  /** Keyset paging: the last decision of the previous page. */
  readonly after?: { readonly decidedAt: string; readonly declarationId: string; readonly revision: number };
  readonly limit?: number;
}

export interface DecisionCounts {
  readonly total: number;
  readonly lanes: Readonly<Record<Lane, number>>;
  readonly selectionTypes: Readonly<Record<SelectionType, number>>;
}

/** A declaration's latest decision, with what its latest inspection found and the labels stored with it. */
export interface PeriodRow {
  readonly decision: Decision;
  readonly inspection: StoredInspection | undefined;
  readonly labels: Labels;
}

/** Rows per insert statement: 14 parameters each, far below either database's limit. */
const INSERT_CHUNK = 500;

/** Inserts decisions in a transaction; a CONFLICT error when a (declaration, revision) is taken (the transaction then stores nothing). */
async function insertDecisions(trx: Kysely<Schema>, decisions: readonly Decision[]): Promise<void> {
  for (let i = 0; i < decisions.length; i += INSERT_CHUNK) {
    const chunk = decisions.slice(i, i + INSERT_CHUNK);
    const inserted = await trx
      .insertInto('decisions')
      .values(chunk.map(decisionRow))
      .onConflict((oc) => oc.columns(['declaration_id', 'revision']).doNothing())
      .returning(['declaration_id', 'revision'])
      .execute();
    if (inserted.length < chunk.length) {
      // What was not inserted: stored before, or a repeat within the batch (its first one took the key).
      const done = new Set(inserted.map((r) => `${r.declaration_id}\u0000${r.revision}`));
      const details = chunk.flatMap((d, k) =>
        done.delete(`${d.declarationId}\u0000${d.revision}`) ? [] : [{ row: i + k, field: 'revision', problem: `${d.declarationId} revision ${d.revision} is stored already`, expected: 'the next revision of the declaration' }],
      );
      throw new PortcullisError('CONFLICT', `${details.length} of ${decisions.length} decisions are stored already; none was stored`, details.slice(0, 20));
    }
    // A new revision replaces the declaration's earlier ones as its current decision.
    const revised = [...new Set(chunk.filter((d) => d.revision > 1).map((d) => d.declarationId))];
    if (revised.length > 0) {
      await trx
        .updateTable('decisions as d')
        .set({ superseded: 1 })
        .where('d.declaration_id', 'in', revised)
        .where('d.superseded', '=', 0)
        .where((eb) => eb.exists(eb.selectFrom('decisions as later').select('later.revision').whereRef('later.declaration_id', '=', 'd.declaration_id').whereRef('later.revision', '>', 'd.revision')))
        .execute();
    }
  }
}

type DecisionsEb = ExpressionBuilder<Schema & { d: Schema['decisions'] }, 'd'>;

/** Only a declaration's latest decision: no later revision of it exists. */
const isLatest = ({ not, exists, selectFrom }: DecisionsEb) =>
  not(exists(selectFrom('decisions as later').select('later.revision').whereRef('later.declaration_id', '=', 'd.declaration_id').whereRef('later.revision', '>', 'd.revision')));

/**
 * Targeting decisions. A declaration decided again gets the next revision; each is kept. Counts
 * and periods look at each declaration's latest decision only, and count it in the period it was taken in.
 */
export function decisionsRepo(db: Kysely<Schema>) {
  return {
    /**
     * Stores decisions, all or none, in one transaction. A CONFLICT error, storing nothing, when a
     * (declaration, revision) is stored already or comes twice.
     */
    async insert(decisions: readonly Decision[]): Promise<void> {
      if (decisions.length === 0) return;
      await db.transaction().execute((trx) => insertDecisions(trx, decisions));
    },
    /**
     * Stores decisions and the selector states they moved in one transaction, so that after a crash
     * the states saved never run ahead of the decisions stored (a decider may save them less often: Decider).
     */
    async insertWithStates(decisions: readonly Decision[], states: readonly { readonly office: string; readonly state: unknown }[], at: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await insertDecisions(trx, decisions);
        await putStates(trx, states, at);
      });
    },
    /** The latest revision of each declaration decided already (those never decided are absent). */
    async latestRevisions(declarationIds: readonly string[]): Promise<Map<string, number>> {
      const out = new Map<string, number>();
      for (let i = 0; i < declarationIds.length; i += INSERT_CHUNK) {
        const rows = await db
          .selectFrom('decisions')
          .select((eb) => ['declaration_id', eb.fn.max('revision').as('revision')])
          .where('declaration_id', 'in', declarationIds.slice(i, i + INSERT_CHUNK))
          .groupBy('declaration_id')
          .execute();
        for (const r of rows) out.set(r.declaration_id, Number(r.revision));
      }
      return out;
    },
    /**
     * Declarations never decided, in filing order, at most `limit`, after the (filedAt, id) of the
     * previous page (so that a long backlog is read once, not from its start for every page).
     */
    async undecided(limit: number, after?: { readonly filedAt: string; readonly id: string }): Promise<Declaration[]> {
      let q = db
        .selectFrom('declarations as dec')
        .selectAll('dec')
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('decisions as d').select('d.revision').whereRef('d.declaration_id', '=', 'dec.id'))));
      if (after !== undefined) q = q.where((eb) => eb(eb.refTuple('dec.filed_at', 'dec.id'), '>', eb.tuple(after.filedAt, after.id)));
      const rows = await q
        .orderBy('dec.filed_at')
        .orderBy('dec.id')
        .limit(Math.max(1, Math.min(limit, 10_000)))
        .execute();
      return (await withItems(db, rows)).map((r) => r.declaration);
    },
    async latest(declarationId: string): Promise<Decision | undefined> {
      const r = await db.selectFrom('decisions').selectAll().where('declaration_id', '=', declarationId).orderBy('revision', 'desc').limit(1).executeTakeFirst();
      return r ? fromDecisionRow(r) : undefined;
    },
    /** The latest decision of each of `ids` that has one, by declaration id (a few thousand ids at most). */
    latestOf(ids: readonly string[]): Promise<Map<string, Decision>> {
      return latestDecisions(db, ids);
    },
    /** Every decision on a declaration, first revision first. */
    async history(declarationId: string): Promise<Decision[]> {
      const rows = await db.selectFrom('decisions').selectAll().where('declaration_id', '=', declarationId).orderBy('revision').execute();
      return rows.map(fromDecisionRow);
    },
    /** Decisions (every revision) in (decidedAt, declarationId, revision) order, filtered, one page at a time. */
    async list(f: DecisionFilter = {}): Promise<Decision[]> {
      let q = db.selectFrom('decisions as d').selectAll('d');
      if (f.office !== undefined) q = q.where('d.office', '=', f.office);
      if (f.lane !== undefined) q = q.where('d.lane', '=', f.lane);
      if (f.from !== undefined) q = q.where('d.decided_at', '>=', f.from);
      if (f.to !== undefined) q = q.where('d.decided_at', '<', f.to);
      if (f.after !== undefined) {
        const a = f.after;
        q = q.where((eb) => eb(eb.refTuple('d.decided_at', 'd.declaration_id', 'd.revision'), '>', eb.tuple(a.decidedAt, a.declarationId, a.revision)));
      }
      const rows = await q.orderBy('d.decided_at').orderBy('d.declaration_id').orderBy('d.revision').limit(Math.min(f.limit ?? 100, 10_000)).execute();
      return rows.map(fromDecisionRow);
    },
    /** How many declarations, by their latest decision taken in [from, to), went to each lane and were selected each way. */
    async counts(f: { office?: string; from?: string; to?: string } = {}): Promise<DecisionCounts> {
      let q = db
        .selectFrom('decisions as d')
        .select((eb) => ['d.lane', 'd.selection_type', eb.fn.countAll<number | string>().as('n')])
        .where(isLatest);
      if (f.office !== undefined) q = q.where('d.office', '=', f.office);
      if (f.from !== undefined) q = q.where('d.decided_at', '>=', f.from);
      if (f.to !== undefined) q = q.where('d.decided_at', '<', f.to);
      const rows = await q.groupBy(['d.lane', 'd.selection_type']).execute();
      const lanes: Record<Lane, number> = { green: 0, yellow: 0, red: 0 };
      const selectionTypes: Record<SelectionType, number> = { 'rule-mandated': 0, 'risk-based': 0, exploration: 0, random: 0, none: 0 };
      let total = 0;
      for (const r of rows) {
        const n = Number(r.n);
        total += n;
        lanes[r.lane as Lane] = (lanes[r.lane as Lane] ?? 0) + n;
        selectionTypes[r.selection_type as SelectionType] = (selectionTypes[r.selection_type as SelectionType] ?? 0) + n;
      }
      return { total, lanes, selectionTypes };
    },
    /**
     * Each declaration whose latest decision was taken in [from, to), with its latest inspection and
     * its stored labels, in (decidedAt, declarationId) order, `pageSize` (5,000 unless given) at a
     * time: one query for the page and one for its inspections, so that a million rows never load at once.
     */
    async *forPeriod(f: { from: string; to: string; office?: string; pageSize?: number }): AsyncGenerator<PeriodRow[]> {
      const pageSize = Math.max(1, Math.min(f.pageSize ?? 5_000, 10_000));
      let after: { decidedAt: string; id: string } | undefined;
      for (;;) {
        let q = db
          .selectFrom('decisions as d')
          .innerJoin('declarations as dec', 'dec.id', 'd.declaration_id')
          .selectAll('d')
          .select(['dec.label_illicit', 'dec.label_critical', 'dec.label_revenue'])
          .where('d.decided_at', '>=', f.from)
          .where('d.decided_at', '<', f.to)
          .where(isLatest);
        if (f.office !== undefined) q = q.where('d.office', '=', f.office);
        if (after !== undefined) {
          const a = after;
          q = q.where((eb) => eb(eb.refTuple('d.decided_at', 'd.declaration_id'), '>', eb.tuple(a.decidedAt, a.id)));
        }
        const rows = await q.orderBy('d.decided_at').orderBy('d.declaration_id').limit(pageSize).execute();
        if (rows.length === 0) return;
        const inspections = await latestInspections(db, rows.map((r) => r.declaration_id));
        yield rows.map((r) => ({ decision: fromDecisionRow(r), inspection: inspections.get(r.declaration_id), labels: labelsOf(r) }));
        if (rows.length < pageSize) return;
        const last = rows[rows.length - 1]!;
        after = { decidedAt: last.decided_at, id: last.declaration_id };
      }
    },
  };
}
export type DecisionsRepo = ReturnType<typeof decisionsRepo>;
