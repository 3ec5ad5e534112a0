import type { Kysely } from 'kysely';
import type { Declaration, Labels } from '../domain/declaration.ts';
import { fromRows } from './declaration-rows.ts';
import { fieldCodecOf } from './field-codec.ts';
import type { Schema } from './schema.ts';

export interface DeclarationFilter {
  readonly office?: string;
  readonly importer?: string;
  readonly hsPrefix?: string;
  readonly from?: string;
  readonly to?: string;
  /** Keyset paging: the last (filedAt, id) of the previous page. */
  readonly after?: { readonly filedAt: string; readonly id: string };
  readonly limit?: number;
}

export interface StoredDeclaration {
  readonly declaration: Declaration;
  readonly labels: Labels;
  readonly source: string;
}

export interface DeclarationStats {
  readonly declarations: number;
  readonly goodsItems: number;
  readonly labelled: number;
  readonly illicit: number;
  readonly critical: number;
  readonly firstFiledAt: string | null;
  readonly lastFiledAt: string | null;
}

/** Declaration rows with their goods items, as stored declarations. */
export async function withItems(db: Kysely<Schema>, rows: Schema['declarations'][]): Promise<StoredDeclaration[]> {
  if (rows.length === 0) return [];
  const codec = fieldCodecOf(db);
  const items = await db.selectFrom('goods_items').selectAll().where('declaration_id', 'in', rows.map((r) => r.id)).execute();
  const byId = new Map<string, Schema['goods_items'][]>();
  for (const it of items) {
    const list = byId.get(it.declaration_id);
    if (list) list.push(it);
    else byId.set(it.declaration_id, [it]);
  }
  return rows.map((r) => ({ ...fromRows(r, byId.get(r.id) ?? [], codec), source: r.source }));
}

/** Reads declarations back, written once against Kysely for both databases. */
export function declarationsRepo(db: Kysely<Schema>) {
  return {
    async get(id: string): Promise<StoredDeclaration | undefined> {
      const row = await db.selectFrom('declarations').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? (await withItems(db, [row]))[0] : undefined;
    },

    /** Declarations in filing order (then id), filtered, one page at a time. */
    async list(f: DeclarationFilter = {}): Promise<StoredDeclaration[]> {
      let q = db.selectFrom('declarations').selectAll();
      if (f.office !== undefined) q = q.where('customs_office', '=', f.office);
      if (f.importer !== undefined) q = q.where('importer', '=', f.importer);
      if (f.from !== undefined) q = q.where('filed_at', '>=', f.from);
      if (f.to !== undefined) q = q.where('filed_at', '<', f.to);
      if (f.hsPrefix !== undefined) {
        const prefix = f.hsPrefix;
        q = q.where(({ exists, selectFrom }) =>
          exists(selectFrom('goods_items').select('sequence').whereRef('goods_items.declaration_id', '=', 'declarations.id').where('hs_code', 'like', `${prefix.replace(/[%_]/g, '')}%`)),
        );
      }
      if (f.after !== undefined) {
        const { filedAt, id } = f.after;
        // A row-value comparison: PostgreSQL starts the index scan at the key; with the OR of the two
        // cases it scanned every earlier row of the period again for each page.
        q = q.where((eb) => eb(eb.refTuple('filed_at', 'id'), '>', eb.tuple(filedAt, id)));
      }
      const rows = await q.orderBy('filed_at').orderBy('id').limit(Math.min(f.limit ?? 100, 10_000)).execute();
      return withItems(db, rows);
    },

    /** The newest `limit` declarations filed at an office, newest first. */
    async newest(office: string, limit: number): Promise<StoredDeclaration[]> {
      const rows = await db.selectFrom('declarations').selectAll().where('customs_office', '=', office).orderBy('filed_at', 'desc').orderBy('id', 'desc').limit(Math.min(limit, 10_000)).execute();
      return withItems(db, rows);
    },

    async stats(): Promise<DeclarationStats> {
      const d = await db
        .selectFrom('declarations')
        .select((eb) => [
          eb.fn.countAll<number | string>().as('n'),
          eb.fn.count<number | string>('label_illicit').as('labelled'),
          eb.fn.sum<number | string | null>('label_illicit').as('illicit'),
          eb.fn.sum<number | string | null>('label_critical').as('critical'),
          eb.fn.min('filed_at').as('first'),
          eb.fn.max('filed_at').as('last'),
        ])
        .executeTakeFirstOrThrow();
      const items = await db.selectFrom('goods_items').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
      return {
        declarations: Number(d.n),
        goodsItems: Number(items.n),
        labelled: Number(d.labelled),
        illicit: Number(d.illicit ?? 0),
        critical: Number(d.critical ?? 0),
        firstFiledAt: d.first ?? null,
        lastFiledAt: d.last ?? null,
      };
    },
  };
}
export type DeclarationsRepo = ReturnType<typeof declarationsRepo>;
