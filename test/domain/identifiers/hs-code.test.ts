import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkHsCode, hsChapter } from '../../../src/domain/identifiers/index.ts';

describe('checkHsCode', () => {
  const accepts: [string, string][] = [
    ['847130', '847130'],
    ['8471.30', '847130'],
    [' 8471 30 00 ', '84713000'],
    ['0101210000', '0101210000'],
    ['9706.00', '970600'],
    ['1234567', '1234567'],
  ];
  for (const [input, value] of accepts) {
    it(`accepts "${input}" as ${value}`, () => assert.deepEqual(checkHsCode(input), { ok: true, value }));
  }

  const rejects: [string, string][] = [
    ['000000', 'chapter 00 does not exist'],
    ['770000', 'chapter 77 is reserved for future use'],
    ['980000', 'chapter 98 does not exist'],
    ['99.01.00', 'chapter 99 does not exist'],
    ['84713', 'has 5 digits, not 6 to 10'],
    ['84713000001', 'has 11 digits, not 6 to 10'],
    ['', '"" contains characters other than digits'],
    ['8471AB', '"8471AB" contains characters other than digits'],
    ['8471-30', '"8471-30" contains characters other than digits'],
  ];
  for (const [input, reason] of rejects) {
    it(`rejects "${input}": ${reason}`, () => {
      const r = checkHsCode(input);
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.reason, reason);
    });
  }
});

describe('hsChapter', () => {
  it('reads the first two digits as a number', () => {
    assert.equal(hsChapter('847130'), 84);
    assert.equal(hsChapter('0101210000'), 1);
  });
});
