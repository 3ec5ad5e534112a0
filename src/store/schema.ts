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

export interface UserTable {
  id: string;
  name: string;
  /** JSON array of roles. */
  roles: string;
  /** The party a trader or carrier user acts for. */
  party: string | null;
  created_at: string;
  disabled: number;
  /** When the user last authenticated (at most once a minute is written); null: never. */
  last_seen_at: string | null;
}

/** One version of a rule; (id, version) is the key. */
export interface RuleTable {
  id: string;
  version: number;
  status: string;
  /** JSON of the RuleDefinition fields: name, reason, threat, condition, action, validFrom, validTo, offices. */
  definition: string;
  author: string;
  created_at: string;
  submitted_at: string | null;
  approved_by: string | null;
  approved_at: string | null;
  activated_by: string | null;
  activated_at: string | null;
  retired_by: string | null;
  retired_at: string | null;
}

export interface ModelTable {
  /** The model file's content hash, "sha256:…". */
  id: string;
  label: string;
  /** The model file's JSON text (several MB). */
  body: string;
  /** JSON of the training record, without its large parts. */
  summary: string;
  registered_by: string;
  registered_at: string;
  /** registered | active | retired; at most one active per label (a partial unique index). */
  status: string;
  activated_by: string | null;
  activated_at: string | null;
  /** The training job that registered it (migration 0016), so that the job run again finds it. */
  job_key?: string | null;
}

/** A targeting decision; a declaration decided again gets the next revision. */
export interface DecisionTable {
  declaration_id: string;
  revision: number;
  decided_at: string;
  office: string;
  lane: string;
  selection_type: string;
  propensity: number;
  probability: number | null;
  score: number | null;
  /** JSON object { red, yellow }. */
  thresholds: string;
  /** JSON array of reasons. */
  reasons: string;
  /** JSON array of rule id@version. */
  rules: string;
  model: string | null;
  rule_set: string;
  /** 1 once a later revision replaced this one (migration 0010); the current decision has 0. */
  superseded?: number;
}

/** An inspection result; a correction is the next revision, never an update. */
export interface InspectionTable {
  declaration_id: string;
  revision: number;
  officer: string;
  finding: string;
  revenue_recovered: number;
  currency: string | null;
  notes: string;
  inspected_at: string;
  recorded_at: string;
}

export interface BudgetTable {
  /** A customs office, or "*" for every office without one of its own. */
  office: string;
  red_rate: number;
  yellow_rate: number;
  explore_share: number;
  explore_mode: string;
  updated_by: string;
  updated_at: string;
}

/** The running state of an office's selector (thresholds and the like), as JSON text. */
export interface SelectorStateTable {
  office: string;
  state: string;
  updated_at: string;
}

export interface AlertTable {
  id: string;
  kind: string;
  subject: string;
  severity: string;
  message: string;
  /** JSON object. */
  detail: string;
  raised_at: string;
  /** open | acknowledged */
  status: string;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  acknowledge_reason: string | null;
}

/** An entry of the shared ledger (ledger/entry/entry.ts), with the subject the store files it under. */
export interface LedgerEntryTable {
  idx: number;
  type: string;
  party: string;
  key_id: string;
  time: string;
  corrects: number | null;
  commitment: string;
  signature: string;
  subject: string | null;
}

/** An entry's payload (canonical JSON) and salt (base64): private, for the commitment's check. */
export interface LedgerPayloadTable {
  idx: number;
  salt: string;
  payload: string;
}

/** A complete subtree's hash (32 bytes); level 0 holds the leaf hashes. */
export interface LedgerNodeTable {
  level: number;
  idx: number;
  hash: Uint8Array;
}

export interface LedgerCheckpointTable {
  size: number;
  root: string;
  /** The signed note, as published. */
  note: string;
  signed_at: string;
}

export interface LedgerCosignatureTable {
  size: number;
  witness: string;
  key_id: string;
  time: number;
  /** The signature line, to append to the checkpoint's note. */
  line: string;
  received_at: string;
}

export interface LedgerKeyTable {
  name: string;
  key_id: string;
  vkey: string;
  role: string;
  added_by: string;
  added_at: string;
  revoked_at: string | null;
}

/** A carrier's movement (domain/transport-event.ts); the whole record is `body`, the columns are what it is found by. */
export interface TransportEventTable {
  id: string;
  carrier: string;
  event_type: string;
  event_code: string;
  classifier: string;
  event_time: string;
  transport_document: string | null;
  container: string | null;
  location: string;
  /** The normalised record, canonical JSON. */
  body: string;
  recorded_at: string;
  /** The ledger entry that records it. */
  ledger_idx: number | null;
}

/** A container telemetry reading (domain/telemetry-reading.ts). */
export interface TelemetryReadingTable {
  id: string;
  device_id: string;
  container: string;
  time: string;
  kind: string;
  event_code: string | null;
  body: string;
  recorded_at: string;
  ledger_idx: number | null;
}

/** A user's password: its argon2id PHC string (security/password.ts). */
export interface UserCredentialTable {
  user_id: string;
  password_hash: string;
  changed_at: string;
}

/** A sign-in session: the refresh token's SHA-256 (hex), rotated at each refresh. */
export interface SessionTable {
  id: string;
  user_id: string;
  refresh_hash: string;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** A machine client's API key: the SHA-256 (hex) of its secret, never the secret. */
export interface ApiKeyTable {
  id: string;
  user_id: string;
  name: string;
  secret_hash: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}

/** Consecutive failed logins for a key ("user:ID" or "ip:ADDRESS"), for throttling (security/lockout.ts). */
export interface LoginFailureTable {
  key: string;
  count: number;
  first_failure_at: string;
  last_failure_at: string;
  locked_until: string | null;
}

/** A background job as every instance reads it (migration 0016, src/app/jobs). */
export interface JobTable {
  id: string;
  kind: string;
  owner: string;
  /** queued | running | succeeded | failed */
  status: string;
  progress: number;
  message: string;
  attempts: number;
  /** The instance running it, or that ran it last. */
  worker: string | null;
  queued_at: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
  /** JSON. */
  result: string | null;
  /** JSON { code, message }. */
  error: string | null;
}

export interface Schema {
  declarations: DeclarationTable;
  goods_items: GoodsItemTable;
  parties: PartyTable;
  ingest_runs: IngestRunTable;
  users: UserTable;
  rules: RuleTable;
  models: ModelTable;
  decisions: DecisionTable;
  inspections: InspectionTable;
  budgets: BudgetTable;
  selector_state: SelectorStateTable;
  alerts: AlertTable;
  ledger_entries: LedgerEntryTable;
  ledger_payloads: LedgerPayloadTable;
  ledger_nodes: LedgerNodeTable;
  ledger_checkpoints: LedgerCheckpointTable;
  ledger_cosignatures: LedgerCosignatureTable;
  ledger_keys: LedgerKeyTable;
  transport_events: TransportEventTable;
  telemetry_readings: TelemetryReadingTable;
  user_credentials: UserCredentialTable;
  sessions: SessionTable;
  api_keys: ApiKeyTable;
  login_failures: LoginFailureTable;
  jobs: JobTable;
}
