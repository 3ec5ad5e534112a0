import fc from 'fast-check';

/**
 * Declaration-shaped inputs for property tests: mostly valid values with near misses of every rule
 * the schema has, unknown keys included (test/domain/declaration-accept.test.ts, test/api/declaration-body.test.ts).
 */
export const pick = (...xs: unknown[]): fc.Arbitrary<unknown> => fc.constantFrom(...xs);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: a }, { weight: 1, arbitrary: fc.constant(undefined) });
/** Mostly the good values, now and then a near miss: most inputs must be valid for the fast lane to be tried at all. */
const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) => fc.oneof({ weight: 40, arbitrary: good }, { weight: 1, arbitrary: bad });

const texty = (max: number) =>
  mostly(
    fc.string({ minLength: 1, maxLength: max }).filter((s) => s.trim() === s && s.length > 0),
    fc.oneof(pick('', ' x', 'x ', '\tx', 'a\u0000b', 'x'.repeat(max), 'x'.repeat(max + 1), '\u00a0y', 'ÿ'), fc.integer(), pick(null, true)),
  );
export const numbery = mostly(
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

export const declarationish = fc.record(
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
