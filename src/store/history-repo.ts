import type { Kysely } from 'kysely';
import type { Decision } from '../domain/decision.ts';
import type { Declaration, Labels } from '../domain/declaration.ts';
import { latestDecisions } from './decision-rows.ts';
import { declarationsRepo } from './declarations-repo.ts';
import { latestInspections, type StoredInspection } from './inspection-rows.ts';
import type { Schema } from './schema.ts';

/** A declaration as back-testing sees it: what was filed, what is known of it, what was decided and found. */
export interface HistoryRow {
  readonly declaration: Declaration;
  readonly labels: Labels;
  /** The latest inspection result (corrections included), if it was inspected. */
  readonly inspection: StoredInspection | undefined;
  /** The latest decision, if one was taken. */
  readonly decision: Decision | undefined;
}

export interface HistoryQuery {
  /** Filed at or after (ISO 8601). */
  readonly from: string;
  /** Filed before. */
  readonly to: string;
  readonly office?: string;
  /** Declarations per page: 5,000 unless given, at most 10,000. */
  readonly pageSize?: number;
}

/** Labelled history for back-testing and training, read a page at a time. */
export function historyRepo(db: Kysely<Schema>) {
  const declarations = declarationsRepo(db);

  async function page(q: HistoryQuery, pageSize: number, after: { filedAt: string; id: string } | undefined): Promise<HistoryRow[]> {
    const stored = await declarations.list({ from: q.from, to: q.to, limit: pageSize, ...(q.office === undefined ? {} : { office: q.office }), ...(after === undefined ? {} : { after }) });
    const ids = stored.map((s) => s.declaration.id);
    const [decisions, inspections] = await Promise.all([latestDecisions(db, ids), latestInspections(db, ids)]);
    return stored.map((s) => ({ declaration: s.declaration, labels: s.labels, inspection: inspections.get(s.declaration.id), decision: decisions.get(s.declaration.id) }));
  }

  return {
    /**
     * The declarations filed in [from, to), in filing order (then id), each with its goods items,
     * labels, latest decision and latest inspection, a page at a time: keyset paging on
     * (filedAt, id), so that a million declarations never load at once. The next page is read
     * while the caller works on this one. Pages are separate reads, not one snapshot.
     */
    async *history(q: HistoryQuery): AsyncGenerator<HistoryRow[]> {
      const pageSize = Math.max(1, Math.min(q.pageSize ?? 5_000, 10_000));
      let next: Promise<HistoryRow[]> | undefined = page(q, pageSize, undefined);
      try {
        while (next !== undefined) {
          const rows: HistoryRow[] = await next;
          next = undefined;
          if (rows.length === 0) return;
          if (rows.length === pageSize) {
            const last = rows[rows.length - 1]!.declaration;
            next = page(q, pageSize, { filedAt: last.filedAt, id: last.id });
          }
          yield rows;
        }
      } finally {
        // A caller that stops early leaves the page read ahead unread; its failure then matters to no one.
        next?.catch(() => {});
      }
    },
  };
}
export type HistoryRepo = ReturnType<typeof historyRepo>;
