import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ALL_SELECTED, NO_SELECTION, chanceOf, cutAt, insertScore, type ScoreWindow } from '../../../src/risk/selection/window.ts';

const close = (actual: number, expected: number, eps: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= eps, `${what}: expected ${expected}, got ${actual}`);

describe('cutAt', () => {
  it('takes the order statistic when the share falls between distinct scores', () => {
    const scores = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    assert.deepEqual(cutAt(scores, 0.3), { value: 8, fraction: 1 });
    assert.deepEqual(cutAt(scores, 0.1), { value: 10, fraction: 1 });
    // 2.5 of 10: all of 9 and 10, half the chance for a score equal to 8.
    assert.deepEqual(cutAt(scores, 0.25), { value: 8, fraction: 0.5 });
  });

  it('takes the needed fraction of a block of equal scores', () => {
    // Six scores of 0.02 under two higher ones; 30 % of 10 is 3: both higher ones and 1 of the 6.
    const scores = [0.01, 0.01, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.05, 0.09];
    const cut = cutAt(scores, 0.3);
    assert.equal(cut.value, 0.02);
    close(cut.fraction, 1 / 6, 1e-12, 'fraction');
    assert.equal(chanceOf(0.09, cut), 1);
    close(chanceOf(0.02, cut), 1 / 6, 1e-12, 'chance at the cut');
    assert.equal(chanceOf(0.015, cut), 0);
  });

  it('selects nothing at a share of 0 or from an empty sample, everything at 1', () => {
    assert.deepEqual(cutAt([1, 2], 0), { value: NO_SELECTION, fraction: 0 });
    assert.deepEqual(cutAt([], 0.5), { value: NO_SELECTION, fraction: 0 });
    assert.equal(chanceOf(1e300, cutAt([1, 2], 0)), 0);
    assert.deepEqual(cutAt([1, 2], 1), { value: ALL_SELECTED, fraction: 1 });
    assert.equal(chanceOf(-1e300, cutAt([1, 2], 1)), 1);
  });

  it('selects exactly the share of the sample in expectation, ties or not (property)', () => {
    const sample = fc.array(fc.integer({ min: -5, max: 5 }).map((x) => x / 4), { minLength: 1, maxLength: 300 }).map((xs) => xs.sort((a, b) => a - b));
    fc.assert(
      fc.property(sample, fc.double({ min: 0.0001, max: 0.9999, noNaN: true }), (scores, share) => {
        const cut = cutAt(scores, share);
        const expected = scores.reduce((sum, s) => sum + chanceOf(s, cut), 0);
        close(expected, share * scores.length, 1e-9, 'expected count selected');
        assert.ok(cut.fraction > 0 && cut.fraction <= 1);
        // A larger share never raises the cut.
        const wider = cutAt(scores, Math.min(0.9999, share * 1.5));
        assert.ok(wider.value < cut.value || (wider.value === cut.value && wider.fraction >= cut.fraction));
      }),
    );
  });
});

describe('insertScore', () => {
  it('keeps the sample sorted and bounded, replacing a pseudo-random old score when full', () => {
    const window: ScoreWindow = { scores: [], seen: 0 };
    for (let i = 0; i < 1000; i++) insertScore(window, Math.sin(i) * 10, 100);
    assert.equal(window.scores.length, 100);
    assert.equal(window.seen, 1000);
    assert.ok(window.scores.every((s, i) => i === 0 || window.scores[i - 1]! <= s));
  });

  it('follows a shift: after a few times its size, the old scores are mostly gone', () => {
    const window: ScoreWindow = { scores: [], seen: 0 };
    for (let i = 0; i < 200; i++) insertScore(window, 0, 200);
    for (let i = 0; i < 600; i++) insertScore(window, 1, 200);
    const old = window.scores.filter((s) => s === 0).length;
    // (1 − 1/200)^600 ≈ 5 % expected to survive.
    assert.ok(old > 0 && old < 25, `${old} old scores left`);
  });

  it('folds −0 into 0', () => {
    const window: ScoreWindow = { scores: [], seen: 0 };
    insertScore(window, -0);
    assert.ok(Object.is(window.scores[0], 0));
  });
});
