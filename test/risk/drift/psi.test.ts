import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { EPSILON, categoricalPsi, driftLevel, psi, psiBins, psiOfShares } from '../../../src/risk/drift/psi.ts';

const close = (actual: number, expected: number, eps: number, what = 'psi') =>
  assert.ok(Math.abs(actual - expected) <= eps, `${what}: expected ${expected}, got ${actual}`);

/** One term of the PSI, written out: (recent − reference) · ln(recent / reference). */
const term = (recent: number, reference: number) => (recent - reference) * Math.log(recent / reference);

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const repeat = <T>(xs: readonly T[], times: number) => Array.from({ length: times }, () => xs).flat();

describe('psiBins', () => {
  it('cuts at the reference quantiles', () => {
    assert.deepEqual(psiBins(range(0, 100), 4), [25, 50, 75]);
    assert.deepEqual(psiBins(range(0, 100)), [10, 20, 30, 40, 50, 60, 70, 80, 90]);
  });

  it('drops repeated cuts and cuts at the smallest value, so no bin is empty by construction', () => {
    // 60 zeros and 40 distinct values: the quantiles 0.1 … 0.6 are all 0.
    const reference = [...repeat([0], 60), ...range(1, 41)];
    assert.deepEqual(psiBins(reference, 10), [1, 11, 21, 31]);
    assert.deepEqual(psiBins(repeat([7], 50), 10), []);
  });

  it('ignores missing values and copes with an empty reference', () => {
    assert.deepEqual(psiBins([NaN, ...range(0, 100), NaN], 4), [25, 50, 75]);
    assert.deepEqual(psiBins([], 10), []);
    assert.deepEqual(psiBins([NaN], 10), []);
  });
});

describe('psi', () => {
  it('is 0 for identical samples', () => {
    const xs = range(0, 1000).map((i) => Math.sin(i) * 3);
    assert.equal(psi(xs, xs).psi, 0);
    assert.equal(psi(xs, [...xs].reverse()).psi, 0);
  });

  it('gives the hand-computed value for a known shift', () => {
    // Reference 0 … 99 in four quartile bins of 25 % each; recent 40 %, 30 %, 20 %, 10 %.
    const recent = [...range(0, 40).map((i) => i * 0.625), ...range(25, 55).map((i) => 25 + (i - 25) * (25 / 30)), ...range(50, 70).map((i) => 50 + (i - 50) * 1.25), ...range(75, 85).map((i) => 75 + (i - 75) * 2.5)];
    const result = psi(range(0, 100), recent, 4);
    const expected = term(0.4, 0.25) + term(0.3, 0.25) + term(0.2, 0.25) + term(0.1, 0.25);
    close(expected, 0.2282174, 1e-7, 'hand value');
    close(result.psi, expected, 1e-12);
    assert.deepEqual(result.bins, [
      { from: -Infinity, to: 25, reference: 0.25, recent: 0.4 },
      { from: 25, to: 50, reference: 0.25, recent: 0.3 },
      { from: 50, to: 75, reference: 0.25, recent: 0.2 },
      { from: 75, to: Infinity, reference: 0.25, recent: 0.1 },
    ]);
    assert.equal(driftLevel(result.psi), 'moderate');
  });

  it('counts an empty bin as a share of EPSILON', () => {
    // Everything recent sits in the top quartile: three bins are empty.
    const result = psi(range(0, 100), repeat([80, 90], 10), 4);
    const expected = 3 * term(EPSILON, 0.25) + term(1, 0.25);
    close(expected, 6.905408, 1e-6, 'hand value');
    close(result.psi, expected, 1e-12);
    assert.equal(driftLevel(result.psi), 'significant');
  });

  it('gives missing values a bin of their own', () => {
    // Reference: 10 % missing, the rest in 3 equal bins (30 % each). Recent: 40 % missing, 20 % per bin.
    const reference = [...repeat([NaN], 10), ...range(0, 90)];
    const recent = [...repeat([NaN], 40), ...range(0, 60).map((i) => (i * 90) / 60)];
    const result = psi(reference, recent, 3);
    assert.equal(result.bins.length, 4);
    const missing = result.bins[3]!;
    assert.ok(Number.isNaN(missing.from) && Number.isNaN(missing.to));
    close(missing.reference, 0.1, 1e-12, 'reference missing share');
    close(missing.recent, 0.4, 1e-12, 'recent missing share');
    close(result.psi, 3 * term(0.2, 0.3) + term(0.4, 0.1), 1e-12);
    assert.equal(psi(range(0, 90), range(0, 90), 3).bins.length, 3, 'no missing bin when nothing is missing');
  });

  it('puts values beyond the reference range in the end bins', () => {
    const result = psi(range(0, 100), [-1000, 1000], 4);
    assert.equal(result.bins[0]!.recent, 0.5);
    assert.equal(result.bins[3]!.recent, 0.5);
  });

  it('refuses empty samples and bad bin counts', () => {
    assert.throws(() => psi([], [1]), RangeError);
    assert.throws(() => psi([1], []), RangeError);
    assert.throws(() => psi([1], [1], 0), RangeError);
    assert.throws(() => psiBins([1], 2.5), RangeError);
  });

  const sample = fc.array(
    fc.oneof({ weight: 6, arbitrary: fc.integer({ min: -20, max: 20 }).map((x) => x / 4) }, { weight: 1, arbitrary: fc.constant(NaN) }, { weight: 2, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) }),
    { minLength: 1, maxLength: 200 },
  );
  const binCount = fc.integer({ min: 1, max: 20 });

  it('is never negative, and 0 for a sample against itself (property)', () => {
    fc.assert(
      fc.property(sample, sample, binCount, (reference, recent, bins) => {
        const result = psi(reference, recent, bins);
        assert.ok(result.psi >= 0 && Number.isFinite(result.psi));
        close(result.bins.reduce((s, b) => s + b.reference, 0), 1, 1e-9, 'reference shares');
        close(result.bins.reduce((s, b) => s + b.recent, 0), 1, 1e-9, 'recent shares');
        assert.equal(psi(reference, reference, bins).psi, 0);
      }),
    );
  });

  it('does not change when both samples are scaled by a positive factor (property)', () => {
    // The bins are reference quantiles, so a strictly increasing map of both samples keeps every count.
    fc.assert(
      fc.property(sample, sample, binCount, (reference, recent, bins) => {
        const scale = (xs: number[]) => xs.map((x) => x * 2);
        assert.equal(psi(scale(reference), scale(recent), bins).psi, psi(reference, recent, bins).psi);
      }),
    );
  });
});

describe('psiOfShares', () => {
  it('is symmetric in its two distributions and normalises counts (property)', () => {
    const shares = fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 12 }).filter((xs) => xs.some((x) => x > 0));
    fc.assert(
      fc.property(shares, shares, (a, b) => {
        const n = Math.min(a.length, b.length);
        const [x, y] = [a.slice(0, n), b.slice(0, n)];
        if (!x.some((v) => v > 0) || !y.some((v) => v > 0)) return;
        close(psiOfShares(x, y), psiOfShares(y, x), 1e-12, 'symmetry');
        close(psiOfShares(x, y), psiOfShares(x.map((v) => v * 3), y), 1e-12, 'scale of counts');
        assert.ok(psiOfShares(x, y) >= 0);
      }),
    );
  });

  it('refuses mismatched or empty distributions', () => {
    assert.throws(() => psiOfShares([1, 2], [1]), RangeError);
    assert.throws(() => psiOfShares([0, 0], [1, 1]), RangeError);
    assert.throws(() => psiOfShares([1, -1], [1, 1]), RangeError);
  });
});

describe('categoricalPsi', () => {
  it('gives the hand-computed value, a new category going to the "other" bin', () => {
    const reference = [...repeat(['CN'], 50), ...repeat(['TR'], 30), ...repeat(['VN'], 20)];
    const recent = [...repeat(['CN'], 40), ...repeat(['TR'], 30), ...repeat(['VN'], 20), ...repeat(['KP'], 10)];
    const result = categoricalPsi(reference, recent);
    close(result.psi, term(0.4, 0.5) + term(EPSILON, EPSILON) + term(0.1, EPSILON), 1e-12);
    close(result.psi, 0.7123991, 1e-7, 'hand value');
    assert.deepEqual(result.bins, [
      { category: 'CN', reference: 0.5, recent: 0.4 },
      { category: 'TR', reference: 0.3, recent: 0.3 },
      { category: 'VN', reference: 0.2, recent: 0.2 },
      { category: null, reference: 0, recent: 0.1 },
    ]);
  });

  it('is 0 for the same mix in another order, with no "other" bin', () => {
    const result = categoricalPsi(['a', 'b', 'b', 'c'], ['b', 'c', 'a', 'b']);
    assert.equal(result.psi, 0);
    assert.deepEqual(result.bins.map((b) => b.category), ['b', 'a', 'c']);
  });

  it('lumps the rarest reference categories together beyond maxCategories', () => {
    const reference = [...repeat(['a'], 4), ...repeat(['b'], 3), 'c', 'd'];
    const result = categoricalPsi(reference, ['a', 'c', 'e'], 3);
    assert.deepEqual(result.bins, [
      { category: 'a', reference: 4 / 9, recent: 1 / 3 },
      { category: 'b', reference: 3 / 9, recent: 0 },
      { category: null, reference: 2 / 9, recent: 2 / 3 },
    ]);
  });

  it('refuses empty samples and fewer than two categories', () => {
    assert.throws(() => categoricalPsi([], ['a']), RangeError);
    assert.throws(() => categoricalPsi(['a'], []), RangeError);
    assert.throws(() => categoricalPsi(['a'], ['a'], 1), RangeError);
  });
});

describe('driftLevel', () => {
  it('reads PSI with the 0.1 and 0.25 cut-offs', () => {
    assert.equal(driftLevel(0), 'stable');
    assert.equal(driftLevel(0.0999), 'stable');
    assert.equal(driftLevel(0.1), 'moderate');
    assert.equal(driftLevel(0.2499), 'moderate');
    assert.equal(driftLevel(0.25), 'significant');
    assert.equal(driftLevel(7), 'significant');
    assert.throws(() => driftLevel(NaN), RangeError);
    assert.throws(() => driftLevel(-0.1), RangeError);
  });
});
