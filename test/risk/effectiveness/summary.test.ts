import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveness, isDecayed } from '../../../src/risk/effectiveness/summary.ts';

const close = (actual: number, expected: number, eps: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= eps, `${what}: expected ${expected}, got ${actual}`);

describe('effectiveness', () => {
  it('gives the hit rate with its Wilson interval and the lift over the base rate', () => {
    const e = effectiveness({ selected: 12, inspected: 10, findings: 8, revenue: 5400, baseRate: 0.04 });
    assert.equal(e.selected, 12);
    assert.equal(e.inspected, 10);
    assert.equal(e.findings, 8);
    assert.equal(e.revenue, 5400);
    assert.equal(e.hitRate, 0.8);
    close(e.hitRateLow, 0.4901625, 5e-7, 'low');
    close(e.hitRateHigh, 0.9433178, 5e-7, 'high');
    close(e.lift, 20, 1e-12, 'lift');
  });

  it('is NaN-safe: no inspections or no base rate give NaN, never Infinity', () => {
    const none = effectiveness({ selected: 3, inspected: 0, findings: 0, revenue: 0, baseRate: 0.04 });
    assert.ok(Number.isNaN(none.hitRate));
    assert.ok(Number.isNaN(none.lift));
    assert.equal(none.hitRateLow, 0);
    assert.equal(none.hitRateHigh, 1);
    const noBase = effectiveness({ selected: 10, inspected: 10, findings: 2, revenue: 0, baseRate: 0 });
    assert.equal(noBase.hitRate, 0.2);
    assert.ok(Number.isNaN(noBase.lift));
    const unknownBase = effectiveness({ selected: 10, inspected: 10, findings: 2, revenue: 0, baseRate: NaN });
    assert.equal(unknownBase.hitRate, 0.2);
    assert.ok(Number.isNaN(unknownBase.lift));
  });

  it('refuses impossible counts', () => {
    assert.throws(() => effectiveness({ selected: 5, inspected: 6, findings: 0, revenue: 0, baseRate: 0.1 }), RangeError);
    assert.throws(() => effectiveness({ selected: 5, inspected: 5, findings: 6, revenue: 0, baseRate: 0.1 }), RangeError);
    assert.throws(() => effectiveness({ selected: 5, inspected: 5, findings: 1, revenue: 0, baseRate: 1.5 }), RangeError);
    assert.throws(() => effectiveness({ selected: 5, inspected: 5, findings: 1, revenue: NaN, baseRate: 0.1 }), RangeError);
    assert.throws(() => effectiveness({ selected: 2.5, inspected: 1, findings: 1, revenue: 0, baseRate: 0.1 }), RangeError);
  });
});

describe('isDecayed', () => {
  it('flags a rule whose interval lies wholly below the level once it has enough inspections', () => {
    // 3 of 200: Wilson 95 % [0.0051, 0.0432].
    const poor = effectiveness({ selected: 220, inspected: 200, findings: 3, revenue: 0, baseRate: 0.01 });
    assert.equal(isDecayed(poor, 0.05, 100), true);
    assert.equal(isDecayed(poor, 0.04, 100), false, 'the upper bound 0.043 is not below 0.04');
    assert.equal(isDecayed(poor, 0.05, 201), false, 'too few inspections to judge');
  });

  it('does not flag a rule on a handful of inspections, however poor', () => {
    // 0 of 10: Wilson 95 % [0, 0.278] — cannot show a hit rate below 5 %.
    const few = effectiveness({ selected: 10, inspected: 10, findings: 0, revenue: 0, baseRate: 0.01 });
    assert.equal(isDecayed(few, 0.05, 0), false);
    const none = effectiveness({ selected: 0, inspected: 0, findings: 0, revenue: 0, baseRate: 0.01 });
    assert.equal(isDecayed(none, 0.05, 0), false);
  });

  it('refuses a level outside [0, 1]', () => {
    assert.throws(() => isDecayed({ inspected: 10, hitRateHigh: 0.1 }, 2, 1), RangeError);
  });
});
