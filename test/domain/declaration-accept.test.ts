import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { acceptDeclaration, acceptLabels } from '../../src/domain/declaration-accept.ts';
import { Declaration, Labels } from '../../src/domain/declaration.ts';

import { declarationish, numbery, pick } from '../support/declaration-arbitraries.ts';

/**
 * The fast lane must never accept what the schema refuses, nor return anything but what the
 * schema returns. Inputs mix valid values with near misses of every rule the schema has.
 */

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
