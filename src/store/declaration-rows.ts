import type { Declaration, GoodsItem, Labels } from '../domain/declaration.ts';
import { rowIdOf, type FieldCodec } from './field-codec.ts';
import type { DeclarationTable, GoodsItemTable } from './schema.ts';

/** A validated declaration on its way into the store, with its labels and provenance. */
export interface DeclarationRecord {
  readonly declaration: Declaration;
  readonly labels: Labels;
  readonly source: string;
  readonly ingestedAt: string;
}

/** What became of each record of a batch, in the batch's order. */
export type WriteStatus = 'inserted' | 'duplicate' | 'conflict';

/** The columns of each table in the order that positional bulk writes (both databases) use. */
export const DECLARATION_COLUMNS = [
  'id', 'filed_at', 'customs_office', 'declarant', 'importer', 'seller', 'courier', 'export_country',
  'mode_of_transport', 'transport_document', 'containers', 'port_of_loading', 'port_of_discharge',
  'attributes', 'item_count', 'total_value', 'label_illicit', 'label_critical', 'label_revenue',
  'source', 'ingested_at',
] as const satisfies readonly (keyof DeclarationTable)[];
export const ITEM_COLUMNS = [
  'declaration_id', 'sequence', 'hs_code', 'description', 'origin_country', 'quantity', 'quantity_unit',
  'net_mass_kg', 'customs_value', 'currency', 'tax_rate', 'duty',
] as const satisfies readonly (keyof GoodsItemTable)[];

const flag = (b: boolean | undefined): number | null => (b === undefined ? null : b ? 1 : 0);

/** A column value as the bulk writers carry it. */
export type ColumnValue = string | number | null;

/**
 * Gives a declaration row's values to `put`, one by one in DECLARATION_COLUMNS order. Bulk intake
 * calls it for every row: the SQLite writer packs the values as they come, without an array per row
 * (round-trip.test.ts checks the order against fromRows).
 */
export function putDeclarationValues(r: DeclarationRecord, put: (v: ColumnValue) => void): void {
  const d = r.declaration;
  let total = 0;
  for (const it of d.items) total += it.customsValue;
  put(d.id);
  put(d.filedAt);
  put(d.customsOffice);
  put(d.declarant ?? null);
  put(d.importer);
  put(d.seller ?? null);
  put(d.courier ?? null);
  put(d.exportCountry ?? null);
  put(d.modeOfTransport ?? null);
  put(d.transportDocument ?? null);
  put(d.containers.length === 0 ? '[]' : JSON.stringify(d.containers));
  put(d.portOfLoading ?? null);
  put(d.portOfDischarge ?? null);
  put(JSON.stringify(d.attributes));
  put(d.items.length);
  put(total);
  put(flag(r.labels.illicit));
  put(flag(r.labels.critical));
  put(r.labels.revenueRecovered ?? null);
  put(r.source);
  put(r.ingestedAt);
}

/** Gives a goods item row's values to `put`, in ITEM_COLUMNS order; the description sealed by `codec`. */
export function putItemValues(id: string, it: GoodsItem, put: (v: ColumnValue) => void, codec: FieldCodec): void {
  put(id);
  put(it.sequence);
  put(it.hsCode);
  put(it.description === undefined ? null : codec.seal('goods_items', 'description', rowIdOf(id, it.sequence), it.description));
  put(it.originCountry ?? null);
  put(it.quantity ?? null);
  put(it.quantityUnit ?? null);
  put(it.netMassKg ?? null);
  put(it.customsValue);
  put(it.currency);
  put(it.taxRate ?? null);
  put(it.duty ?? null);
}

/** A declaration row's values in DECLARATION_COLUMNS order. */
export function declarationValues(r: DeclarationRecord): ColumnValue[] {
  const row: ColumnValue[] = [];
  putDeclarationValues(r, (v) => row.push(v));
  return row;
}

/** The goods item rows' values of a declaration, each in ITEM_COLUMNS order. */
export function itemValues(d: Declaration, codec: FieldCodec): ColumnValue[][] {
  return d.items.map((it) => {
    const row: ColumnValue[] = [];
    putItemValues(d.id, it, (v) => row.push(v), codec);
    return row;
  });
}

/** What is stored under an id: the declaration row and its goods items. */
export interface StoredRows {
  readonly row: DeclarationTable;
  readonly items: GoodsItemTable[];
}

/**
 * Whether a declaration, with its labels, has the same content as what is stored under its id. Validated declarations
 * have their keys in schema order and `fromRows` rebuilds them so, which makes JSON text a faithful
 * comparison. Only re-filings pay for it: a new id is never compared.
 */
export function sameContent(r: DeclarationRecord, stored: StoredRows, codec: FieldCodec): boolean {
  const s = fromRows(stored.row, stored.items, codec);
  return JSON.stringify(r.declaration) === JSON.stringify(s.declaration) && JSON.stringify(normalLabels(r.labels)) === JSON.stringify(s.labels);
}

/** Labels in the key order that fromRows gives them. */
function normalLabels(l: Labels): Labels {
  const out: Labels = {};
  if (l.illicit !== undefined) out.illicit = l.illicit;
  if (l.critical !== undefined) out.critical = l.critical;
  if (l.revenueRecovered !== undefined) out.revenueRecovered = l.revenueRecovered;
  return out;
}

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

/** A stored declaration from its rows, the sealed fields opened by `codec`. */
export function fromRows(row: DeclarationTable, items: readonly GoodsItemTable[], codec: FieldCodec): { declaration: Declaration; labels: Labels } {
  const declaration: Declaration = {
    id: row.id,
    filedAt: row.filed_at,
    customsOffice: row.customs_office,
    declarant: opt(row.declarant),
    importer: row.importer,
    seller: opt(row.seller),
    courier: opt(row.courier),
    exportCountry: opt(row.export_country),
    modeOfTransport: opt(row.mode_of_transport),
    transportDocument: opt(row.transport_document),
    containers: JSON.parse(row.containers) as string[],
    portOfLoading: opt(row.port_of_loading),
    portOfDischarge: opt(row.port_of_discharge),
    items: [...items]
      .sort((a, b) => a.sequence - b.sequence)
      .map((it) => ({
        sequence: it.sequence,
        hsCode: it.hs_code,
        description: it.description === null ? undefined : codec.open('goods_items', 'description', rowIdOf(it.declaration_id, it.sequence), it.description),
        originCountry: opt(it.origin_country),
        quantity: opt(it.quantity),
        quantityUnit: opt(it.quantity_unit),
        netMassKg: opt(it.net_mass_kg),
        customsValue: it.customs_value,
        currency: it.currency,
        taxRate: opt(it.tax_rate),
        duty: opt(it.duty),
      })),
    attributes: JSON.parse(row.attributes) as Declaration['attributes'],
  };
  return { declaration: stripUndefined(declaration), labels: labelsOf(row) };
}

/** The labels stored with a declaration, only those that are set. */
export function labelsOf(row: Pick<DeclarationTable, 'label_illicit' | 'label_critical' | 'label_revenue'>): Labels {
  const labels: Labels = {};
  if (row.label_illicit !== null) labels.illicit = row.label_illicit === 1;
  if (row.label_critical !== null) labels.critical = row.label_critical === 1;
  if (row.label_revenue !== null) labels.revenueRecovered = row.label_revenue;
  return labels;
}

function stripUndefined<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.map((x) => (x !== null && typeof x === 'object' ? stripUndefined(x) : x)) : v;
  }
  return out as T;
}
