import type { Kysely } from 'kysely';
import { PortcullisError } from '../domain/errors.ts';
import type { InspectionResult } from '../domain/inspection-result.ts';
import { fieldCodecOf, rowIdOf } from './field-codec.ts';
import { fromInspectionRow, type StoredInspection } from './inspection-rows.ts';
import type { Schema } from './schema.ts';

export interface InspectionFilter {
  /** Inspected at or after (ISO 8601). */
  readonly from?: string;
  /** Inspected before. */
  readonly to?: string;
  /** Keyset paging: the last result of the previous page. */
  readonly after?: { readonly inspectedAt: string; readonly declarationId: string; readonly revision: number };
  readonly limit?: number;
}

/** How often `record` takes the next revision again when another writer took it first. */
const ATTEMPTS = 8;

/** What officers found. A correction is recorded as the next revision of the declaration's result; nothing is updated. */
export function inspectionsRepo(db: Kysely<Schema>) {
  const codec = fieldCodecOf(db);
  const fromRow = (r: Schema['inspections']): StoredInspection => fromInspectionRow(r, codec);
  return {
    /**
     * Records a result as the declaration's next revision and returns that revision. The primary key
     * decides between writers that take the same revision at once: the one that loses takes the
     * next. (One insert, without a transaction that reads first, which SQLite would refuse while
     * another connection writes.)
     */
    async record(result: InspectionResult, recordedAt: string): Promise<number> {
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const last = await db.selectFrom('inspections').select((eb) => eb.fn.max('revision').as('r')).where('declaration_id', '=', result.declarationId).executeTakeFirst();
        const revision = Number(last?.r ?? 0) + 1;
        const r = await db
          .insertInto('inspections')
          .values({
            declaration_id: result.declarationId, revision, officer: result.officer, finding: result.finding, revenue_recovered: result.revenueRecovered,
            currency: result.currency ?? null, notes: codec.seal('inspections', 'notes', rowIdOf(result.declarationId, revision), result.notes), inspected_at: result.inspectedAt, recorded_at: recordedAt,
          })
          .onConflict((oc) => oc.columns(['declaration_id', 'revision']).doNothing())
          .executeTakeFirst();
        if (Number(r.numInsertedOrUpdatedRows ?? 0) > 0) return revision;
      }
      throw new PortcullisError('CONFLICT', `inspection result of ${result.declarationId} not recorded: other results were being recorded at the same time`, [
        { field: 'declarationId', problem: `the next revision was taken ${ATTEMPTS} times`, expected: 'to try again' },
      ]);
    },
    async latest(declarationId: string): Promise<StoredInspection | undefined> {
      const r = await db.selectFrom('inspections').selectAll().where('declaration_id', '=', declarationId).orderBy('revision', 'desc').limit(1).executeTakeFirst();
      return r ? fromRow(r) : undefined;
    },
    /** Every result recorded for a declaration, first revision first. */
    async history(declarationId: string): Promise<StoredInspection[]> {
      const rows = await db.selectFrom('inspections').selectAll().where('declaration_id', '=', declarationId).orderBy('revision').execute();
      return rows.map(fromRow);
    },
    /** Results (every revision) in (inspectedAt, declarationId, revision) order, one page at a time. */
    async list(f: InspectionFilter = {}): Promise<StoredInspection[]> {
      let q = db.selectFrom('inspections').selectAll();
      if (f.from !== undefined) q = q.where('inspected_at', '>=', f.from);
      if (f.to !== undefined) q = q.where('inspected_at', '<', f.to);
      if (f.after !== undefined) {
        const a = f.after;
        q = q.where((eb) => eb(eb.refTuple('inspected_at', 'declaration_id', 'revision'), '>', eb.tuple(a.inspectedAt, a.declarationId, a.revision)));
      }
      const rows = await q.orderBy('inspected_at').orderBy('declaration_id').orderBy('revision').limit(Math.min(f.limit ?? 100, 10_000)).execute();
      return rows.map(fromRow);
    },
  };
}
export type InspectionsRepo = ReturnType<typeof inspectionsRepo>;
