import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import edifact from 'edifact';
import { mapCuscar } from '../../../src/app/exchange/cuscar.ts';
import { mapCusdec } from '../../../src/app/exchange/cusdec.ts';
import { LANE_OF_CODE, writeCusres, type DeclarationStatus } from '../../../src/app/exchange/cusres.ts';
import { readInterchange } from '../../../src/app/exchange/edifact-reader.ts';
import { readWcoJson } from '../../../src/app/exchange/wco-json.ts';
import { isPortcullisError } from '../../../src/domain/errors.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/exchange');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

describe('CUSDEC mapping', () => {
  const interchange = readInterchange(fixture('cusdec-interchange.edi'));

  test('reads the envelope and each message with its UNH reference', () => {
    assert.equal(interchange.syntax, 'UNOC');
    assert.equal(interchange.sender, 'BROKERSYS');
    assert.equal(interchange.controlReference, 'IC0000042');
    assert.deepEqual(interchange.messages.map((m) => [m.index, m.reference, m.type, m.version]), [[1, 'M001', 'CUSDEC', 'D:96B'], [2, 'M002', 'CUSDEC', 'D:96B'], [3, 'M003', 'CUSDEC', 'D:96B'], [4, 'M004', 'CUSDEC', 'D:96B']]);
    assert.deepEqual(interchange.problems, []);
  });

  test('maps every element Portcullis needs from its named segment', () => {
    const m = mapCusdec(interchange.messages[0]!);
    assert.deepEqual(m.problems, []);
    assert.deepEqual(m.value, {
      id: 'EX-DEC-0001',
      filedAt: '2025-03-01T08:15:00.000Z',
      customsOffice: 'NLRTM01',
      portOfLoading: 'CNSHA',
      portOfDischarge: 'NLRTM',
      exportCountry: 'CN',
      importer: 'IMP-A',
      declarant: 'IMP-A',
      seller: 'SEL-SHENZHEN-7',
      modeOfTransport: '1',
      transportDocument: 'MAEU250300118',
      containers: ['MSKU1234565'],
      items: [
        // The release character keeps the comma of "computers?," and the colon splits the text into two components.
        { sequence: 1, hsCode: '847130', description: 'Portable computers, 14 inch laptops', originCountry: 'CN', quantity: 120, quantityUnit: 'NAR', netMassKg: 310.5, customsValue: 48000, currency: 'EUR', duty: 0 },
        // The currency from MOA itself; tonnes to kilograms; a decimal point or comma alike.
        { sequence: 2, hsCode: '851712', description: 'Mobile phones', originCountry: 'VN', netMassKg: 200, customsValue: 21000.5, currency: 'EUR' },
      ],
    });
    assert.deepEqual(m.sources.get('items.0.hsCode'), { segment: 'CST', position: 17, element: 'C246:7361' });
    assert.deepEqual(m.sources.get('id'), { segment: 'BGM', position: 3, element: '1004' });
  });

  test('a required segment missing names the message, the segment and the element', () => {
    const m = mapCusdec(interchange.messages[2]!);
    assert.equal(m.value, undefined);
    assert.equal(m.reference, 'M003');
    assert.deepEqual(m.problems.map((p) => [p.segment, p.element, p.field]), [['LOC+22', 'C517:3225', 'customsOffice']]);
  });

  test('a message of another type is refused at UNH S009:0065', () => {
    const i = readInterchange("UNB+UNOC:3+A+B+250301:0800+X1'UNH+1+INVOIC:D:96A:UN'BGM+380+INV1'UNT+3+1'UNZ+1+X1'");
    const m = mapCusdec(i.messages[0]!);
    assert.deepEqual(m.problems.map((p) => [p.segment, p.element, p.problem, p.expected]), [['UNH', 'S009:0065', 'a INVOIC message', 'CUSDEC']]);
  });

  test('a wrong UNT segment count or reference rejects that message only, naming UNT 0074 / 0062', () => {
    const text = "UNB+UNOC:3+A+B+250301:0800+X2'UNH+1+CUSDEC:D:96B:UN'BGM+929+D1+9'UNT+7+1'UNH+2+CUSDEC:D:96B:UN'BGM+929+D2+9'UNT+3+9'UNZ+2+X2'";
    const i = readInterchange(text);
    assert.deepEqual(i.messages[0]!.problems.map((p) => [p.segment, p.element, p.problem]), [['UNT', '0074', 'counts 7 segments, the message has 3 (UNH to UNT)']]);
    assert.deepEqual(i.messages[1]!.problems.map((p) => [p.segment, p.element]), [['UNT', '0062']]);
  });

  test('a syntax error (a character outside UNOA) rejects its message only, naming the segment', () => {
    const text = "UNB+UNOA:3+A+B+250301:0800+X3'UNH+1+CUSDEC:D:96B:UN'BGM+929+D1+9'FTX+AAA+++lower case'UNT+4+1'UNH+2+CUSDEC:D:96B:UN'BGM+929+D2+9'UNT+3+2'UNZ+2+X3'";
    const i = readInterchange(text);
    assert.equal(i.messages.length, 2);
    assert.deepEqual(i.messages[0]!.problems.map((p) => [p.segment, p.position]), [['FTX', 4]]);
    assert.match(i.messages[0]!.problems[0]!.problem, /Invalid character/);
    assert.deepEqual(i.messages[1]!.problems, []);
  });

  test('honours the UNA service string advice: other delimiters and release character', () => {
    const text = "UNA|*.# !UNB*UNOC|3*A*B*250301|0800*X4!UNH*1*CUSDEC|D|96B|UN!BGM*929*D#*1*9!UNT*3*1!UNZ*1*X4!";
    const i = readInterchange(text);
    assert.deepEqual(i.messages[0]!.segments[1]!.elements, [['929'], ['D*1'], ['9']]);
  });

  test('not EDIFACT at all is INVALID_INPUT', () => {
    assert.throws(() => readInterchange('{"Declaration": {}}'), (e) => isPortcullisError(e) && e.code === 'INVALID_INPUT');
    assert.throws(() => readInterchange("UNB+UNOX:3+A+B+250301:0800+X'"), (e) => isPortcullisError(e) && e.details[0]?.field === 'UNB S001:0001');
  });
});

describe('CUSCAR mapping', () => {
  const interchange = readInterchange(fixture('cuscar-report.edi'));

  test('each container of each consignment: a LOAD at loading (actual) and a DISC at discharge (estimated)', () => {
    const m = mapCuscar(interchange.messages[0]!);
    assert.deepEqual(m.problems, []);
    const events = m.value!;
    assert.deepEqual(events.map((e) => [e.eventId, e.eventCode, e.eventClassifier, e.location, e.container, e.transportDocument, e.grossWeightKg, e.eventDateTime]), [
      ['CUSCAR:MAN-118W-NLRTM:1:MSKU1234565:LOAD', 'LOAD', 'ACT', 'CNSHA', 'MSKU1234565', 'MAEU250300118', 5150, '2025-02-02T14:00:00.000Z'],
      ['CUSCAR:MAN-118W-NLRTM:1:MSKU1234565:DISC', 'DISC', 'EST', 'NLRTM', 'MSKU1234565', 'MAEU250300118', 5150, '2025-03-01T18:00:00.000Z'],
      ['CUSCAR:MAN-118W-NLRTM:2:MSCU5550006:LOAD', 'LOAD', 'ACT', 'CNSHA', 'MSCU5550006', 'MAEU250300119', 12400, '2025-02-02T14:00:00.000Z'],
      ['CUSCAR:MAN-118W-NLRTM:2:MSCU5550006:DISC', 'DISC', 'EST', 'NLRTM', 'MSCU5550006', 'MAEU250300119', 12400, '2025-03-01T18:00:00.000Z'],
    ]);
    assert.deepEqual([events[0]!.carrier, events[0]!.vessel, events[0]!.voyage, events[0]!.seals], ['CAR-1', '9811000', 'VOY-118W', ['SL-99120']]);
  });

  test('a report without its carrier names NAD+CA C082:3039', () => {
    const m = mapCuscar(interchange.messages[1]!);
    assert.equal(m.reference, 'R2');
    assert.deepEqual(m.problems.map((p) => [p.segment, p.element, p.field]), [['NAD+CA', 'C082:3039', 'carrier']]);
  });
});

describe('WCO Data Model JSON', () => {
  test('maps the declaration classes and attributes; errors name the JSON path', () => {
    const [a, b] = readWcoJson(fixture('wco-declarations.json'));
    assert.equal(a!.value!.id, 'WCO-LRN-0001');
    assert.deepEqual(a!.value!.items.map((i) => [i.sequence, i.hsCode, i.customsValue, i.currency, i.netMassKg, i.originCountry]), [[1, '630260', 15800.4, 'EUR', 1980, 'TR'], [2, '620821', 7400, 'EUR', undefined, 'TR']]);
    assert.deepEqual([a!.value!.containers, a!.value!.portOfLoading, a!.value!.transportDocument, a!.value!.seller], [['MSCU5550006'], 'TRIST', 'MSCU-BL-778812', 'EXP-IST-3']);
    assert.equal(b!.value, undefined);
    assert.deepEqual(b!.problems.map((p) => [p.element, p.field]), [['Declarations[1].GoodsShipment.GovernmentAgencyGoodsItem[0].CustomsValueAmount.currencyID', 'items.0.currency']]);
  });

  test('not JSON, or no declaration in it, is INVALID_INPUT', () => {
    assert.throws(() => readWcoJson('UNB+'), (e) => isPortcullisError(e) && e.code === 'INVALID_INPUT');
    assert.throws(() => readWcoJson('{"Other": 1}'), (e) => isPortcullisError(e) && e.details[0]?.field === '(document)');
  });
});

describe('CUSRES writing', () => {
  const statuses: DeclarationStatus[] = [
    { declarationId: "ODD+ID:WITH'DELIMS?", lane: 'red', status: 'physical inspection', decidedAt: '2025-03-01T08:15:03.000Z', revision: 2, office: 'NLRTM01', transportDocument: 'MAEU1', containers: ['MSKU1234565'] },
    { declarationId: 'D-2', lane: 'green', status: 'released', decidedAt: '2025-03-01T09:00:00.000Z', revision: 1, office: 'NLRTM01', containers: [] },
  ];
  const text = writeCusres(statuses, { sender: 'customs', recipient: 'IMP-A', preparedAt: '2025-03-02T10:00:00.000Z', controlReference: '250302100000' });

  test("round-trips through the edifact package's own parser", () => {
    const parser = new edifact.Parser();
    parser.encoding('UNOC');
    const segments: { tag: string; elements: string[][] }[] = [];
    let current: string[][] = [];
    parser.onopensegment = (tag) => segments.push({ tag, elements: (current = []) });
    parser.onelement = () => current.push([]);
    parser.oncomponent = (c) => current[current.length - 1]!.push(c);
    parser.onclosesegment = () => undefined;
    parser.write(text);
    parser.end();
    assert.deepEqual(segments.map((s) => s.tag), ['UNB', 'UNH', 'BGM', 'DTM', 'DTM', 'FTX', 'LOC', 'GIS', 'EQD', 'RFF', 'RFF', 'UNT', 'UNH', 'BGM', 'DTM', 'DTM', 'FTX', 'LOC', 'GIS', 'RFF', 'UNT', 'UNZ']);
    const bgm = segments.filter((s) => s.tag === 'BGM');
    assert.deepEqual(bgm.map((s) => s.elements[1]![0]), ["ODD+ID:WITH'DELIMS?", 'D-2'], 'the released delimiters come back as they were');
    assert.deepEqual(segments.filter((s) => s.tag === 'GIS').map((s) => LANE_OF_CODE[s.elements[0]![0]!]), ['red', 'green']);
    assert.deepEqual(segments.filter((s) => s.tag === 'DTM' && s.elements[0]![0] === '9').map((s) => s.elements[0]![1]), ['20250301081503', '20250301090000']);
    assert.deepEqual(segments.find((s) => s.tag === 'UNZ')!.elements, [['2'], ['250302100000']]);
  });

  test('and through our reader, UNT counts and references checked', () => {
    const i = readInterchange(text);
    assert.equal(i.messages.length, 2);
    assert.deepEqual(i.messages.flatMap((m) => m.problems), []);
    assert.deepEqual(i.problems, []);
    assert.deepEqual(i.messages.map((m) => m.type), ['CUSRES', 'CUSRES']);
    assert.ok(!/score|reason|probability/i.test(text), 'no score or reason in a status message');
  });
});
