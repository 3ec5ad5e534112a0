import type { Kysely } from 'kysely';
import { DECLARATION_COLUMNS, ITEM_COLUMNS, declarationValues, itemValues, sameContent, type DeclarationRecord, type WriteStatus } from './declaration-rows.ts';
import { fieldCodecOf, type FieldCodec } from './field-codec.ts';
import type { DeclarationTable, GoodsItemTable, Schema } from './schema.ts';

const declarationRow = (r: DeclarationRecord): DeclarationTable => {
  const v = declarationValues(r);
  return Object.fromEntries(DECLARATION_COLUMNS.map((c, i) => [c, v[i]])) as unknown as DeclarationTable;
};
const itemRows = (r: DeclarationRecord, codec: FieldCodec): GoodsItemTable[] => itemValues(r.declaration, codec).map((v) => Object.fromEntries(ITEM_COLUMNS.map((c, i) => [c, v[i]])) as unknown as GoodsItemTable);

/** What an amendment keeps of the stored row: its id, labels and provenance. */
const KEPT: ReadonlySet<string> = new Set(['id', 'label_illicit', 'label_critical', 'label_revenue', 'source', 'ingested_at']);

/**
 * Declarations filed one at a time or in small batches (the API), in one transaction per call:
 * inserted, or a duplicate (the same content under a stored id) or a conflict (other content under
 * a stored id), which change nothing. And amendments, which replace what is stored under an id.
 */
export function filingRepo(db: Kysely<Schema>) {
  // Goods descriptions are sealed at rest with the store's codec (field-codec.ts).
  const codec = fieldCodecOf(db);
  return {
    async insert(records: readonly DeclarationRecord[]): Promise<WriteStatus[]> {
      if (records.length === 0) return [];
      return db.transaction().execute(async (trx) => {
        const inserted = new Set<string>();
        for (let i = 0; i < records.length; i += 200) {
          const chunk = records.slice(i, i + 200);
          const rows = await trx.insertInto('declarations').values(chunk.map(declarationRow)).onConflict((oc) => oc.column('id').doNothing()).returning('id').execute();
          for (const r of rows) inserted.add(r.id);
          const items = chunk.filter((r) => inserted.has(r.declaration.id)).flatMap((r) => itemRows(r, codec));
          for (let k = 0; k < items.length; k += 500) await trx.insertInto('goods_items').values(items.slice(k, k + 500)).execute();
        }
        const others = records.filter((r) => !inserted.has(r.declaration.id)).map((r) => r.declaration.id);
        const stored = new Map<string, { row: DeclarationTable; items: GoodsItemTable[] }>();
        if (others.length > 0) {
          for (const row of await trx.selectFrom('declarations').selectAll().where('id', 'in', others).execute()) stored.set(row.id, { row, items: [] });
          for (const it of await trx.selectFrom('goods_items').selectAll().where('declaration_id', 'in', others).execute()) stored.get(it.declaration_id)?.items.push(it);
        }
        const seen = new Set<string>();
        return records.map((r): WriteStatus => {
          const id = r.declaration.id;
          if (inserted.has(id) && !seen.has(id)) {
            seen.add(id);
            return 'inserted';
          }
          const s = stored.get(id);
          return s !== undefined && sameContent(r, s, codec) ? 'duplicate' : 'conflict';
        });
      });
    },
    /** Replaces a stored declaration and its goods items (labels and provenance kept); false when none is stored under its id. */
    async replace(r: DeclarationRecord): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const row = declarationRow(r);
        const set: Partial<DeclarationTable> = {};
        for (const c of DECLARATION_COLUMNS) if (!KEPT.has(c)) (set as Record<string, unknown>)[c] = row[c];
        const u = await trx.updateTable('declarations').set(set).where('id', '=', row.id).executeTakeFirst();
        if (Number(u.numUpdatedRows) === 0) return false;
        await trx.deleteFrom('goods_items').where('declaration_id', '=', row.id).execute();
        await trx.insertInto('goods_items').values(itemRows(r, codec)).execute();
        return true;
      });
    },
  };
}
export type FilingRepo = ReturnType<typeof filingRepo>;
