/**
 * The tables, as Kysely sees them. Times are ISO 8601 UTC text (they sort as they read), money and
 * masses are double precision, flags are 0/1 integers and lists or maps are JSON text, so that one
 * schema serves SQLite and PostgreSQL alike.
 */
export interface DeclarationTable {
  id: string;
  filed_at: string;
  customs_office: string;
  declarant: string | null;
  importer: string;
  seller: string | null;
  courier: string | null;
  export_country: string | null;
  mode_of_transport: string | null;
  transport_document: string | null;
  /** JSON array of ISO 6346 container numbers. */
  containers: string;
  port_of_loading: string | null;
  port_of_discharge: string | null;
  /** JSON object of the agency's extra attributes. */
  attributes: string;
  item_count: number;
  total_value: number;
  label_illicit: number | null;
  label_critical: number | null;
  label_revenue: number | null;
  /** Where the declaration came from: "file.csv#row 12", "api". */
  source: string;
  ingested_at: string;
}

export interface GoodsItemTable {
  declaration_id: string;
  sequence: number;
  hs_code: string;
  description: string | null;
  origin_country: string | null;
  quantity: number | null;
  quantity_unit: string | null;
  net_mass_kg: number | null;
  customs_value: number;
  currency: string;
  tax_rate: number | null;
  duty: number | null;
}

export interface PartyTable {
  id: string;
  name: string;
  /** JSON array of roles. */
  roles: string;
  country: string;
  aeo: number;
  updated_at: string;
}

export interface IngestRunTable {
  /** A random UUID. */
  id: string;
  file: string;
  file_sha256: string | null;
  mapping: string;
  strict: number;
  started_at: string;
  finished_at: string | null;
  status: string;
  rows: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  reject_file: string | null;
}

export interface Schema {
  declarations: DeclarationTable;
  goods_items: GoodsItemTable;
  parties: PartyTable;
  ingest_runs: IngestRunTable;
}
