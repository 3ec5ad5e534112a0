import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { Decision } from '../domain/decision.ts';
import type { Lane } from '../domain/rule.ts';
import { fromDecisionRow } from './decision-rows.ts';
import type { Schema } from './schema.ts';

/** The worklist's own tables (migration 0009-worklist). */
export type WorklistTables = {
  worklist_claims: { declaration_id: string; claimed_by: string; claimed_at: string };
  decision_overrides: { declaration_id: string; revision: number; from_lane: string; to_lane: string; reason: string; overridden_by: string; overridden_at: string };
};
type Db = Schema & WorklistTables;

/** open: nobody has it; claimed: an analyst works on it; inspected: an inspection result is recorded. */
export type WorkStatus = 'open' | 'claimed' | 'inspected';

export interface WorkItem {
  readonly decision: Decision;
  readonly status: WorkStatus;
  readonly claimedBy: string | null;
  readonly claimedAt: string | null;
}

export interface WorklistFilter {
  readonly office?: string;
  /** Lanes to show; red and yellow unless given. */
  readonly lanes?: readonly Lane[];
  readonly status?: WorkStatus;
  /** HS chapter, two digits: declarations with a goods item of that chapter. */
  readonly hsChapter?: string;
  /** ISO 3166 alpha-2: declarations with a goods item originating there. */
  readonly originCountry?: string;
  /** Filed at or after this instant (ISO 8601 UTC). */
  readonly filedFrom?: string;
  /** Filed before this instant (ISO 8601 UTC). */
  readonly filedTo?: string;
  readonly limit?: number;
  readonly offset?: number;
}

export interface Claim {
  readonly declarationId: string;
  readonly claimedBy: string;
  readonly claimedAt: string;
}

/** The least string above every string that starts with `prefix` (of digits): "85" → "86", "09" → "0:" (':' follows '9'). */
const nextPrefix = (prefix: string): string => prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);

type Eb = ExpressionBuilder<Db & { d: Schema['decisions'] }, 'd'>;
const inspected = ({ exists, selectFrom }: Eb) => exists(selectFrom('inspections as i').select('i.revision').whereRef('i.declaration_id', '=', 'd.declaration_id'));

/** The analysts' worklist: each declaration's latest decision, ranked by risk, with its claim. */
export function worklistRepo(base: Kysely<Schema>) {
  const db = base.withTables<WorklistTables>();
  return {
    /** The worklist's query, as list() runs it (its plan is tested: test/store/worklist-plan.test.ts). */
    listQuery(f: WorklistFilter = {}) {
      const lanes = f.lanes ?? ['red', 'yellow'];
      let q = db
        .selectFrom('decisions as d')
        .leftJoin('worklist_claims as c', 'c.declaration_id', 'd.declaration_id')
        .selectAll('d')
        .select(['c.claimed_by', 'c.claimed_at'])
        .select((eb) => inspected(eb as unknown as Eb).as('inspected'))
        // Current decisions in rank order: the partial indexes of migration 0011 serve both when
        // green is not asked for (the term that says so lets the database use them).
        .where('d.superseded', '=', 0)
        .where('d.lane', 'in', [...lanes]);
      if (!lanes.includes('green')) q = q.where('d.lane', '<>', 'green');
      if (f.office !== undefined) q = q.where('d.office', '=', f.office);
      if (f.status === 'inspected') q = q.where((eb) => inspected(eb as unknown as Eb));
      else if (f.status === 'claimed') q = q.where('c.claimed_by', 'is not', null).where((eb) => eb.not(inspected(eb as unknown as Eb)));
      else if (f.status === 'open') q = q.where('c.claimed_by', 'is', null).where((eb) => eb.not(inspected(eb as unknown as Eb)));
      // The goods and the filing are probed per decision through their primary keys (goods_items
      // by declaration and sequence, declarations by id) while the rank index is read in order: no
      // sort, and a page ends as soon as it is full. A filter that matches few declarations reads
      // further down the index; the API keeps its pages for a second, as for every filter.
      if (f.hsChapter !== undefined) {
        const chapter = f.hsChapter;
        q = q.where(({ exists, selectFrom }) => exists(selectFrom('goods_items as g').select('g.sequence').whereRef('g.declaration_id', '=', 'd.declaration_id').where('g.hs_code', '>=', chapter).where('g.hs_code', '<', nextPrefix(chapter))));
      }
      if (f.originCountry !== undefined) {
        const country = f.originCountry;
        q = q.where(({ exists, selectFrom }) => exists(selectFrom('goods_items as g').select('g.sequence').whereRef('g.declaration_id', '=', 'd.declaration_id').where('g.origin_country', '=', country)));
      }
      if (f.filedFrom !== undefined || f.filedTo !== undefined) {
        const { filedFrom, filedTo } = f;
        q = q.where(({ exists, selectFrom }) => {
          let filed = selectFrom('declarations as x').select('x.id').whereRef('x.id', '=', 'd.declaration_id');
          if (filedFrom !== undefined) filed = filed.where('x.filed_at', '>=', filedFrom);
          if (filedTo !== undefined) filed = filed.where('x.filed_at', '<', filedTo);
          return exists(filed);
        });
      }
      return q
        .orderBy(sql`coalesce(d.score, -1)`, 'desc')
        .orderBy('d.declaration_id')
        .limit(Math.max(1, Math.min(f.limit ?? 50, 1000)))
        .offset(Math.max(0, f.offset ?? 0));
    },
    async list(f: WorklistFilter = {}): Promise<WorkItem[]> {
      const rows = await this.listQuery(f).execute();
      return rows.map((r) => {
        const seen = r.inspected === true || Number(r.inspected) === 1;
        return { decision: fromDecisionRow(r), status: seen ? 'inspected' : r.claimed_by !== null ? 'claimed' : 'open', claimedBy: r.claimed_by, claimedAt: r.claimed_at };
      });
    },
    async claimOf(declarationId: string): Promise<Claim | undefined> {
      const r = await db.selectFrom('worklist_claims').selectAll().where('declaration_id', '=', declarationId).executeTakeFirst();
      return r === undefined ? undefined : { declarationId: r.declaration_id, claimedBy: r.claimed_by, claimedAt: r.claimed_at };
    },
    /** Claims a declaration; the claim that holds afterwards (another analyst's when one had it). */
    async claim(declarationId: string, by: string, at: string): Promise<Claim> {
      await db.insertInto('worklist_claims').values({ declaration_id: declarationId, claimed_by: by, claimed_at: at }).onConflict((oc) => oc.column('declaration_id').doNothing()).execute();
      return (await this.claimOf(declarationId))!;
    },
    /** Releases a claim held by `by` (or by anyone, when `by` is undefined); false when there was none to release. */
    async release(declarationId: string, by: string | undefined): Promise<boolean> {
      let q = db.deleteFrom('worklist_claims').where('declaration_id', '=', declarationId);
      if (by !== undefined) q = q.where('claimed_by', '=', by);
      return Number((await q.executeTakeFirst()).numDeletedRows) > 0;
    },
    async addOverride(o: { declarationId: string; revision: number; from: Lane; to: Lane; reason: string; by: string; at: string }): Promise<void> {
      await db.insertInto('decision_overrides').values({ declaration_id: o.declarationId, revision: o.revision, from_lane: o.from, to_lane: o.to, reason: o.reason, overridden_by: o.by, overridden_at: o.at }).execute();
    },
    async overrides(declarationId: string): Promise<{ revision: number; from: string; to: string; reason: string; by: string; at: string }[]> {
      const rows = await db.selectFrom('decision_overrides').selectAll().where('declaration_id', '=', declarationId).orderBy('revision').execute();
      return rows.map((r) => ({ revision: Number(r.revision), from: r.from_lane, to: r.to_lane, reason: r.reason, by: r.overridden_by, at: r.overridden_at }));
    },
    /** The latest lane of each of `ids` that was decided. */
    async lanes(ids: readonly string[]): Promise<Map<string, Lane>> {
      const out = new Map<string, Lane>();
      if (ids.length === 0) return out;
      const rows = await db.selectFrom('decisions as d').select(['d.declaration_id', 'd.lane']).where('d.declaration_id', 'in', [...ids]).where('d.superseded', '=', 0).execute();
      for (const r of rows) out.set(r.declaration_id, r.lane as Lane);
      return out;
    },
  };
}
export type WorklistRepo = ReturnType<typeof worklistRepo>;
