import { z } from 'zod';
import {
  checkContainerNumber,
  checkCountry,
  checkCurrency,
  checkHsCode,
  checkUnLocode,
} from './identifiers/index.ts';
import { identifier } from './refine.ts';

/**
 * An import declaration, named after the WCO Data Model where it has a name: the declaration
 * (goods declaration), its parties, the transport and one or more goods items.
 * Money is a number in the item's currency plus the ISO 4217 code; times are ISO 8601 UTC.
 */

/** No NUL: PostgreSQL cannot store it, and no filing needs it. */
const noNul = (s: string) => !s.includes('\u0000');
const text = (max: number) => z.string().trim().min(1).max(max).refine(noNul, 'contains a NUL character');

/**
 * An ISO 8601 UTC date-time, stored in one fixed-width form (YYYY-MM-DDTHH:mm:ss.sssZ) so that
 * times compare correctly as text in any database.
 */
export const UtcDateTime = z.iso.datetime({ offset: false }).transform((s) => (s.length === 24 ? s : new Date(s).toISOString()));
const amount = z.number().finite().nonnegative();

/** Extra columns an agency has, kept so that models can learn from them. */
export const AttributeValue = z.union([z.string().max(1000), z.number().finite(), z.boolean(), z.null()]);
export type AttributeValue = z.infer<typeof AttributeValue>;

const isAttributeValue = (v: unknown): v is AttributeValue =>
  v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.length <= 1000 && noNul(v));

/** The first attribute that breaks the rules, or undefined: names up to 128 characters, values as AttributeValue. */
export function badAttribute(o: unknown): string | undefined {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return 'attributes must be an object of name → value';
  // Keys, not entries: no pair allocated per attribute (intake checks every declaration's).
  for (const k of Object.keys(o)) {
    if (k.length > 128) return `attribute name "${k.slice(0, 40)}…" is longer than 128 characters`;
    if (!isAttributeValue((o as Record<string, unknown>)[k])) return `attribute "${k}" must be text of up to 1000 characters (no NUL), a finite number, true/false or null`;
  }
  return undefined;
}

/**
 * The attributes map, checked in one pass (as fast as intake needs: a record of unions costs three
 * times as much per declaration).
 */
export const Attributes = z.custom<Record<string, AttributeValue>>((o) => badAttribute(o) === undefined, {
  error: (issue) => badAttribute(issue.input) ?? 'invalid attributes',
});

export const GoodsItem = z.object({
  /** 1-based position of the item in the declaration (WCO: goods item sequence number). */
  sequence: z.number().int().min(1),
  /** Harmonized System commodity code, 6 to 10 digits. */
  hsCode: identifier(checkHsCode),
  description: text(512).optional(),
  originCountry: identifier(checkCountry).optional(),
  quantity: amount.optional(),
  /** UN/ECE Recommendation 20 unit code such as KGM, NAR, LTR. */
  quantityUnit: text(8).optional(),
  netMassKg: amount.optional(),
  customsValue: amount,
  currency: identifier(checkCurrency),
  /** Ad-valorem duty rate in percent. */
  taxRate: z.number().finite().min(0).max(1000).optional(),
  /** Duty assessed, in the item's currency. */
  duty: amount.optional(),
});
export type GoodsItem = z.infer<typeof GoodsItem>;

/** Bulk intake validates through acceptDeclaration (declaration-accept.ts) first: keep it in step with this schema. */
export const Declaration = z.object({
  id: text(64),
  /** Filing date-time, ISO 8601 UTC. */
  filedAt: UtcDateTime,
  customsOffice: text(32),
  declarant: text(64).optional(),
  importer: text(64),
  /** Seller or exporter. */
  seller: text(64).optional(),
  courier: text(64).optional(),
  /** Country of departure / export. */
  exportCountry: identifier(checkCountry).optional(),
  /** UN/ECE Recommendation 19 mode of transport code, or the agency's own code. */
  modeOfTransport: text(8).optional(),
  transportDocument: text(64).optional(),
  containers: z.array(identifier(checkContainerNumber)).max(500).default([]),
  portOfLoading: identifier(checkUnLocode).optional(),
  portOfDischarge: identifier(checkUnLocode).optional(),
  items: z
    .array(GoodsItem)
    .min(1)
    .max(999)
    .refine((items) => items.every((it, i) => it.sequence === i + 1), { message: 'goods items must be numbered 1, 2, 3… in order' })
    .refine((items) => items.every((it) => it.currency === items[0]?.currency), { message: 'all goods items of a declaration must be valued in one currency' }),
  attributes: Attributes.default({}),
});
export type Declaration = z.infer<typeof Declaration>;
/** What a caller submits: defaults not yet applied. */
export type DeclarationInput = z.input<typeof Declaration>;

/**
 * Outcome labels that come with historical data: whether the declaration was found illicit,
 * whether the finding was critical, and the revenue recovered.
 */
export const Labels = z.object({
  illicit: z.boolean().optional(),
  critical: z.boolean().optional(),
  revenueRecovered: amount.optional(),
});
export type Labels = z.infer<typeof Labels>;
