import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMapping } from '../../../src/app/intake/mapping.ts';
import { compileRowConverter, type FieldProblem, type Finished, type RowConverter } from '../../../src/app/intake/row-converter.ts';
import { Declaration } from '../../../src/domain/declaration.ts';
import { arrayLocate, COLUMNS, CONTAINERS, testMapping, testMappingDoc, testRow, type Column } from '../../support/intake-fixtures.ts';

type Row = readonly string[];

const converter = (mapping = testMapping()): RowConverter<Row> => compileRowConverter(mapping, arrayLocate(COLUMNS));
const convert = (row: Row, c = converter()): Finished => c.finish([c.read(row)]);

function problemsOf(f: Finished): FieldProblem[] {
  assert.equal(f.ok, false, 'expected the row to be refused');
  return f.ok ? [] : f.problems;
}

function declarationOf(f: Finished) {
  if (!f.ok) assert.fail(`refused: ${JSON.stringify(f.problems)}`);
  return f;
}

const row = (over: Partial<Record<Column, string>>) => testRow(1, over);

describe('compileRowConverter', () => {
  it('turns a row into a valid declaration with labels and attributes', () => {
    const f = declarationOf(
      convert(row({ decl_id: 'D1', filed: '04/03/2021', export_country: 'cn', containers: 'CSQU3054383;MSKU9070323', hs: '71080', origin: 'ZZ', value: '1250.50', rate: '8', fraud: '1', note: 'urgent' })),
    );
    assert.deepEqual(f.declaration, {
      id: 'D1',
      filedAt: '2021-03-04T00:00:00.000Z',
      customsOffice: '030',
      importer: 'IMP1',
      exportCountry: 'CN',
      containers: ['CSQU3054383', 'MSKU9070323'],
      items: [{ sequence: 1, hsCode: '071080', customsValue: 1250.5, currency: 'KRW', taxRate: 8, duty: 100.04 }],
      attributes: { note: 'urgent' },
    });
    assert.deepEqual(f.labels, { illicit: true });
    assert.equal(Declaration.safeParse(f.declaration).success, true);
  });

  it('derives the duty as value × rate / 100 when no duty is mapped, to the cent', () => {
    const duty = (value: string, rate: string) => declarationOf(convert(row({ value, rate }))).declaration.items[0]!.duty;
    assert.equal(duty('1000', '8'), 80);
    assert.equal(duty('123.45', '8'), 9.88);
    assert.equal(duty('99.99', '0'), 0);
    assert.equal(duty('2500', '6.5'), 162.5);
  });

  it('takes a mapped duty as it is, and leaves the duty out without a rate', () => {
    const withDuty = testMapping((d) => {
      (d.fields as Record<string, unknown>)['item.duty'] = { column: 'note', type: 'number' };
    });
    assert.equal(declarationOf(convert(row({ value: '1000', rate: '8', note: '77' }), converter(withDuty))).declaration.items[0]!.duty, 77);
    const noRate = declarationOf(convert(row({ rate: '' }))).declaration.items[0]!;
    assert.equal(noRate.duty, undefined);
    assert.equal(noRate.taxRate, undefined);
  });

  it('leaves out absent optional fields and empty attributes', () => {
    const f = declarationOf(convert(row({ export_country: 'ZZ', containers: '', origin: '', note: '', fraud: '' })));
    assert.equal('exportCountry' in f.declaration, false);
    assert.deepEqual(f.declaration.containers, []);
    assert.deepEqual(f.declaration.attributes, {});
    assert.deepEqual(f.labels, {});
  });

  it('names field, column, value and expectation for a bad country', () => {
    assert.deepEqual(problemsOf(convert(row({ export_country: 'c9' }))), [
      { field: 'exportCountry', column: 'export_country', value: 'C9', problem: '"C9" is not an ISO 3166-1 alpha-2 country code', expected: 'an ISO 3166-1 alpha-2 country code (e.g. CN, KR, NL)' },
    ]);
    const [p] = problemsOf(convert(row({ origin: 'XX' })));
    assert.equal(p?.field, 'item.originCountry');
    assert.equal(p?.column, 'origin');
    assert.equal(p?.value, 'XX');
  });

  it('names the one container whose ISO 6346 check digit is wrong', () => {
    const [p, ...rest] = problemsOf(convert(row({ containers: `${CONTAINERS[0]};CSQU3054384` })));
    assert.deepEqual(rest, []);
    assert.equal(p?.field, 'containers');
    assert.equal(p?.column, 'containers');
    assert.equal(p?.value, 'CSQU3054384');
    assert.equal(p?.problem, 'check digit is 4, computed 3');
    assert.match(p?.expected ?? '', /3-letter owner code, category U\/J\/Z, 6-digit serial, 1 check digit/);
  });

  it('refuses HS chapter 77', () => {
    const [p] = problemsOf(convert(row({ hs: '770100' })));
    assert.deepEqual(p, { field: 'item.hsCode', column: 'hs', value: '770100', problem: 'chapter 77 is reserved for future use', expected: '6 to 10 digits of the Harmonized System, chapter 01-97 except 77 (e.g. 847130)' });
  });

  it('says a missing importer "is missing"', () => {
    assert.deepEqual(problemsOf(convert(row({ importer: '  ' }))), [{ field: 'importer', column: 'importer', value: undefined, problem: 'is missing', expected: 'a value' }]);
  });

  it('names cell errors with the raw cell: a wrong type and an impossible date', () => {
    assert.deepEqual(problemsOf(convert(row({ value: 'lots' }))), [
      { field: 'item.customsValue', column: 'value', value: 'lots', problem: '"lots" is not a number', expected: 'a number with "." as decimal separator' },
    ]);
    assert.deepEqual(problemsOf(convert(row({ filed: '29/02/2021' }))), [
      { field: 'filedAt', column: 'filed', value: '29/02/2021', problem: '"29/02/2021" is not a real date or time', expected: 'a valid DD/MM/YYYY date' },
    ]);
  });

  it('reports every validation problem of a row, not just the first', () => {
    const problems = problemsOf(convert(row({ export_country: 'C9', containers: 'CSQU3054384', hs: '770100', importer: '', value: '-5', rate: '' })));
    assert.deepEqual(problems.map((p) => p.field).sort(), ['containers', 'exportCountry', 'importer', 'item.customsValue', 'item.hsCode']);
    for (const p of problems) assert.ok(p.problem.length > 0 && p.column !== undefined, JSON.stringify(p));
  });

  it('reports every cell problem of a row', () => {
    const problems = problemsOf(convert(row({ filed: '2021-03-04', value: 'lots', rate: 'eight' })));
    assert.deepEqual(problems.map((p) => p.field), ['filedAt', 'item.customsValue', 'item.taxRate']);
  });

  it('reports cell problems and validation problems of one row together', () => {
    const problems = problemsOf(convert(row({ filed: '31/04/2021', export_country: 'C9' })));
    assert.deepEqual(problems.map((p) => p.field).sort(), ['exportCountry', 'filedAt']);
  });

  it('idOf reads the id even from a row it refuses, and undefined when there is none', () => {
    const c = converter();
    assert.equal(c.idOf(row({ decl_id: 'D77', value: 'lots' })), 'D77');
    assert.equal(c.idOf(row({ decl_id: '' })), undefined);
    assert.equal(c.idOf(['D5']), 'D5');
  });

  it('labels with equals in a list and a number label', () => {
    const m = testMapping((d) => {
      d.labels = { illicit: { column: 'fraud', equals: ['1', '2'] }, critical: { column: 'fraud', equals: '2' }, revenueRecovered: { column: 'note', type: 'number' } };
      d.attributes = {};
    });
    const c = converter(m);
    assert.deepEqual(declarationOf(convert(row({ fraud: '2', note: '150.5' }), c)).labels, { illicit: true, critical: true, revenueRecovered: 150.5 });
    assert.deepEqual(declarationOf(convert(row({ fraud: '1', note: '' }), c)).labels, { illicit: true, critical: false });
    assert.deepEqual(declarationOf(convert(row({ fraud: '0' }), c)).labels, { illicit: false, critical: false });
    const [p] = problemsOf(convert(row({ note: '-1' }), c));
    assert.equal(p?.field, 'labels.revenueRecovered');
    assert.equal(p?.column, 'note');
  });

  it('assembles grouped rows into one declaration with items 1..n', () => {
    const doc = testMappingDoc();
    doc.groupItems = true;
    const c = compileRowConverter(parseMapping(doc), arrayLocate(COLUMNS));
    const reads = [
      testRow(1, { decl_id: 'G1', hs: '847130', value: '100', note: 'first' }),
      testRow(2, { decl_id: 'G1', hs: '71080', value: '200', origin: 'KR' }),
      testRow(3, { decl_id: 'G1', hs: '8471300000', value: '300', rate: '' }),
    ].map((r) => c.read(r));
    assert.deepEqual(reads.map((r) => r.id), ['G1', 'G1', 'G1']);
    const f = declarationOf(c.finish(reads));
    assert.equal(f.declaration.id, 'G1');
    assert.equal(f.declaration.importer, 'IMP1');
    assert.deepEqual(
      f.declaration.items.map((i) => [i.sequence, i.hsCode, i.customsValue, i.originCountry, i.duty]),
      [
        [1, '847130', 100, 'CN', 8],
        [2, '071080', 200, 'KR', 16],
        [3, '8471300000', 300, 'CN', undefined],
      ],
    );
    assert.deepEqual(f.declaration.attributes, { note: 'first' });
  });

  it('refuses a group when one of its rows is bad, naming the item field', () => {
    const c = converter();
    const reads = [testRow(1, { decl_id: 'G2' }), testRow(2, { decl_id: 'G2', hs: '770100' })].map((r) => c.read(r));
    const [p, ...rest] = problemsOf(c.finish(reads));
    assert.deepEqual(rest, []);
    assert.equal(p?.field, 'item.hsCode');
    assert.equal(p?.value, '770100');
  });
});
