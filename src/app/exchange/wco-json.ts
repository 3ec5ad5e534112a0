import type { DeclarationInput } from '../../domain/declaration.ts';
import { PortcullisError } from '../../domain/errors.ts';
import type { Problem } from './edifact-reader.ts';
import type { Mapped, Source } from './mapped.ts';

/**
 * Declarations in the shape of the WCO Data Model's JSON (class and attribute names of the WCO DM
 * declaration): `{ "Declaration": {...} }`, `{ "Declarations": [ {...}, ... ] }` or an array of
 * declarations. docs/exchange.md lists every attribute read; errors name the JSON path.
 */

type J = Record<string, unknown>;

export const MAX_WCO_DECLARATIONS = 1000;

const isObject = (v: unknown): v is J => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The declarations of a WCO JSON text; INVALID_INPUT when it is not JSON or holds none. */
export function readWcoJson(textOrValue: string | unknown): Mapped<DeclarationInput>[] {
  let doc: unknown = textOrValue;
  if (typeof textOrValue === 'string') {
    try {
      doc = JSON.parse(textOrValue);
    } catch (e) {
      throw new PortcullisError('INVALID_INPUT', `not JSON: ${(e as Error).message}`, [{ field: '(document)', problem: 'not JSON', expected: 'a WCO Data Model declaration as JSON (docs/exchange.md)' }]);
    }
  }
  const list: { path: string; value: unknown }[] = Array.isArray(doc)
    ? doc.map((value, i) => ({ path: `[${i}]`, value }))
    : isObject(doc) && Array.isArray(doc.Declarations)
      ? doc.Declarations.map((value, i) => ({ path: `Declarations[${i}]`, value }))
      : isObject(doc) && 'Declaration' in doc
        ? [{ path: 'Declaration', value: doc.Declaration }]
        : [];
  if (list.length === 0) throw new PortcullisError('INVALID_INPUT', 'the document holds no declaration', [{ field: '(document)', problem: 'no Declaration, Declarations or array of declarations', expected: '{"Declaration": {...}}, {"Declarations": [...]} or [...] (docs/exchange.md)' }]);
  if (list.length > MAX_WCO_DECLARATIONS) throw new PortcullisError('INVALID_INPUT', `the document holds ${list.length} declarations`, [{ field: '(document)', problem: `${list.length} declarations`, expected: `at most ${MAX_WCO_DECLARATIONS} per document` }]);
  return list.map((d, i) => mapWcoDeclaration(d.value, d.path, i + 1));
}

/** A path's value, or undefined; arrays are entered by index ("Classification[0]"). */
function get(o: unknown, path: string): unknown {
  let v: unknown = o;
  for (const part of path.split('.')) {
    const m = /^([A-Za-z]+)(?:\[(\d+)\])?$/.exec(part);
    if (m === null || !isObject(v)) return undefined;
    v = v[m[1]!];
    if (m[2] !== undefined) v = Array.isArray(v) ? v[Number(m[2])] : undefined;
  }
  return v;
}

/** An identifier: a string (or a number, written as text). */
const idOf = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);

/** A WCO amount or measure: { value, currencyID | unitCode }, or a bare number. */
const measure = (v: unknown): { value: unknown; unit: string | undefined } | undefined =>
  v === undefined ? undefined : isObject(v) ? { value: v.value, unit: idOf(v.currencyID ?? v.unitCode) } : { value: v, unit: undefined };

export function mapWcoDeclaration(doc: unknown, path: string, index: number): Mapped<DeclarationInput> {
  const problems: Problem[] = [];
  const sources = new Map<string, Source>();
  const reference = idOf(get(doc, 'ID')) ?? null;
  const base = { index, reference, id: reference, sources };
  if (!isObject(doc)) return { ...base, value: undefined, problems: [{ element: path, problem: 'not an object', expected: 'a WCO Declaration object' }] };
  const out: Record<string, unknown> = {};
  const read = (field: string, attr: string, required?: string) => {
    const v = get(doc, attr);
    const s = idOf(v);
    if (s !== undefined) {
      out[field] = s;
      sources.set(field, { element: `${path}.${attr}` });
    } else if (v !== undefined || required !== undefined) problems.push({ element: `${path}.${attr}`, field, problem: v === undefined ? 'missing' : `${JSON.stringify(v)} is not an identifier`, expected: required ?? 'text' });
  };
  read('id', 'ID', 'the declaration\'s reference (LRN), 1 to 64 characters');
  const issued = get(doc, 'IssueDateTime');
  const when = isObject(issued) ? issued.value ?? issued.DateTimeString : issued;
  if (typeof when === 'string') {
    out.filedAt = when;
    sources.set('filedAt', { element: `${path}.IssueDateTime` });
  } else problems.push({ element: `${path}.IssueDateTime`, field: 'filedAt', problem: when === undefined ? 'missing' : `${JSON.stringify(when)} is not a date-time`, expected: 'an ISO 8601 UTC date-time such as 2025-03-01T08:15:00Z' });
  read('customsOffice', 'DeclarationOffice.ID', 'DeclarationOffice.ID, the customs office code');
  read('importer', 'Importer.ID', 'Importer.ID, the importer\'s party id');
  read('declarant', 'Declarant.ID');
  read('seller', 'Exporter.ID');
  read('modeOfTransport', 'BorderTransportMeans.ModeCode');
  read('exportCountry', 'GoodsShipment.ExportCountry.ID');
  read('transportDocument', 'GoodsShipment.Consignment.TransportContractDocument.ID');
  read('portOfLoading', 'GoodsShipment.Consignment.LoadingLocation.ID');
  read('portOfDischarge', 'GoodsShipment.Consignment.UnloadingLocation.ID');
  const equipment = get(doc, 'GoodsShipment.Consignment.TransportEquipment');
  if (equipment !== undefined) {
    const list = Array.isArray(equipment) ? equipment : [equipment];
    out.containers = list.map((e, i) => {
      const at = `${path}.GoodsShipment.Consignment.TransportEquipment[${i}].ID`;
      sources.set(`containers.${i}`, { element: at });
      const id = idOf(get(e, 'ID'));
      if (id === undefined) problems.push({ element: at, field: `containers.${i}`, problem: 'missing', expected: 'an ISO 6346 container number' });
      return id ?? '';
    });
  }
  const goods = get(doc, 'GoodsShipment.GovernmentAgencyGoodsItem');
  const itemsPath = `${path}.GoodsShipment.GovernmentAgencyGoodsItem`;
  sources.set('items', { element: itemsPath });
  if (!Array.isArray(goods) || goods.length === 0) problems.push({ element: itemsPath, field: 'items', problem: goods === undefined ? 'missing' : 'not a non-empty array', expected: 'an array of goods items, each with SequenceNumeric, Commodity.Classification and CustomsValueAmount' });
  else out.items = goods.map((g, i) => item(g, `${itemsPath}[${i}]`, `items.${i}`, sources, problems));
  return { ...base, value: problems.length > 0 ? undefined : (out as DeclarationInput), problems };
}

function item(g: unknown, path: string, field: string, sources: Map<string, Source>, problems: Problem[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  sources.set(field, { element: path });
  const put = (name: string, attr: string, value: unknown) => {
    out[name] = value;
    sources.set(`${field}.${name}`, { element: `${path}.${attr}` });
  };
  const seq = get(g, 'SequenceNumeric');
  if (typeof seq === 'number' || (typeof seq === 'string' && /^\d{1,5}$/.test(seq))) put('sequence', 'SequenceNumeric', Number(seq));
  else problems.push({ element: `${path}.SequenceNumeric`, field: `${field}.sequence`, problem: seq === undefined ? 'missing' : `${JSON.stringify(seq)} is not a number`, expected: 'the goods item number 1, 2, 3… in order' });
  const classes = get(g, 'Commodity.Classification');
  const list = Array.isArray(classes) ? classes : classes === undefined ? [] : [classes];
  const k = list.findIndex((c) => ['TSP', 'HS'].includes(idOf(get(c, 'IdentificationTypeCode')) ?? ''));
  const hs = k < 0 ? undefined : idOf(get(list[k], 'ID'));
  if (hs !== undefined) put('hsCode', `Commodity.Classification[${k}].ID`, hs);
  else problems.push({ element: `${path}.Commodity.Classification`, field: `${field}.hsCode`, problem: k < 0 ? 'no classification with IdentificationTypeCode TSP (or HS)' : 'the classification has no ID', expected: '{"ID": "<HS code, 6 to 10 digits>", "IdentificationTypeCode": "TSP"}' });
  const description = get(g, 'Commodity.Description');
  if (typeof description === 'string') put('description', 'Commodity.Description', description);
  const origin = get(g, 'Origin');
  const country = idOf(get(Array.isArray(origin) ? origin[0] : origin, 'CountryCode'));
  if (country !== undefined) put('originCountry', Array.isArray(origin) ? 'Origin[0].CountryCode' : 'Origin.CountryCode', country);
  const number = (name: string, attr: string, v: unknown, expected: string) => {
    if (typeof v === 'number') put(name, attr, v);
    else if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v)) put(name, attr, Number(v));
    else problems.push({ element: `${path}.${attr}`, field: `${field}.${name}`, problem: v === undefined ? 'missing' : `${JSON.stringify(v)} is not a number`, expected });
  };
  const value = measure(get(g, 'CustomsValueAmount'));
  if (value === undefined) problems.push({ element: `${path}.CustomsValueAmount`, field: `${field}.customsValue`, problem: 'missing', expected: '{"value": <amount>, "currencyID": "<ISO 4217>"}' });
  else {
    number('customsValue', 'CustomsValueAmount.value', value.value, 'an amount ≥ 0');
    if (value.unit !== undefined) put('currency', 'CustomsValueAmount.currencyID', value.unit);
    else problems.push({ element: `${path}.CustomsValueAmount.currencyID`, field: `${field}.currency`, problem: 'missing', expected: 'an ISO 4217 currency code such as EUR' });
  }
  const net = measure(get(g, 'GoodsMeasure.NetNetWeightMeasure'));
  if (net !== undefined) {
    if (net.unit !== undefined && net.unit !== 'KGM') problems.push({ element: `${path}.GoodsMeasure.NetNetWeightMeasure.unitCode`, field: `${field}.netMassKg`, problem: `unit ${net.unit}`, expected: 'KGM' });
    else number('netMassKg', 'GoodsMeasure.NetNetWeightMeasure.value', net.value, 'kilograms ≥ 0');
  }
  const qty = measure(get(g, 'GoodsMeasure.TariffQuantity'));
  if (qty !== undefined) {
    number('quantity', 'GoodsMeasure.TariffQuantity.value', qty.value, 'a quantity ≥ 0');
    if (qty.unit !== undefined) put('quantityUnit', 'GoodsMeasure.TariffQuantity.unitCode', qty.unit);
  }
  return out;
}
