/**
 * One generated declaration with one goods item, flat, keyed by its CSV column names. Empty strings
 * mean "absent" (no courier, no containers). The last four fields are labels: what an inspection
 * would have found. `fraud_pattern` names the planted pattern and is for evaluation only.
 */

/** The planted fraud patterns. */
export const FRAUD_PATTERNS = [
  'undervaluation',
  'misclassification',
  'false_origin',
  'new_importer',
  'split_consignment',
] as const;
export type FraudPattern = (typeof FRAUD_PATTERNS)[number];

export interface GeneratedRow {
  readonly declaration_id: string;
  /** ISO 8601 UTC, to the second. */
  readonly filed_at: string;
  readonly customs_office: string;
  readonly declarant_id: string;
  readonly importer_id: string;
  readonly seller_id: string;
  readonly courier_id: string;
  readonly export_country: string;
  /** UN/ECE Recommendation 19: 1 sea, 2 rail, 3 road, 4 air, 5 post. */
  readonly mode_of_transport: number;
  readonly transport_document: string;
  /** ISO 6346 container numbers separated by ";". */
  readonly container_numbers: string;
  readonly port_of_loading: string;
  readonly port_of_discharge: string;
  readonly hs_code: string;
  readonly description: string;
  readonly origin_country: string;
  readonly quantity: number;
  readonly quantity_unit: string;
  readonly net_mass_kg: number;
  readonly customs_value: number;
  readonly currency: string;
  /** Percent. */
  readonly tax_rate: number;
  /** customs_value × tax_rate / 100, rounded to cents. */
  readonly duty: number;
  readonly incoterm: string;
  readonly payment_type: string;
  readonly importer_aeo: 0 | 1;
  readonly illicit: 0 | 1;
  readonly critical: 0 | 1;
  /** Duty evaded, in the declaration's currency; 0 unless illicit with revenue at stake. */
  readonly revenue_recovered: number;
  readonly fraud_pattern: FraudPattern | '';
}
