import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { acceptDeclaration, acceptLabels } from '../../src/domain/declaration-accept.ts';
import { Declaration, Labels } from '../../src/domain/declaration.ts';

/**
 * The fast lane must never accept what the schema refuses, nor return anything but what the
 * schema returns. Inputs mix valid values with near misses of every rule the schema has.
 */

const pick = (...xs: unknown[]): fc.Arbitrary<unknown> => fc.constantFrom(...xs);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: a }, { weight: 1, arbitrary: fc.constant(undefined) });
/** Mostly the good values, now and then a near miss: most inputs must be valid for the fast lane to be tried at all. */
const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) => fc.oneof({ weight: 40, arbitrary: good }, { weight: 1, arbitrary: bad });

const texty = (max: number) =>
  mostly(
    fc.string({ minLength: 1, maxLength: max }).filter((s) => s.trim() === s && s.length > 0),
    fc.oneof(pick('', ' x', 'x ', '\tx', 'a\u0000b', 'x'.repeat(max), 'x'.repeat(max + 1), '\u00a0y', 'ÿ'), fc.integer(), pick(null, true)),
  );
const numbery = mostly(
  fc.double({ min: 0, max: 1e12, noNaN: true }),
  pick(-0, 0, -1, -1e-9, Number.NaN, Infinity, -Infinity, 1000, 1000.0001, 1e308, '1', '', null, true),
);
const datey = fc.oneof(
  { weight: 40, arbitrary: fc.date({ min: new Date(Date.UTC(0, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }).map((d) => d.toISOString()) },
  {
    weight: 2,
    arbitrary: pick(
      '2024-02-29T10:00:00.000Z', '2023-02-29T10:00:00.000Z', '1900-02-29T00:00:00.000Z', '2000-02-29T00:00:00.000Z',
      '2024-04-31T00:00:00.000Z', '2024-13-01T00:00:00.000Z', '2024-00-10T00:00:00.000Z', '2024-01-00T00:00:00.000Z',
      '2024-01-01T24:00:00.000Z', '2024-01-01T23:60:00.000Z', '2024-01-01T23:59:60.000Z', '2024-01-01T23:59:59Z',
      '2024-01-01T23:59:59.1234Z', '2024-01-01 23:59:59.123Z', '2024-01-01T23:59:59.123+00', '+02024-01-01T00:00:00.000Z',
      '2024-1-01T00:00:00.0000Z', '202a-01-01T00:00:00.000Z', '2024-01-01T00:00:00.00aZ', '2024-01-01', '0000-02-29T00:00:00.000Z',
    ),
  },
  { weight: 1, arbitrary: fc.oneof(fc.string(), fc.integer()) },
);
const countryish = mostly(pick('NL', 'KR', 'CN', 'nl', ' US'), pick('XX', 'ZZ', 'NLD', '', 'U5', 7));
const locodeish = mostly(pick('NLRTM', 'KR PUS', 'krpus', 'CNSHA '), pick('KRPU1', 'XXABC', 'NL  RTM', 'NLRT', '', 3));
const containerish = mostly(pick('CSQU3054383', 'csqu3054383', 'CSQU 305438-3'), pick('CSQU3054384', 'CSQA3054383', 'MSCU1234565', '', 5));
const hsish = mostly(pick('847130', '8471.30', '8471300000', ' 851712 '), pick('84713000001', '7712345', '9812345', '0012345', 'abcdef', 847130));
const currencyish = mostly(pick('EUR', 'usd', 'KRW'), pick('XXX', 'EU', 'EURO', '', 1));

const item = (seq: fc.Arbitrary<unknown>) =>
  fc.record(
    {
      sequence: seq,
      hsCode: hsish,
      description: maybe(texty(512)),
      originCountry: maybe(countryish),
      quantity: maybe(numbery),
      quantityUnit: maybe(texty(8)),
      netMassKg: maybe(numbery),
      customsValue: numbery,
      currency: fc.oneof({ weight: 20, arbitrary: pick('EUR') }, { weight: 1, arbitrary: currencyish }),
      taxRate: maybe(numbery),
      duty: maybe(numbery),
      extra: maybe(fc.string()),
    },
    { requiredKeys: ['sequence', 'hsCode', 'customsValue', 'currency'] },
  );

const items = fc.oneof(
  { weight: 40, arbitrary: fc.array(item(fc.constant(0)), { minLength: 1, maxLength: 4 }).map((xs) => xs.map((x, i) => ({ ...x, sequence: i + 1 }))) },
  { weight: 1, arbitrary: fc.array(item(fc.oneof(fc.integer({ min: -1, max: 5 }), pick(1.5, '1'))), { maxLength: 3 }) },
  { weight: 1, arbitrary: pick(undefined, null, 'x', {}) },
);

const attributes = fc.oneof(
  { weight: 40, arbitrary: fc.dictionary(fc.string({ maxLength: 10 }), fc.oneof(fc.string({ maxLength: 20 }), fc.double(), fc.boolean(), fc.constant(null))) },
  { weight: 1, arbitrary: pick(undefined, null, [], 'x', { k: undefined }, { k: 'a\u0000' }, { ['k'.repeat(129)]: 1 }, { k: 'x'.repeat(1001) }, { k: Infinity }, { k: {} }) },
);

const declarationish = fc.record(
  {
    id: texty(64),
    filedAt: datey,
    customsOffice: texty(32),
    declarant: maybe(texty(64)),
    importer: texty(64),
    seller: maybe(texty(64)),
    courier: maybe(texty(64)),
    exportCountry: maybe(countryish),
    modeOfTransport: maybe(texty(8)),
    transportDocument: maybe(texty(64)),
    containers: maybe(mostly(fc.array(containerish, { maxLength: 3 }), pick('CSQU3054383', null))),
    portOfLoading: maybe(locodeish),
    portOfDischarge: maybe(locodeish),
    items,
    attributes,
    unknownKey: maybe(fc.string()),
  },
  // Keys that may be absent, or present with the value undefined: the two are not the same to every schema.
  { requiredKeys: ['id', 'filedAt', 'customsOffice', 'importer', 'items'] },
);

const valid = {
  id: 'D1',
  filedAt: '2024-03-01T10:00:00.000Z',
  customsOffice: 'NL000396',
  importer: 'NL123',
  items: [{ sequence: 1, hsCode: '847130', customsValue: 10, currency: 'EUR' }],
};

describe('acceptDeclaration: the fast lane of declaration validation', () => {
  it('accepts only what the schema accepts, and returns exactly what the schema returns', () => {
    let accepted = 0;
    fc.assert(
      fc.property(declarationish, (input) => {
        const fast = acceptDeclaration(input);
        if (fast === undefined) return;
        accepted += 1;
        const slow = Declaration.safeParse(input);
        assert.ok(slow.success, `fast lane accepted what the schema refuses: ${JSON.stringify(slow.error?.issues[0])}`);
        assert.deepStrictEqual(fast, slow.data);
      }),
      { numRuns: 20_000, seed: 6346 },
    );
    // The property would hold vacuously if the fast lane refused everything.
    assert.ok(accepted > 300, `only ${accepted} inputs took the fast lane`);
  });

  it('takes the fast lane for ordinary valid declarations', () => {
    assert.deepStrictEqual(acceptDeclaration(valid), Declaration.parse(valid));
    const full = {
      ...valid,
      declarant: 'DE1',
      seller: 'CN9',
      courier: 'C1',
      exportCountry: 'CN',
      modeOfTransport: '1',
      transportDocument: 'MAEU123',
      containers: ['CSQU3054383'],
      portOfLoading: 'CNSHA',
      portOfDischarge: 'NLRTM',
      items: [
        { sequence: 1, hsCode: '8471300000', description: 'Laptops', originCountry: 'CN', quantity: 10, quantityUnit: 'NAR', netMassKg: 25, customsValue: 5000, currency: 'EUR', taxRate: 0, duty: 0 },
        { sequence: 2, hsCode: '851712', customsValue: 1, currency: 'EUR' },
      ],
      attributes: { incoterm: 'FOB', aeo: 1, flag: true, none: null },
    };
    assert.deepStrictEqual(acceptDeclaration(full), Declaration.parse(full));
  });

  it('leaves to the schema what it would have to normalise or refuse', () => {
    for (const bad of [
      { ...valid, id: ' D1' },
      { ...valid, filedAt: '2024-03-01T10:00:00Z' },
      { ...valid, filedAt: '2023-02-29T10:00:00.000Z' },
      { ...valid, declarant: undefined },
      { ...valid, items: [{ ...valid.items[0], sequence: 2 }] },
      { ...valid, items: [valid.items[0], { ...valid.items[0], sequence: 2, currency: 'USD' }] },
      { ...valid, attributes: { x: Number.NaN } },
    ]) {
      assert.equal(acceptDeclaration(bad), undefined, JSON.stringify(bad));
    }
  });
});

describe('acceptLabels', () => {
  it('accepts only what the schema accepts, and returns exactly what the schema returns', () => {
    const labelish = fc.record(
      { illicit: fc.oneof(fc.boolean(), pick(undefined, 1, 'true', null)), critical: fc.oneof(fc.boolean(), pick(undefined, 0)), revenueRecovered: fc.oneof(numbery, fc.constant(undefined)), other: fc.string() },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(labelish, pick(null, [], 'x')), (input) => {
        const fast = acceptLabels(input);
        if (fast === undefined) return;
        const slow = Labels.safeParse(input);
        assert.ok(slow.success);
        assert.deepStrictEqual(fast, slow.data);
      }),
      { numRuns: 5000, seed: 4217 },
    );
  });
});
