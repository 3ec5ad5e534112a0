import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCurrency } from '../../../src/domain/identifiers/index.ts';

describe('checkCurrency', () => {
  const accepts: [string, string][] = [['KRW', 'KRW'], ['USD', 'USD'], ['EUR', 'EUR'], [' cny ', 'CNY']];
  for (const [input, value] of accepts) {
    it(`accepts "${input}" as ${value}`, () => assert.deepEqual(checkCurrency(input), { ok: true, value }));
  }

  for (const input of ['XYZ', 'US', 'USDX', '840', '']) {
    it(`rejects "${input}"`, () => {
      const r = checkCurrency(input);
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.reason, `"${input}" is not an ISO 4217 currency code`);
    });
  }
});
