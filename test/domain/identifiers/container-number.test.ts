import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkContainerNumber, containerCheckDigit } from '../../../src/domain/identifiers/index.ts';

// Independent reference: the ISO 6346 letter values written out as a table, not computed.
const TABLE: Record<string, number> = {
  A: 10, B: 12, C: 13, D: 14, E: 15, F: 16, G: 17, H: 18, I: 19, J: 20, K: 21, L: 23, M: 24,
  N: 25, O: 26, P: 27, Q: 28, R: 29, S: 30, T: 31, U: 32, V: 34, W: 35, X: 36, Y: 37, Z: 38,
};
function referenceCheckDigit(first10: string): number {
  const sum = [...first10].reduce((acc, c, i) => acc + (TABLE[c] ?? Number(c)) * (1 << i), 0);
  return (sum % 11) % 10;
}

// Real numbers: ISO 6346's own example (CSQU), the brief's Maersk box, and python-stdnum's test vectors.
const REAL = ['CSQU3054383', 'MSKU9070323', 'TCNU7200794', 'TOLU4734787', 'GYOU4047990'];

describe('checkContainerNumber', () => {
  for (const n of REAL) {
    it(`accepts ${n}`, () => {
      assert.deepEqual(checkContainerNumber(n), { ok: true, value: n });
      assert.equal(referenceCheckDigit(n.slice(0, 10)), Number(n[10]));
    });
  }

  it('normalises spaces, hyphens and case', () => {
    for (const s of ['CSQU 305438 3', ' csqu-305438-3 ', 'CSQU 3054383']) {
      assert.deepEqual(checkContainerNumber(s), { ok: true, value: 'CSQU3054383' });
    }
  });

  const rejects: [string, string][] = [
    ['CSQU3054384', 'check digit is 4, computed 3'],
    ['MSKU9070320', 'check digit is 0, computed 3'],
    ['CSQU305438', 'has 10 characters without spaces, not 11'],
    ['CSQU30543833', 'has 12 characters without spaces, not 11'],
    ['', 'has 0 characters without spaces, not 11'],
    ['C5QU3054383', 'owner code "C5Q" is not 3 letters A-Z'],
    ['CSQR3054383', 'equipment category "R" is not U, J or Z'],
    ['CSQU3054Z83', 'serial number "3054Z8" is not 6 digits'],
    ['CSQU305438X', 'check digit "X" is not a digit, computed 3'],
  ];
  for (const [input, reason] of rejects) {
    it(`rejects "${input}": ${reason}`, () => {
      const r = checkContainerNumber(input);
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.reason, reason);
        assert.match(r.expected, /11 characters/);
      }
    });
  }

  it('rejects a category other than U, J or Z even when its check digit is right', () => {
    for (const head of ['CSQR305438', 'ABCX123456', 'MSKA907032']) {
      const r = checkContainerNumber(`${head}${referenceCheckDigit(head)}`);
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.reason, `equipment category "${head[3]}" is not U, J or Z`);
    }
  });

  it('rejects oversized input without scanning it', () => {
    assert.equal(checkContainerNumber('C'.repeat(100_000)).ok, false);
  });

  it('property: the computed digit validates, every other digit does not', () => {
    const upper = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    const digit = fc.constantFrom(...'0123456789');
    const first10 = fc
      .tuple(fc.array(upper, { minLength: 3, maxLength: 3 }), fc.constantFrom('U', 'J', 'Z'),
        fc.array(digit, { minLength: 6, maxLength: 6 }))
      .map(([owner, cat, serial]) => owner.join('') + cat + serial.join(''));
    fc.assert(
      fc.property(first10, (head) => {
        const cd = containerCheckDigit(head);
        assert.equal(cd, referenceCheckDigit(head));
        for (let d = 0; d <= 9; d++) {
          assert.equal(checkContainerNumber(`${head}${d}`).ok, d === cd);
        }
      }),
    );
  });

  it('containerCheckDigit throws on a malformed prefix', () => {
    assert.throws(() => containerCheckDigit('CSQU30543'), RangeError);
  });
});
