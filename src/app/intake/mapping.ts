import { z } from 'zod';
import { PortcullisError } from '../../domain/errors.ts';
import { dateFormatProblem } from './date-format.ts';

/**
 * The mapping file: for each canonical field, which source column feeds it and how to read it.
 * Documented in docs/mapping.md; examples in examples/mappings/.
 */

const Scalar = z.union([z.string(), z.number(), z.boolean()]);

export const FieldSpec = z
  .object({
    /** Source column (CSV header name) or key path (JSON Lines, dot-separated). */
    column: z.string().min(1).optional(),
    /** A constant used for every row instead of a column. */
    const: Scalar.optional(),
    type: z.enum(['string', 'number', 'integer', 'date', 'datetime', 'boolean']).default('string'),
    /** Date pattern with YYYY, MM, DD, HH, mm, ss, SSS and literal characters, e.g. "DD/MM/YYYY HH:mm". */
    format: z.string().min(1).optional(),
    /** UTC offset applied to date-times that carry none, e.g. "+09:00". Default UTC. */
    utcOffset: z.string().regex(/^[+-]\d{2}:\d{2}$/).optional(),
    /** Decimal separator of numbers. */
    decimal: z.enum(['.', ',']).default('.'),
    /** Thousands separator to drop from numbers, e.g. " ", "." or ",". */
    thousands: z.enum([',', '.', ' ', "'", '\u00a0']).optional(),
    /** Keep only the first N characters (e.g. 6 for the HS6 part of a longer code). */
    prefix: z.number().int().min(1).optional(),
    /** Left-pad with zeros to N characters (codes that lost their leading zeros in a spreadsheet). */
    pad: z.number().int().min(1).max(32).optional(),
    /** Split the cell into a list on this separator (container numbers). */
    split: z.string().min(1).optional(),
    /** Cell values that mean "absent", besides the empty cell. */
    null: z.array(z.string()).default([]),
    /** For booleans and labels: true when the cell equals this value (or one of these). */
    equals: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
    /** Value used when the cell is empty or null. */
    default: Scalar.optional(),
    upper: z.boolean().default(false),
    /**
     * Attributes only: models also profile the attribute within each trade lane (HS6 × origin ×
     * departure), for a value whose risk depends on the goods and the route, such as a tariff treatment.
     */
    perLane: z.boolean().optional(),
  })
  .strict()
  .refine((f) => (f.column === undefined) !== (f.const === undefined), {
    message: 'give either "column" or "const", not both and not neither',
  })
  .superRefine((f, ctx) => {
    const problem = f.format === undefined ? undefined : dateFormatProblem(f.format);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['format'], message: problem });
    if (f.type === 'number' && f.thousands !== undefined && f.thousands === f.decimal) {
      ctx.addIssue({ code: 'custom', path: ['thousands'], message: `the thousands separator cannot be the decimal separator "${f.decimal}"` });
    }
    if (f.format !== undefined && f.type !== 'date' && f.type !== 'datetime') {
      ctx.addIssue({ code: 'custom', path: ['format'], message: `"format" applies to dates; this field has type "${f.type}"` });
    }
  });
export type FieldSpec = z.infer<typeof FieldSpec>;

/** Canonical fields a mapping may fill; `item.*` fields fill the goods item read from the row. */
export const DECLARATION_FIELDS = [
  'id', 'filedAt', 'customsOffice', 'declarant', 'importer', 'seller', 'courier', 'exportCountry',
  'modeOfTransport', 'transportDocument', 'containers', 'portOfLoading', 'portOfDischarge',
] as const;
export const ITEM_FIELDS = [
  'hsCode', 'description', 'originCountry', 'quantity', 'quantityUnit', 'netMassKg', 'customsValue',
  'currency', 'taxRate', 'duty',
] as const;
export const LABEL_FIELDS = ['illicit', 'critical', 'revenueRecovered'] as const;
export const REQUIRED_FIELDS = ['id', 'filedAt', 'customsOffice', 'importer', 'item.hsCode', 'item.customsValue', 'item.currency'] as const;

const CANONICAL = new Set<string>([...DECLARATION_FIELDS, ...ITEM_FIELDS.map((f) => `item.${f}`)]);

export const Mapping = z
  .object({
    version: z.literal(1),
    name: z.string().optional(),
    description: z.string().optional(),
    format: z.enum(['csv', 'jsonl']).default('csv'),
    csv: z
      .object({
        /** Field delimiter (one character); "auto" guesses from the header among , ; tab and |. */
        delimiter: z.union([z.literal('auto'), z.string().length(1)]).default('auto'),
        quote: z.string().length(1).default('"'),
      })
      .strict()
      .default({ delimiter: 'auto', quote: '"' }),
    /** Consecutive rows with the same declaration id are goods items of one declaration. */
    groupItems: z.boolean().default(false),
    fields: z.record(z.string(), FieldSpec),
    attributes: z.union([z.array(z.string().min(1)), z.record(z.string().min(1).max(128), FieldSpec)]).default({}),
    labels: z.partialRecord(z.enum(LABEL_FIELDS), FieldSpec).default({}),
  })
  .strict()
  .superRefine((m, ctx) => {
    for (const key of Object.keys(m.fields)) {
      if (!CANONICAL.has(key)) {
        ctx.addIssue({ code: 'custom', path: ['fields', key], message: `unknown canonical field "${key}"; expected one of ${[...CANONICAL].join(', ')}` });
      }
    }
    for (const key of REQUIRED_FIELDS) {
      if (!(key in m.fields)) ctx.addIssue({ code: 'custom', path: ['fields', key], message: `required field "${key}" is not mapped` });
    }
  });
export type Mapping = z.infer<typeof Mapping>;

/** Reads and checks a mapping document; errors name the path inside the mapping. */
export function parseMapping(doc: unknown, source = 'mapping'): Mapping {
  const r = Mapping.safeParse(doc);
  if (r.success) return r.data;
  const details = r.error.issues.map((i) => ({ field: i.path.join('.') || '(root)', problem: i.message }));
  throw new PortcullisError(
    'INVALID_MAPPING',
    `${source}: ${details.map((d) => `${d.field}: ${d.problem}`).join('; ')}`,
    details,
  );
}

/** The attributes of a mapping as name → field spec (a plain list maps each column to itself). */
export function attributeSpecs(m: Mapping): Record<string, FieldSpec> {
  if (!Array.isArray(m.attributes)) return m.attributes;
  return Object.fromEntries(m.attributes.map((c) => [c, FieldSpec.parse({ column: c })]));
}
