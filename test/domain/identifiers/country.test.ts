import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCountry } from '../../../src/domain/identifiers/index.ts';

describe('checkCountry', () => {
  const accepts: [string, string][] = [['CN', 'CN'], ['KR', 'KR'], ['nl', 'NL'], [' de ', 'DE']];
  for (const [input, value] of accepts) {
    it(`accepts "${input}" as ${value}`, () => assert.deepEqual(checkCountry(input), { ok: true, value }));
  }

  // ZZ is user-assigned; CHN and 156 are valid alpha-3/numeric codes but not alpha-2.
  for (const input of ['ZZ', 'C9', 'CHN', '156', '', 'C']) {
    it(`rejects "${input}"`, () => {
      const r = checkCountry(input);
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.reason, `"${input}" is not an ISO 3166-1 alpha-2 country code`);
        assert.match(r.expected, /ISO 3166-1 alpha-2/);
      }
    });
  }
});
