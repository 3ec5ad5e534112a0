import { badAttribute, type Declaration, type GoodsItem, type Labels } from './declaration.ts';
import { checkContainerNumber, checkCountry, checkCurrency, checkHsCode, checkUnLocode } from './identifiers/index.ts';
import type { Check } from './identifiers/check.ts';

/**
 * The fast lane of declaration validation, for bulk intake: `acceptDeclaration` returns the
 * declaration exactly as `Declaration.parse` would, or undefined when it cannot be sure, and then the
 * schema decides (and says what is wrong). It may send a valid input to the schema, but it must never
 * accept an input that the schema refuses or normalises differently: test/domain/declaration-accept.test.ts
 * checks that on generated and mutated inputs. Keep it in step with the schema in declaration.ts.
 *
 * It is about ten times as fast as the schema, because it checks each value in place and builds only
 * the output, where the schema's general machinery wraps every field.
 */

type In = Record<string, unknown>;

const isObject = (v: unknown): v is In => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Text as the schema's text(max): already trimmed (the schema would trim it), 1..max, no NUL. */
function text(v: unknown, max: number): v is string {
  return typeof v === 'string' && v.length >= 1 && v.length <= max && v.trim() === v && !v.includes('\u0000');
}

/** An optional field: absent is fine; present but undefined is left to the schema. */
const absent = (o: In, k: string, v: unknown) => v === undefined && !(k in o);

const amount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

const NO = undefined;

/** The normalised value of an identifier, or undefined. */
function id(check: (s: string) => Check<string>, v: unknown): string | undefined {
  if (typeof v !== 'string') return NO;
  const r = check(v);
  return r.ok ? r.value : NO;
}

/**
 * The fixed-width ISO form YYYY-MM-DDTHH:mm:ss.sssZ of a real date and time, the only form that the
 * schema keeps as it is; any other (valid or not) is left to the schema.
 */
function utcDateTime(v: unknown): v is string {
  if (typeof v !== 'string' || v.length !== 24) return false;
  if (v[4] !== '-' || v[7] !== '-' || v[10] !== 'T' || v[13] !== ':' || v[16] !== ':' || v[19] !== '.' || v[23] !== 'Z') return false;
  const y = digits(v, 0, 4);
  const mo = digits(v, 5, 7);
  const d = digits(v, 8, 10);
  const h = digits(v, 11, 13);
  const mi = digits(v, 14, 16);
  const s = digits(v, 17, 19);
  const ms = digits(v, 20, 23);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 || ms < 0) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = mo === 2 ? (leap ? 29 : 28) : mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
  return d <= days;
}

/** The decimal number written in s[from, to), or -1 if a character there is not a digit. */
function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function acceptItem(o: unknown, sequence: number): GoodsItem | undefined {
  if (!isObject(o) || o.sequence !== sequence) return NO;
  const hsCode = id(checkHsCode, o.hsCode);
  const currency = id(checkCurrency, o.currency);
  const customsValue = o.customsValue;
  if (hsCode === NO || currency === NO || !amount(customsValue)) return NO;
  const { description, originCountry, quantity, quantityUnit, netMassKg, taxRate, duty } = o;
  // Keys in the schema's order, as the schema gives them.
  const out: Record<string, unknown> = { sequence, hsCode };
  if (text(description, 512)) out.description = description;
  else if (!absent(o, 'description', description)) return NO;
  if (originCountry !== undefined) {
    const c = id(checkCountry, originCountry);
    if (c === NO) return NO;
    out.originCountry = c;
  } else if (!absent(o, 'originCountry', originCountry)) return NO;
  if (amount(quantity)) out.quantity = quantity;
  else if (!absent(o, 'quantity', quantity)) return NO;
  if (text(quantityUnit, 8)) out.quantityUnit = quantityUnit;
  else if (!absent(o, 'quantityUnit', quantityUnit)) return NO;
  if (amount(netMassKg)) out.netMassKg = netMassKg;
  else if (!absent(o, 'netMassKg', netMassKg)) return NO;
  out.customsValue = customsValue;
  out.currency = currency;
  if (typeof taxRate === 'number' && Number.isFinite(taxRate) && taxRate >= 0 && taxRate <= 1000) out.taxRate = taxRate;
  else if (!absent(o, 'taxRate', taxRate)) return NO;
  if (amount(duty)) out.duty = duty;
  else if (!absent(o, 'duty', duty)) return NO;
  return out as GoodsItem;
}

/** `Declaration.parse(input)` when the input is certainly valid; undefined when the schema must decide. */
export function acceptDeclaration(input: unknown): Declaration | undefined {
  if (!isObject(input)) return NO;
  const o = input;
  const { id: declId, filedAt, customsOffice, declarant, importer, seller, courier, exportCountry, modeOfTransport, transportDocument } = o;
  if (!text(declId, 64) || !utcDateTime(filedAt) || !text(customsOffice, 32) || !text(importer, 64)) return NO;
  const out: Record<string, unknown> = { id: declId, filedAt, customsOffice };
  if (text(declarant, 64)) out.declarant = declarant;
  else if (!absent(o, 'declarant', declarant)) return NO;
  out.importer = importer;
  if (text(seller, 64)) out.seller = seller;
  else if (!absent(o, 'seller', seller)) return NO;
  if (text(courier, 64)) out.courier = courier;
  else if (!absent(o, 'courier', courier)) return NO;
  if (exportCountry !== undefined) {
    const c = id(checkCountry, exportCountry);
    if (c === NO) return NO;
    out.exportCountry = c;
  } else if (!absent(o, 'exportCountry', exportCountry)) return NO;
  if (text(modeOfTransport, 8)) out.modeOfTransport = modeOfTransport;
  else if (!absent(o, 'modeOfTransport', modeOfTransport)) return NO;
  if (text(transportDocument, 64)) out.transportDocument = transportDocument;
  else if (!absent(o, 'transportDocument', transportDocument)) return NO;

  const containers: string[] = [];
  if (o.containers !== undefined) {
    if (!Array.isArray(o.containers) || o.containers.length > 500) return NO;
    for (const c of o.containers as unknown[]) {
      const n = id(checkContainerNumber, c);
      if (n === NO) return NO;
      containers.push(n);
    }
  } else if ('containers' in o) return NO;
  out.containers = containers;
  for (const k of ['portOfLoading', 'portOfDischarge'] as const) {
    const v = o[k];
    if (v !== undefined) {
      const p = id(checkUnLocode, v);
      if (p === NO) return NO;
      out[k] = p;
    } else if (k in o) return NO;
  }

  const rawItems = o.items;
  if (!Array.isArray(rawItems) || rawItems.length < 1 || rawItems.length > 999) return NO;
  const items: GoodsItem[] = [];
  for (let i = 0; i < rawItems.length; i++) {
    const it = acceptItem(rawItems[i], i + 1);
    if (it === NO || (i > 0 && it.currency !== items[0]!.currency)) return NO;
    items.push(it);
  }
  out.items = items;
  const attributes = o.attributes === undefined ? ('attributes' in o ? NO : {}) : o.attributes;
  if (attributes === NO || badAttribute(attributes) !== undefined) return NO;
  out.attributes = attributes;
  return out as Declaration;
}

/** `Labels.parse(input)` when the input is certainly valid; undefined when the schema must decide. */
export function acceptLabels(input: unknown): Labels | undefined {
  if (!isObject(input)) return NO;
  const { illicit, critical, revenueRecovered } = input;
  const out: Labels = {};
  if (typeof illicit === 'boolean') out.illicit = illicit;
  else if (!absent(input, 'illicit', illicit)) return NO;
  if (typeof critical === 'boolean') out.critical = critical;
  else if (!absent(input, 'critical', critical)) return NO;
  if (amount(revenueRecovered)) out.revenueRecovered = revenueRecovered;
  else if (!absent(input, 'revenueRecovered', revenueRecovered)) return NO;
  return out;
}
