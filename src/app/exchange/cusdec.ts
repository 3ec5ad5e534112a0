import type { DeclarationInput } from '../../domain/declaration.ts';
import type { EdiMessage, EdiSegment, Problem } from './edifact-reader.ts';
import { all, at, comp, dateTime, decimal, first, kilograms, text } from './edifact-values.ts';
import type { Mapped, Source } from './mapped.ts';

/**
 * A UN/EDIFACT CUSDEC (customs declaration, D.96B) message as a Portcullis declaration. The
 * mapping, segment by segment (docs/exchange.md has the table):
 *
 *   BGM 1004                 → id (required)
 *   DTM+137 C507             → filedAt (required; formats 102, 203, 204, UTC)
 *   LOC+22 C517:3225         → customsOffice (required: the customs office of clearance)
 *   LOC+9 / LOC+11 / LOC+35  → portOfLoading / portOfDischarge (UN/LOCODE) / exportCountry (ISO 3166)
 *   NAD+IM C082:3039         → importer (required; NAD+CN, the consignee, when there is no NAD+IM)
 *   NAD+DT / NAD+SE (or CZ)  → declarant / seller (the consignor when there is no seller)
 *   TDT C220:8067            → modeOfTransport (UN/ECE Rec. 19)
 *   RFF+BM (or BH, AWB)      → transportDocument
 *   EQD+CN C237:8260         → containers (ISO 6346)
 *   CUX C504:6345            → the currency of amounts that name none
 *   goods items, each starting at a CST with its goods item number (1496):
 *   CST 1496 / C246:7361     → items[].sequence / hsCode (required)
 *   FTX+AAA C108             → description;  LOC+27 → originCountry
 *   QTY C186 (6060, 6411)    → quantity, quantityUnit;  MEA (C502:6313 AAL) → netMassKg
 *   MOA+40 C516 (5004, 6345) → customsValue, currency (required);  MOA+161 → duty
 *
 * Only the presence and the form of elements are checked here; the declaration is then validated
 * as every filing is (HS codes, UN/LOCODEs, check digits…), and an error there names the segment
 * and element the field was read from (`sources`).
 */

type Out = Record<string, unknown>;

const TRANSPORT_DOCUMENTS = ['BM', 'BH', 'AWB'];

export function mapCusdec(m: EdiMessage): Mapped<DeclarationInput> {
  const problems: Problem[] = [...m.problems];
  const sources = new Map<string, Source>();
  const base: { index: number; reference: string; sources: Map<string, Source>; id?: string | null } = { index: m.index, reference: m.reference, sources };
  if (problems.length > 0) return { ...base, value: undefined, problems };
  if (m.type !== 'CUSDEC') {
    const unh = m.segments[0]!;
    return { ...base, value: undefined, problems: [{ ...at(unh, 'S009:0065'), problem: `a ${m.type || '(no type)'} message`, expected: 'CUSDEC' }] };
  }
  const body = m.segments.slice(1, -1);
  const summary = body.findIndex((s) => s.tag === 'UNS' && comp(s, 1) === 'S');
  const segments = summary < 0 ? body : body.slice(0, summary);
  const starts = segments.flatMap((s, i) => (s.tag === 'CST' && comp(s, 1) !== undefined ? [i] : []));
  const header = segments.slice(0, starts[0] ?? segments.length);
  const groups = starts.map((from, k) => segments.slice(from, starts[k + 1] ?? segments.length));

  const out: Out = {};
  const set = (field: string, value: unknown, s: EdiSegment, element: string) => {
    out[field] = value;
    sources.set(field, at(s, element));
  };
  const unh = m.segments[0]!;
  const missing = (field: string, segment: string, element: string, expected: string) => problems.push({ segment, element, field, problem: `the message has no ${segment} with ${element}`, expected });

  const bgm = first(header, 'BGM');
  const id = comp(bgm, 2);
  base.id = id ?? null;
  if (bgm !== undefined && id !== undefined) set('id', id, bgm, '1004');
  else problems.push({ segment: 'BGM', ...(bgm === undefined ? {} : { position: bgm.position }), element: '1004', field: 'id', problem: bgm === undefined ? 'the message has no BGM' : 'BGM has no document number', expected: 'BGM+929+<declaration number>+9 (the declaration number, 1 to 64 characters)' });

  const dtm = first(header, 'DTM', '137');
  if (dtm === undefined) missing('filedAt', 'DTM+137', 'C507:2380', 'DTM+137:<date-time>:<format 102, 203 or 204>, the filing date-time');
  else {
    const t = dateTime(dtm, 'filedAt');
    if (t.ok) set('filedAt', t.value, dtm, 'C507:2380');
    else problems.push(t.problem);
  }

  const loc = (qualifier: string, field: string, required?: string) => {
    const s = first(header, 'LOC', qualifier);
    const v = comp(s, 2);
    if (s !== undefined && v !== undefined) set(field, v, s, 'C517:3225');
    else if (required !== undefined) problems.push({ segment: `LOC+${qualifier}`, ...(s === undefined ? {} : { position: s.position }), element: 'C517:3225', field, problem: s === undefined ? `the message has no LOC+${qualifier}` : 'no location code', expected: required });
  };
  loc('22', 'customsOffice', 'LOC+22+<customs office code>, the customs office of clearance (1 to 32 characters)');
  loc('9', 'portOfLoading');
  loc('11', 'portOfDischarge');
  loc('35', 'exportCountry');

  const party = (qualifiers: string[], field: string, required?: string) => {
    for (const q of qualifiers) {
      const s = first(header, 'NAD', q);
      const v = comp(s, 2);
      if (s !== undefined && v !== undefined) return set(field, v, s, 'C082:3039');
      if (s !== undefined && required !== undefined) return problems.push({ ...at(s, 'C082:3039', field), problem: `NAD+${q} has no party identification`, expected: required });
    }
    if (required !== undefined) problems.push({ segment: `NAD+${qualifiers.join(' or NAD+')}`, element: 'C082:3039', field, problem: `the message has no NAD+${qualifiers.join(' or NAD+')}`, expected: required });
    return undefined;
  };
  party(['IM', 'CN'], 'importer', 'NAD+IM+<importer party id> (or NAD+CN, the consignee)');
  party(['DT'], 'declarant');
  party(['SE', 'CZ'], 'seller');

  const tdt = first(header, 'TDT');
  const mode = comp(tdt, 3);
  if (tdt !== undefined && mode !== undefined) set('modeOfTransport', mode, tdt, 'C220:8067');
  for (const q of TRANSPORT_DOCUMENTS) {
    const s = header.find((x) => x.tag === 'RFF' && comp(x, 1, 1) === q);
    const v = comp(s, 1, 2);
    if (s !== undefined && v !== undefined) {
      set('transportDocument', v, s, 'C506:1154');
      break;
    }
  }
  const containers = all(segments, 'EQD', 'CN').filter((s) => comp(s, 2) !== undefined);
  out.containers = containers.map((s, i) => {
    sources.set(`containers.${i}`, at(s, 'C237:8260'));
    return comp(s, 2)!;
  });
  if (containers.length > 0) sources.set('containers', at(containers[0]!, 'C237:8260'));

  const cux = first(header, 'CUX');
  const currency = comp(cux, 1, 2);

  if (groups.length === 0) problems.push({ segment: 'CST', element: '1496', field: 'items', problem: 'the message has no goods item', expected: 'one or more goods items, each beginning CST+<goods item number>+<HS code>' });
  out.items = groups.map((g, i) => item(g, i, { currency, cux, sources, problems }));
  if (problems.length === 0) sources.set('(declaration)', at(unh, '0062'));
  return { ...base, value: problems.length > 0 ? undefined : (out as DeclarationInput), problems };
}

function item(g: readonly EdiSegment[], i: number, c: { currency: string | undefined; cux: EdiSegment | undefined; sources: Map<string, Source>; problems: Problem[] }): Out {
  const p = `items.${i}`;
  const out: Out = {};
  const set = (field: string, value: unknown, s: EdiSegment, element: string) => {
    out[field] = value;
    c.sources.set(`${p}.${field}`, at(s, element));
  };
  const cst = g[0]!;
  c.sources.set(p, at(cst, '1496'));
  const seq = comp(cst, 1)!;
  if (/^\d{1,5}$/.test(seq)) set('sequence', Number(seq), cst, '1496');
  else c.problems.push({ ...at(cst, '1496', `${p}.sequence`), problem: `"${seq}" is not a goods item number`, expected: 'a whole number 1, 2, 3… in order' });
  const hs = comp(cst, 2);
  if (hs !== undefined) set('hsCode', hs, cst, 'C246:7361');
  else c.problems.push({ ...at(cst, 'C246:7361', `${p}.hsCode`), problem: 'the goods item has no commodity code', expected: 'CST+<item number>+<HS code, 6 to 10 digits>' });

  const ftx = first(g, 'FTX', 'AAA');
  const description = text(ftx, 4);
  if (ftx !== undefined && description !== undefined) set('description', description, ftx, 'C108:4440');
  const origin = first(g, 'LOC', '27');
  if (origin !== undefined && comp(origin, 2) !== undefined) set('originCountry', comp(origin, 2), origin, 'C517:3225');

  const qty = first(g, 'QTY');
  if (qty !== undefined) {
    const n = decimal(comp(qty, 1, 2));
    if (n === undefined) c.problems.push({ ...at(qty, 'C186:6060', `${p}.quantity`), problem: `"${comp(qty, 1, 2) ?? ''}" is not a quantity`, expected: 'a number ≥ 0' });
    else set('quantity', n, qty, 'C186:6060');
    const unit = comp(qty, 1, 3);
    if (unit !== undefined) set('quantityUnit', unit, qty, 'C186:6411');
  }
  const net = g.find((s) => s.tag === 'MEA' && comp(s, 2, 1) === 'AAL');
  if (net !== undefined) {
    const kg = kilograms(net, `${p}.netMassKg`);
    if (kg.ok) set('netMassKg', kg.value, net, 'C174:6314');
    else c.problems.push(kg.problem);
  }

  const money = (qualifier: string, field: 'customsValue' | 'duty', required: boolean) => {
    const s = g.find((x) => x.tag === 'MOA' && comp(x, 1, 1) === qualifier);
    if (s === undefined) {
      if (required) c.problems.push({ segment: `MOA+${qualifier}`, position: cst.position, element: 'C516:5004', field: `${p}.${field}`, problem: `goods item ${i + 1} has no MOA+${qualifier}`, expected: `MOA+${qualifier}:<amount>:<currency> in the goods item (after its CST)` });
      return;
    }
    const n = decimal(comp(s, 1, 2));
    if (n === undefined || n < 0) c.problems.push({ ...at(s, 'C516:5004', `${p}.${field}`), problem: `"${comp(s, 1, 2) ?? ''}" is not an amount`, expected: 'a number ≥ 0, e.g. 1500.00' });
    else set(field, n, s, 'C516:5004');
    if (field !== 'customsValue') return;
    const cur = comp(s, 1, 3);
    if (cur !== undefined) set('currency', cur, s, 'C516:6345');
    else if (c.currency !== undefined && c.cux !== undefined) set('currency', c.currency, c.cux, 'C504:6345');
    else c.problems.push({ ...at(s, 'C516:6345', `${p}.currency`), problem: 'the customs value names no currency, and the message has no CUX', expected: 'MOA+40:<amount>:<ISO 4217 currency>, or CUX+2:<currency>:4 in the header' });
  };
  money('40', 'customsValue', true);
  money('161', 'duty', false);
  return out;
}
