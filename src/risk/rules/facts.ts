import type { AttributeValue, Declaration } from '../../domain/declaration.ts';
import { own, type FittedPipeline } from '../features/pipeline.ts';

/**
 * The facts a rule condition may read with `{"var": name}`: a closed list, so that a condition
 * naming anything else is rejected when it is written, not silently false when it runs. Any fact
 * may be null (unknown); the descriptions say when. The declaration's own extra columns are read
 * as `attr.NAME` (a dot in NAME is written `\.`).
 */

export type FactType = 'number' | 'string' | 'boolean';

export interface FactInfo {
  readonly name: string;
  readonly type: FactType;
  readonly description: string;
  /** Read from the model in force (its score, or its training data's statistics): null without one. */
  readonly fromModel: boolean;
}

const fact = (name: string, type: FactType, description: string, fromModel = false): FactInfo => ({ name, type, description, fromModel });

export const FACTS: readonly FactInfo[] = [
  fact('office', 'string', 'customs office of the declaration'),
  fact('importer', 'string', 'importer identifier'),
  fact('declarant', 'string', 'declarant identifier; null when absent'),
  fact('seller', 'string', 'seller or exporter identifier; null when absent'),
  fact('courier', 'string', 'courier identifier; null when absent'),
  fact('exportCountry', 'string', 'country of departure / export (ISO 3166 alpha-2); null when absent'),
  fact('originCountry', 'string', "main goods item's country of origin (ISO 3166 alpha-2); null when absent"),
  fact('hsCode', 'string', "main goods item's HS code (6 to 10 digits, as text)"),
  fact('hs2', 'string', 'first 2 digits of hsCode (HS chapter)'),
  fact('hs4', 'string', 'first 4 digits of hsCode (HS heading)'),
  fact('hs6', 'string', 'first 6 digits of hsCode (HS subheading)'),
  fact('modeOfTransport', 'string', 'mode of transport code; null when absent'),
  fact('portOfLoading', 'string', 'port of loading (UN/LOCODE); null when absent'),
  fact('portOfDischarge', 'string', 'port of discharge (UN/LOCODE); null when absent'),
  fact('containerCount', 'number', 'number of containers declared'),
  fact('containers', 'string', 'the declared container numbers (ISO 6346), separated by spaces; "" when none — test one with {"in": ["MSCU1234565", {"var": "containers"}]}'),
  fact('itemCount', 'number', 'number of goods items'),
  fact('customsValue', 'number', 'sum of the goods items’ customs values, in currency'),
  fact('currency', 'string', 'currency of the values (ISO 4217)'),
  fact('netMassKg', 'number', 'sum of the goods items’ net mass in kg; null when no item states one'),
  fact('unitValue', 'number', 'customsValue / netMassKg; null when the mass is unknown or zero'),
  fact('taxRate', 'number', "main goods item's ad-valorem duty rate in percent; null when absent"),
  fact('duty', 'number', 'sum of the duty assessed on the goods items; null when no item states one'),
  fact('unitValueRatio', 'number', 'unit value divided by the median unit value of the same HS6 in the model’s training data; null without a model, a median or a mass', true),
  fact('importerSeen', 'number', 'how many training declarations of the model had this importer; null without a model', true),
  fact('newImporter', 'boolean', 'importerSeen is 0; null without a model', true),
  fact('score', 'number', 'the model’s risk probability, 0 to 1; null without a model', true),
  fact('discrepancies', 'number', 'mismatches between what the declarant, the carrier and telemetry recorded for the consignment (open discrepancy alerts); 0 when none is known'),
];

/** The prefix under which a declaration's attributes are read: `{"var": "attr.incoterm"}`. */
export const ATTRIBUTE_PREFIX = 'attr.';

const TYPES: ReadonlyMap<string, FactType> = new Map(FACTS.map((f) => [f.name, f.type]));

/** The type of a named fact, or undefined when there is no such fact (attributes have no fixed type). */
/** The facts read from the model in force. */
export const MODEL_FACTS: ReadonlySet<string> = new Set(FACTS.filter((f) => f.fromModel).map((f) => f.name));

export function factType(name: string): FactType | undefined {
  return TYPES.get(name);
}

/** The facts of one declaration, as conditions read them. */
export interface Facts {
  readonly office: string;
  readonly importer: string;
  readonly declarant: string | null;
  readonly seller: string | null;
  readonly courier: string | null;
  readonly exportCountry: string | null;
  readonly originCountry: string | null;
  readonly hsCode: string;
  readonly hs2: string;
  readonly hs4: string;
  readonly hs6: string;
  readonly modeOfTransport: string | null;
  readonly portOfLoading: string | null;
  readonly portOfDischarge: string | null;
  readonly containerCount: number;
  readonly containers: string;
  readonly itemCount: number;
  readonly customsValue: number;
  readonly currency: string;
  readonly netMassKg: number | null;
  readonly unitValue: number | null;
  readonly taxRate: number | null;
  readonly duty: number | null;
  readonly unitValueRatio: number | null;
  readonly importerSeen: number | null;
  readonly newImporter: boolean | null;
  readonly score: number | null;
  readonly discrepancies: number;
  /** The declaration's attributes, in an object without a prototype (so `attr.constructor` is just absent). */
  readonly attr: Readonly<Record<string, AttributeValue>>;
}

/** What facts need beyond the declaration: the active model's pipeline, and its probability for this declaration. */
export interface FactContext {
  readonly pipeline?: FittedPipeline | undefined;
  readonly probability: number | null;
  /** Discrepancies across parties known for the declaration (0 when none, or not looked for). */
  readonly discrepancies?: number;
}

/**
 * The facts of one declaration. Runs once per declaration on the scoring path: one pass over the
 * goods items, one object of a fixed shape, and two table look-ups in the pipeline.
 */
export function factsOf(d: Declaration, ctx: FactContext): Facts {
  const items = d.items;
  let main = items[0]!;
  let value = 0;
  let mass = 0;
  let massKnown = false;
  let duty = 0;
  let dutyKnown = false;
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    value += it.customsValue;
    // The main item as pipeline.ts's mainItem chooses it: the first of the most valuable.
    if (it.customsValue > main.customsValue) main = it;
    if (it.netMassKg !== undefined) {
      mass += it.netMassKg;
      massKnown = true;
    }
    if (it.duty !== undefined) {
      duty += it.duty;
      dutyKnown = true;
    }
  }
  const hs = main.hsCode;
  const hs6 = hs.slice(0, 6);
  const netMassKg = massKnown ? mass : null;
  const unitValue = netMassKg !== null && netMassKg > 0 ? value / netMassKg : null;
  const p = ctx.pipeline;
  let unitValueRatio: number | null = null;
  let importerSeen: number | null = null;
  if (p !== undefined) {
    const median = own(p.medianUnitValue.hs6, hs6);
    // The pipeline's log unit value (valuesOf): log(value / mass + 1e-9), its median over training.
    if (median !== undefined && unitValue !== null) unitValueRatio = Math.exp(Math.log(unitValue + 1e-9) - median);
    const stats = p.encoders.importer;
    importerSeen = stats === undefined ? 0 : (own(stats, d.importer)?.[0] ?? 0);
  }
  return {
    office: d.customsOffice,
    importer: d.importer,
    declarant: d.declarant ?? null,
    seller: d.seller ?? null,
    courier: d.courier ?? null,
    exportCountry: d.exportCountry ?? null,
    originCountry: main.originCountry ?? null,
    hsCode: hs,
    hs2: hs.slice(0, 2),
    hs4: hs.slice(0, 4),
    hs6,
    modeOfTransport: d.modeOfTransport ?? null,
    portOfLoading: d.portOfLoading ?? null,
    portOfDischarge: d.portOfDischarge ?? null,
    containerCount: d.containers.length,
    containers: d.containers.join(' '),
    itemCount: items.length,
    customsValue: value,
    currency: main.currency,
    netMassKg,
    unitValue,
    taxRate: main.taxRate ?? null,
    duty: dutyKnown ? duty : null,
    unitValueRatio,
    importerSeen,
    newImporter: importerSeen === null ? null : importerSeen === 0,
    score: ctx.probability,
    discrepancies: ctx.discrepancies ?? 0,
    attr: Object.assign(Object.create(null) as Record<string, AttributeValue>, d.attributes),
  };
}
