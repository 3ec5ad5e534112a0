import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CellError } from '../../../src/app/intake/cell-error.ts';
import { compileCellReader, type CellReader } from '../../../src/app/intake/cell-reader.ts';
import { FieldSpec } from '../../../src/app/intake/mapping.ts';

/** A reader for a field spec written as in a mapping file (defaults applied by the schema). */
const reader = (spec: Record<string, unknown>): CellReader => compileCellReader(FieldSpec.parse({ column: 'c', ...spec }));

function refusal(read: CellReader, raw: unknown): CellError {
  try {
    const v = read(raw);
    assert.fail(`${JSON.stringify(raw)} was read as ${JSON.stringify(v)}; expected a refusal`);
  } catch (e) {
    assert.ok(e instanceof CellError, `expected a CellError, got ${String(e)}`);
    return e;
  }
}

describe('compileCellReader: numbers', () => {
  const vectors: { spec: Record<string, unknown>; raw: string; want: number }[] = [
    { spec: {}, raw: '1234.5', want: 1234.5 },
    { spec: {}, raw: ' 42 ', want: 42 },
    { spec: {}, raw: '-0.25', want: -0.25 },
    { spec: {}, raw: '.5', want: 0.5 },
    { spec: {}, raw: '1e3', want: 1000 },
    { spec: { thousands: ',' }, raw: '1,234,567.89', want: 1234567.89 },
    { spec: { decimal: ',' }, raw: '12,5', want: 12.5 },
    { spec: { decimal: ',', thousands: '.' }, raw: '1.234.567,89', want: 1234567.89 },
    { spec: { decimal: ',', thousands: ' ' }, raw: '1 234 567,89', want: 1234567.89 },
    { spec: { decimal: ',', thousands: '\u00a0' }, raw: '12\u00a0500,00', want: 12500 },
    { spec: { thousands: "'" }, raw: "1'000'000", want: 1_000_000 },
  ];
  for (const v of vectors) {
    it(`reads "${v.raw}" with ${JSON.stringify(v.spec)} as ${v.want}`, () => {
      assert.equal(reader({ type: 'number', ...v.spec })(v.raw), v.want);
    });
  }

  it('refuses "lots", saying which separator was expected', () => {
    const e = refusal(reader({ type: 'number' }), 'lots');
    assert.equal(e.problem, '"lots" is not a number');
    assert.equal(e.expected, 'a number with "." as decimal separator');
    const c = refusal(reader({ type: 'number', decimal: ',' }), 'lots');
    assert.equal(c.expected, 'a number with "," as decimal separator');
  });

  for (const raw of ['12,5', '1.2.3', '1,234', '12 kg', '0x10', 'NaN', 'Infinity', '--1']) {
    it(`refuses "${raw}" as a number with the default separators`, () => {
      assert.match(refusal(reader({ type: 'number' }), raw).problem, /is not a number/);
    });
  }

  it('refuses a number too large for a double', () => {
    assert.match(refusal(reader({ type: 'number' }), '1e400').problem, /out of range/);
  });

  it('reads integers and refuses fractions', () => {
    const r = reader({ type: 'integer' });
    assert.equal(r('17'), 17);
    assert.equal(r('-3'), -3);
    const e = refusal(r, '2.5');
    assert.equal(e.problem, '"2.5" is not a whole number');
    assert.equal(e.expected, 'a whole number');
    assert.equal(refusal(r, 'seven').expected, 'a whole number');
    assert.equal(reader({ type: 'integer', thousands: '.' })('1.000'), 1000);
  });

  it('reads what it writes: a number formatted with "," and "." comes back', () => {
    const r = reader({ type: 'number', decimal: ',', thousands: '.' });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), fc.integer({ min: 0, max: 99 }), (whole, cents) => {
        const text = `${whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.')},${String(cents).padStart(2, '0')}`;
        assert.equal(r(text), Number(`${whole}.${String(cents).padStart(2, '0')}`));
      }),
    );
  });

  it('refuses "1.500" when "," is the decimal separator', () => {
    refusal(reader({ type: 'number', decimal: ',' }), '1.500');
  });
});

describe('compileCellReader: booleans and equals', () => {
  it('reads yes/no words in any case', () => {
    const r = reader({ type: 'boolean' });
    for (const t of ['1', 'true', 'YES', 'y', 'T']) assert.equal(r(t), true, t);
    for (const f of ['0', 'false', 'No', 'n', 'F']) assert.equal(r(f), false, f);
    const e = refusal(r, 'maybe');
    assert.equal(e.problem, '"maybe" is not a yes/no value');
    assert.equal(e.expected, '1/0, true/false or yes/no');
  });

  it('with equals, is true exactly when the cell equals the value (KCS "Critical Fraud" equals "2")', () => {
    const critical = reader({ equals: '2' });
    assert.equal(critical('2'), true);
    assert.equal(critical('1'), false);
    assert.equal(critical('0'), false);
    assert.equal(critical('anything'), false);
    assert.equal(critical(''), undefined);
  });

  it('with a list of equals, is true for any of them', () => {
    const r = reader({ equals: ['FRAUD', 'SEIZED'] });
    assert.equal(r('SEIZED'), true);
    assert.equal(r('FRAUD'), true);
    assert.equal(r('CLEAR'), false);
  });

  it('equals compares the text after upper-casing, and a JSON number as its text', () => {
    assert.equal(reader({ equals: 'SEIZED', upper: true })('seized'), true);
    assert.equal(reader({ equals: '2' })(2), true);
    assert.equal(reader({ equals: '2' })(1), false);
  });
});

describe('compileCellReader: text transforms', () => {
  it('keeps the first N characters with prefix (HS6 of an HS10)', () => {
    assert.equal(reader({ prefix: 6 })('8471300000'), '847130');
    assert.equal(reader({ prefix: 6 })('8471'), '8471');
  });

  it('pads a code that lost its leading zero (71080 → 071080)', () => {
    assert.equal(reader({ pad: 6 })('71080'), '071080');
    assert.equal(reader({ pad: 6 })('847130'), '847130');
    assert.equal(reader({ pad: 6 })(71080), '071080');
  });

  it('pads before it cuts', () => {
    assert.equal(reader({ pad: 10, prefix: 6 })('71080'), '000007');
    assert.equal(reader({ pad: 6, prefix: 6 })('7108000000'), '710800');
  });

  it('trims and upper-cases', () => {
    assert.equal(reader({ upper: true })('  kr '), 'KR');
    assert.equal(reader({})('  Acme Ltd  '), 'Acme Ltd');
  });

  it('reads null values as absent (KCS "ZZ"), also after upper-casing', () => {
    const r = reader({ null: ['ZZ'], upper: true });
    assert.equal(r('ZZ'), undefined);
    assert.equal(r('zz'), undefined);
    assert.equal(r(' ZZ '), undefined);
    assert.equal(r('CN'), 'CN');
    assert.equal(r(''), undefined);
    assert.equal(r('   '), undefined);
    assert.equal(r(null), undefined);
    assert.equal(r(undefined), undefined);
  });

  it('uses the default for an empty, null or missing cell', () => {
    const r = reader({ type: 'number', default: 0, null: ['-'] });
    assert.equal(r(''), 0);
    assert.equal(r('-'), 0);
    assert.equal(r(undefined), 0);
    assert.equal(r(null), 0);
    assert.equal(r('7'), 7);
  });

  it('returns the const whatever the cell holds', () => {
    const r = compileCellReader(FieldSpec.parse({ const: 'KRW' }));
    assert.equal(r(undefined), 'KRW');
    assert.equal(r('EUR'), 'KRW');
    assert.equal(compileCellReader(FieldSpec.parse({ const: 3, type: 'number' }))(undefined), 3);
  });

  it('reads a null value as absent even when the field pads', () => {
    assert.equal(reader({ pad: 6, null: ['N/A'] })('N/A'), undefined);
  });
});

describe('compileCellReader: split', () => {
  it('splits a ";"-separated container list, dropping empty and null parts', () => {
    const r = reader({ split: ';', upper: true, null: ['NONE'] });
    assert.deepEqual(r('CSQU3054383;MSKU9070323'), ['CSQU3054383', 'MSKU9070323']);
    assert.deepEqual(r(' csqu3054383 ; ;none;TCNU7200794;'), ['CSQU3054383', 'TCNU7200794']);
    assert.deepEqual(r(''), []);
    assert.deepEqual(r(undefined), []);
    assert.deepEqual(r(null), []);
  });

  it('takes a JSON array as the list', () => {
    assert.deepEqual(reader({ split: ';' })(['CSQU3054383', ' MSKU9070323 ']), ['CSQU3054383', 'MSKU9070323']);
  });

  it('converts each part to the type', () => {
    assert.deepEqual(reader({ split: '|', type: 'integer' })('1|2| 3'), [1, 2, 3]);
    assert.match(refusal(reader({ split: '|', type: 'integer' }), '1|x').problem, /"x" is not a number/);
  });
});

describe('compileCellReader: JSON values', () => {
  it('takes a JSON number for a number field as it is', () => {
    assert.equal(reader({ type: 'number' })(1234.5), 1234.5);
    assert.equal(reader({ type: 'integer' })(12), 12);
    assert.equal(refusal(reader({ type: 'integer' }), 12.5).expected, 'a whole number');
  });

  it('turns a JSON number for a string field into its text', () => {
    assert.equal(reader({})(847130), '847130');
    assert.equal(reader({})(0.5), '0.5');
    assert.equal(reader({})(true), 'true');
  });

  it('reads a JSON number for a date field through its pattern', () => {
    assert.equal(reader({ type: 'date', format: 'YYYYMMDD' })(20210304), '2021-03-04T00:00:00.000Z');
  });

  it('takes JSON booleans for a boolean field, and a number as non-zero', () => {
    const r = reader({ type: 'boolean' });
    assert.equal(r(true), true);
    assert.equal(r(false), false);
    assert.equal(r(1), true);
    assert.equal(r(0), false);
  });

  it('refuses a JSON boolean where a number belongs', () => {
    const e = refusal(reader({ type: 'number' }), true);
    assert.equal(e.problem, 'true is not a number');
    assert.equal(e.expected, 'a number');
  });

  it('refuses an object or a list where a single value belongs', () => {
    assert.equal(refusal(reader({}), { a: 1 }).problem, 'a object where a single value belongs');
    const e = refusal(reader({ type: 'number' }), [1, 2]);
    assert.equal(e.problem, 'a list where a single value belongs');
    assert.equal(e.expected, 'a number');
  });
});
