import { createHash } from 'node:crypto';
import type { TransportEventInput } from '../../domain/transport-event.ts';
import type { EdiMessage, EdiSegment, Problem } from './edifact-reader.ts';
import { at, comp, dateTime, first, kilograms } from './edifact-values.ts';
import type { Mapped, Source } from './mapped.ts';

/**
 * A UN/EDIFACT CUSCAR (customs cargo report, D.96B) message as carrier movements — the DCSA-style
 * transport events Portcullis records from carriers (domain/transport-event.ts), linked to
 * declarations as every movement is: by container number and by transport document.
 *
 *   BGM 1004                      → the report number (part of each event's id; required)
 *   NAD+CA C082:3039              → carrier (required)
 *   TDT 8028 / C222 (8213, 8212)  → voyage / vessel (IMO number, else name)
 *   LOC+9 / LOC+11 C517:3225      → where the goods are loaded / discharged (UN/LOCODE)
 *   DTM+186 / DTM+133             → departure, actual (ACT) / estimated (EST)
 *   DTM+178 / DTM+132             → arrival, actual (ACT) / estimated (EST)
 *   each consignment: CNI C503:1004 (or RFF+BM)   → transportDocument (required)
 *     EQD+CN C237:8260            → container;  SEL 9308 → its seals;  MEA+WT+G → its gross weight
 *     MEA+WT+G before any EQD     → the consignment's gross weight (a one-container consignment's)
 *
 * For each container of a consignment: a LOAD at the place of loading (when a departure is given)
 * and a DISC at the place of discharge (when an arrival is given); a consignment without containers
 * gives the vessel's DEPA and ARRI under its transport document. Event ids are made of the report
 * number, the consignment and the container, so that a report sent again adds nothing.
 */

type Event = TransportEventInput & Record<string, unknown>;

const eventId = (parts: readonly string[]): string => {
  const id = `CUSCAR:${parts.join(':')}`;
  return id.length <= 100 ? id : `CUSCAR:${createHash('sha256').update(id).digest('hex').slice(0, 40)}`;
};

export function mapCuscar(m: EdiMessage): Mapped<TransportEventInput[]> {
  const problems: Problem[] = [...m.problems];
  const sources = new Map<string, Source>();
  const base = { index: m.index, reference: m.reference, sources };
  if (problems.length > 0) return { ...base, value: undefined, problems };
  if (m.type !== 'CUSCAR') return { ...base, value: undefined, problems: [{ ...at(m.segments[0]!, 'S009:0065'), problem: `a ${m.type || '(no type)'} message`, expected: 'CUSCAR' }] };
  const body = m.segments.slice(1, -1);
  const summary = body.findIndex((s) => s.tag === 'UNS' && comp(s, 1) === 'S');
  const segments = summary < 0 ? body : body.slice(0, summary);
  const starts = segments.flatMap((s, i) => (s.tag === 'CNI' ? [i] : []));
  const header = segments.slice(0, starts[0] ?? segments.length);
  const groups = starts.map((from, k) => segments.slice(from, starts[k + 1] ?? segments.length));

  const bgm = first(header, 'BGM');
  const report = comp(bgm, 2);
  if (report === undefined) problems.push({ segment: 'BGM', position: bgm?.position, element: '1004', problem: bgm === undefined ? 'the message has no BGM' : 'BGM has no document number', expected: 'BGM+785+<cargo report number>+9' });
  const ca = first(header, 'NAD', 'CA');
  const carrier = comp(ca, 2);
  if (carrier === undefined) problems.push({ segment: 'NAD+CA', position: ca?.position, element: 'C082:3039', field: 'carrier', problem: ca === undefined ? 'the message has no NAD+CA' : 'NAD+CA has no party identification', expected: "NAD+CA+<the carrier's party id>" });
  const tdt = first(header, 'TDT');
  const voyage = comp(tdt, 2);
  const vessel = comp(tdt, 8, 1) ?? comp(tdt, 8, 4);

  const place = (q: string) => {
    const s = first(header, 'LOC', q);
    return s === undefined || comp(s, 2) === undefined ? undefined : { value: comp(s, 2)!, s };
  };
  const loading = place('9');
  const discharge = place('11');
  const time = (actual: string, estimated: string) => {
    const s = first(header, 'DTM', actual) ?? first(header, 'DTM', estimated);
    if (s === undefined) return undefined;
    const t = dateTime(s, 'eventDateTime');
    if (!t.ok) {
      problems.push(t.problem);
      return undefined;
    }
    return { value: t.value, classifier: comp(s, 1) === actual ? 'ACT' : 'EST', s } as const;
  };
  const departure = time('186', '133');
  const arrival = time('178', '132');
  if (departure === undefined && arrival === undefined && !problems.some((p) => p.segment === 'DTM')) problems.push({ segment: 'DTM', element: 'C507:2005', field: 'eventDateTime', problem: 'the message gives neither a departure nor an arrival', expected: 'DTM+186 (actual) or DTM+133 (estimated departure), DTM+178 (actual) or DTM+132 (estimated arrival)' });
  if (departure !== undefined && loading === undefined) problems.push({ segment: 'LOC+9', element: 'C517:3225', field: 'location', problem: 'a departure is given, but no place of loading', expected: 'LOC+9+<UN/LOCODE>' });
  if (arrival !== undefined && discharge === undefined) problems.push({ segment: 'LOC+11', element: 'C517:3225', field: 'location', problem: 'an arrival is given, but no place of discharge', expected: 'LOC+11+<UN/LOCODE>' });
  if (groups.length === 0) problems.push({ segment: 'CNI', element: 'C503:1004', field: 'transportDocument', problem: 'the message reports no consignment', expected: 'one or more consignments, each beginning CNI+<number>+<bill of lading number>' });
  if (problems.length > 0 || report === undefined || carrier === undefined) return { ...base, value: undefined, problems };

  const events: Event[] = [];
  const add = (e: Event, from: { container?: EdiSegment; document: EdiSegment; weight?: EdiSegment; location: EdiSegment; when: EdiSegment }) => {
    const n = events.length;
    events.push(e);
    sources.set(`${n}`, at(from.document, 'C503:1004'));
    sources.set(`${n}.transportDocument`, at(from.document, from.document.tag === 'CNI' ? 'C503:1004' : 'C506:1154'));
    sources.set(`${n}.carrier`, at(ca!, 'C082:3039'));
    sources.set(`${n}.location`, at(from.location, 'C517:3225'));
    sources.set(`${n}.eventDateTime`, at(from.when, 'C507:2380'));
    if (from.container !== undefined) sources.set(`${n}.container`, at(from.container, 'C237:8260'));
    if (from.weight !== undefined) sources.set(`${n}.grossWeightKg`, at(from.weight, 'C174:6314'));
    if (tdt !== undefined) sources.set(`${n}.vessel`, at(tdt, 'C222:8213'));
  };
  groups.forEach((g, k) => {
    const cni = g[0]!;
    const bm = g.find((s) => s.tag === 'RFF' && comp(s, 1, 1) === 'BM');
    const document = comp(cni, 2) ?? comp(bm, 1, 2);
    const docSegment = comp(cni, 2) !== undefined ? cni : bm;
    if (document === undefined || docSegment === undefined) {
      problems.push({ ...at(cni, 'C503:1004', 'transportDocument'), problem: `consignment ${k + 1} names no transport document`, expected: 'CNI+<number>+<bill of lading number>, or RFF+BM:<bill of lading number> in the consignment' });
      return;
    }
    const consignment = comp(cni, 1) ?? String(k + 1);
    const eqds = g.flatMap((s, i) => (s.tag === 'EQD' && comp(s, 1) === 'CN' ? [i] : []));
    const gross = (segs: readonly EdiSegment[]) => segs.find((s) => s.tag === 'MEA' && comp(s, 1) === 'WT' && comp(s, 2, 1) === 'G');
    const consignmentWeight = gross(g.slice(0, eqds[0] ?? g.length));
    const weightOf = (s: EdiSegment | undefined): number | undefined => {
      if (s === undefined) return undefined;
      const kg = kilograms(s, 'grossWeightKg');
      if (kg.ok) return kg.value;
      problems.push(kg.problem);
      return undefined;
    };
    const common = { carrier, transportDocument: document, ...(voyage === undefined ? {} : { voyage }), ...(vessel === undefined ? {} : { vessel }) };
    if (eqds.length === 0) {
      for (const [code, when, where] of [['DEPA', departure, loading], ['ARRI', arrival, discharge]] as const) {
        if (when === undefined || where === undefined) continue;
        add({ ...common, eventId: eventId([report, consignment, code]), eventType: 'TRANSPORT', eventCode: code, eventClassifier: when.classifier, eventDateTime: when.value, location: where.value }, { document: docSegment, location: where.s, when: when.s });
      }
      return;
    }
    eqds.forEach((from, i) => {
      const segs = g.slice(from, eqds[i + 1] ?? g.length);
      const eqd = segs[0]!;
      const container = comp(eqd, 2);
      if (container === undefined) {
        problems.push({ ...at(eqd, 'C237:8260', 'container'), problem: 'EQD+CN names no container', expected: 'EQD+CN+<ISO 6346 container number>' });
        return;
      }
      const seals = segs.filter((s) => s.tag === 'SEL' && comp(s, 1) !== undefined).map((s) => comp(s, 1)!);
      const weightSegment = gross(segs) ?? (eqds.length === 1 ? consignmentWeight : undefined);
      const grossWeightKg = weightOf(weightSegment);
      for (const [code, when, where] of [['LOAD', departure, loading], ['DISC', arrival, discharge]] as const) {
        if (when === undefined || where === undefined) continue;
        add(
          { ...common, eventId: eventId([report, consignment, container, code]), eventType: 'EQUIPMENT', eventCode: code, eventClassifier: when.classifier, eventDateTime: when.value, location: where.value, container, seals, ...(grossWeightKg === undefined ? {} : { grossWeightKg }) },
          { container: eqd, document: docSegment, location: where.s, when: when.s, ...(weightSegment === undefined ? {} : { weight: weightSegment }) },
        );
      }
    });
  });
  return { ...base, value: problems.length > 0 ? undefined : events, problems };
}
