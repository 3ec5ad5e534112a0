import type { Kysely } from 'kysely';
import type { Finding, InspectionResult } from '../domain/inspection-result.ts';
import { fieldCodecOf, rowIdOf, type FieldCodec } from './field-codec.ts';
import type { InspectionTable, Schema } from './schema.ts';

/** An inspection result as stored: its revision (1, then one more for each correction) and when it was recorded. */
export type StoredInspection = InspectionResult & { readonly revision: number; readonly recordedAt: string };

/** A stored inspection result from its row, the notes opened by `codec`. */
export function fromInspectionRow(r: InspectionTable, codec: FieldCodec): StoredInspection {
  return {
    declarationId: r.declaration_id,
    officer: r.officer,
    finding: r.finding as Finding,
    revenueRecovered: r.revenue_recovered,
    ...(r.currency === null ? {} : { currency: r.currency }),
    notes: codec.open('inspections', 'notes', rowIdOf(r.declaration_id, r.revision), r.notes),
    inspectedAt: r.inspected_at,
    revision: r.revision,
    recordedAt: r.recorded_at,
  };
}

/** The latest inspection result of each of `ids` that has one, by declaration id (read as latestDecisions reads decisions). */
export async function latestInspections(db: Kysely<Schema>, ids: readonly string[]): Promise<Map<string, StoredInspection>> {
  const latest = new Map<string, InspectionTable>();
  if (ids.length === 0) return new Map();
  const codec = fieldCodecOf(db);
  const rows = await db.selectFrom('inspections').selectAll().where('declaration_id', 'in', ids).execute();
  for (const r of rows) if ((latest.get(r.declaration_id)?.revision ?? 0) < r.revision) latest.set(r.declaration_id, r);
  return new Map([...latest].map(([id, r]) => [id, fromInspectionRow(r, codec)]));
}
