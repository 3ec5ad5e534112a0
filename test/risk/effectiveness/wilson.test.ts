import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { wilsonInterval } from '../../../src/risk/effectiveness/wilson.ts';

const close = (actual: number, expected: number, eps: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= eps, `${what}: expected ${expected}, got ${actual}`);

describe('wilsonInterval', () => {
  // Reference values as R's prop.test(x, n, correct = FALSE) and binom::binom.wilson print them.
  const vectors = [
    { desc: '8 of 10', successes: 8, trials: 10, low: 0.4901625, high: 0.9433178 },
    { desc: 'none of 10', successes: 0, trials: 10, low: 0, high: 0.2775328 },
    { desc: 'all of 10', successes: 10, trials: 10, low: 0.7224672, high: 1 },
    { desc: '1 of 2', successes: 1, trials: 2, low: 0.0945312, high: 0.9054688 },
    { desc: '50 of 1000', successes: 50, trials: 1000, low: 0.0381303, high: 0.0653138 },
    { desc: '3 of 200', successes: 3, trials: 200, low: 0.0051142, high: 0.0431657 },
  ];
  for (const v of vectors) {
    it(`matches the reference for ${v.desc}`, () => {
      const w = wilsonInterval(v.successes, v.trials);
      assert.equal(w.rate, v.successes / v.trials);
      close(w.low, v.low, 5e-7, 'low');
      close(w.high, v.high, 5e-7, 'high');
    });
  }

  it('knows nothing without trials: rate NaN, interval [0, 1]', () => {
    assert.deepEqual(wilsonInterval(0, 0), { rate: NaN, low: 0, high: 1 });
  });

  it('narrows with a smaller z', () => {
    const wide = wilsonInterval(8, 10);
    const narrow = wilsonInterval(8, 10, 1);
    assert.ok(narrow.low > wide.low && narrow.high < wide.high);
  });

  it('refuses counts that are not counts', () => {
    assert.throws(() => wilsonInterval(11, 10), RangeError);
    assert.throws(() => wilsonInterval(-1, 10), RangeError);
    assert.throws(() => wilsonInterval(1.5, 10), RangeError);
    assert.throws(() => wilsonInterval(0, -1), RangeError);
    assert.throws(() => wilsonInterval(1, 10, 0), RangeError);
  });

  it('always holds the rate and stays inside [0, 1]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (trials, share) => {
        const successes = Math.round(share * trials);
        const w = wilsonInterval(successes, trials);
        assert.ok(w.low >= 0 && w.high <= 1);
        assert.ok(w.low <= w.rate && w.rate <= w.high);
      }),
    );
  });
});
