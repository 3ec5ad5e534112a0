import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkUnLocode } from '../../../src/domain/identifiers/index.ts';

describe('checkUnLocode', () => {
  const accepts: [string, string][] = [
    ['NLRTM', 'NLRTM'],
    ['KR PUS', 'KRPUS'],
    ['nl rtm', 'NLRTM'],
    ['CNSHA', 'CNSHA'],
    ['DEHA2', 'DEHA2'],
  ];
  for (const [input, value] of accepts) {
    it(`accepts "${input}" as ${value}`, () => assert.deepEqual(checkUnLocode(input), { ok: true, value }));
  }

  const rejects: [string, string][] = [
    ['XXABC', '"XX" is not an ISO 3166-1 alpha-2 country code'],
    ['NLRT', '"NLRT" does not have the shape of a UN/LOCODE'],
    ['NLRTMX', '"NLRTMX" does not have the shape of a UN/LOCODE'],
    ['NLRT1', '"NLRT1" does not have the shape of a UN/LOCODE'],
    ['NL  RTM', '"NL  RTM" does not have the shape of a UN/LOCODE'],
  ];
  for (const [input, reason] of rejects) {
    it(`rejects "${input}": ${reason}`, () => {
      const r = checkUnLocode(input);
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.reason, reason);
        assert.match(r.expected, /UN\/LOCODE/);
      }
    });
  }
});
