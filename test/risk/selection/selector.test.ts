import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Budget } from '../../../src/domain/decision.ts';
import { SeededRandom } from '../../../src/risk/random.ts';
import { newSelectorState, select, type Selection, type SelectionInput, type SelectorState } from '../../../src/risk/selection/selector.ts';

/**
 * The selector over simulated days of traffic. A day: declarations spread over 24 hours, model
 * probabilities from a logit-normal ("beta-ish") distribution whose centre drifts upward during
 * the day (so the share of high scores roughly doubles), rule points on 5 %, a share
 * rule-mandated red and 3 % rule-forced green. Everything is seeded.
 */

const DAY = Date.parse('2025-03-03T00:00:00Z');
const DAY_MS = 86_400_000;

interface Traffic {
  n: number;
  seed: number;
  mandatedRed: number;
  /** Logit of the typical probability at the start and at the end of the day. */
  from?: number;
  to?: number;
  /** Round scores to this step (ties); 0 keeps them continuous. */
  step?: number;
  /** Share of declarations without a score (no model). */
  unscored?: number;
  days?: number;
}

function traffic({ n, seed, mandatedRed, from = -3.2, to = -2.2, step = 0, unscored = 0, days = 1 }: Traffic): SelectionInput[] {
  const random = new SeededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
  const inputs: SelectionInput[] = [];
  for (let d = 0; d < days; d++) {
    for (let i = 0; i < n; i++) {
      const t = i / n;
      const p = 1 / (1 + Math.exp(-(from + (to - from) * t + normal())));
      const raw = p + (random.next() < 0.05 ? 0.1 : 0);
      const u = random.next();
      const mandated = u < mandatedRed ? ('red' as const) : u < mandatedRed + 0.03 ? ('green' as const) : undefined;
      const scored = random.next() >= unscored;
      inputs.push({
        score: scored ? (step > 0 ? Math.round(raw / step) * step : raw) : null,
        probability: scored ? p : null,
        mandated,
        at: new Date(DAY + d * DAY_MS + Math.floor(t * DAY_MS)).toISOString(),
      });
    }
  }
  return inputs;
}

function budget(redRate: number, yellowRate: number, exploreMode: Budget['exploreMode'], exploreShare = 0.1): Budget {
  return { office: 'ABC', redRate, yellowRate, exploreShare, exploreMode };
}

function run(inputs: readonly SelectionInput[], b: Budget, seed = 1, state: SelectorState = newSelectorState()): Selection[] {
  const random = new SeededRandom(seed);
  return inputs.map((input) => select(state, b, input, () => random.next()));
}

interface Tally {
  n: number;
  red: number;
  yellow: number;
  riskBased: number;
  explored: number;
  /** Σ of the propensities below 1: the expected number explored (with continuous scores). */
  expectedExplored: number;
  varianceExplored: number;
}

function tally(selections: readonly Selection[]): Tally {
  const t: Tally = { n: selections.length, red: 0, yellow: 0, riskBased: 0, explored: 0, expectedExplored: 0, varianceExplored: 0 };
  for (const s of selections) {
    if (s.lane === 'red') t.red++;
    if (s.lane === 'yellow') t.yellow++;
    if (s.selectionType === 'risk-based') t.riskBased++;
    if (s.selectionType === 'random' || s.selectionType === 'exploration') t.explored++;
    if (s.propensity < 1) {
      t.expectedExplored += s.propensity;
      t.varianceExplored += s.propensity * (1 - s.propensity);
    }
  }
  return t;
}

const within = (actual: number, target: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual / target - 1) <= tolerance, `${what}: ${actual.toFixed(5)} against a target of ${target} (${((actual / target - 1) * 100).toFixed(1)} %)`);

/** The flow's invariants, whatever the budget. */
function checkInvariants(inputs: readonly SelectionInput[], selections: readonly Selection[]): void {
  selections.forEach((s, i) => {
    const input = inputs[i]!;
    assert.ok(s.propensity > 0 && s.propensity <= 1, `declaration ${i}: propensity ${s.propensity}`);
    assert.equal(s.lane === 'green', s.selectionType === 'none', `declaration ${i}: lane ${s.lane} with type ${s.selectionType}`);
    if (input.mandated === 'red' || input.mandated === 'yellow') {
      assert.deepEqual([s.lane, s.selectionType, s.propensity], [input.mandated, 'rule-mandated', 1], `declaration ${i} is mandated ${input.mandated}`);
    } else {
      assert.notEqual(s.selectionType, 'rule-mandated');
    }
    if (input.mandated === 'green' || input.score === null) assert.notEqual(s.selectionType, 'risk-based', `declaration ${i} cannot be risk-selected`);
    assert.ok(s.thresholds.yellow <= s.thresholds.red && Number.isFinite(s.thresholds.red));
  });
}

const BUDGETS = [
  { name: '1 %', red: 0.004, yellow: 0.006, mandatedRed: 0.002 },
  { name: '5 %', red: 0.02, yellow: 0.03, mandatedRed: 0.01 },
  { name: '20 %', red: 0.05, yellow: 0.15, mandatedRed: 0.01 },
] as const;
const MODES = ['uniform', 'uncertainty'] as const;
const N = 20_000;

describe('select over a day of drifting traffic', () => {
  const pooled = { explored: 0, selected: 0 };
  for (const bud of BUDGETS) {
    const inputs = traffic({ n: N, seed: 42, mandatedRed: bud.mandatedRed });
    const T = bud.red + bud.yellow;

    it(`${bud.name}: a threshold fixed at the start of the day would miss the budget by more than 10 %`, () => {
      // The threshold a static selector would take from the morning's first 1000 open scores.
      const morning = inputs.slice(0, 1000).filter((x) => x.mandated === undefined).map((x) => x.score!).sort((a, b) => b - a);
      const share = (0.9 * T - bud.mandatedRed) / (1 - bud.mandatedRed - 0.03);
      const fixed = morning[Math.floor(share * morning.length)]!;
      const mandated = inputs.filter((x) => x.mandated === 'red').length;
      const risk = inputs.filter((x) => x.mandated === undefined && x.score! >= fixed).length;
      const rate = (mandated + risk + 0.1 * T * N) / N;
      assert.ok(Math.abs(rate / T - 1) > 0.1, `fixed threshold: ${rate} against ${T}`);
    });

    for (const mode of MODES) {
      const selections = run(inputs, budget(bud.red, bud.yellow, mode));
      const t = tally(selections);
      pooled.explored += t.explored;
      pooled.selected += t.red + t.yellow;

      it(`${bud.name}, ${mode}: the day's red + yellow rate is within ±10 % of the target, and each lane's too`, () => {
        within((t.red + t.yellow) / t.n, T, 0.1, 'red + yellow');
        within(t.red / t.n, bud.red, 0.1, 'red');
        within(t.yellow / t.n, bud.yellow, 0.1, 'yellow');
        assert.ok(t.riskBased > 0.5 * (T * N - bud.mandatedRed * N), `risk selected only ${t.riskBased}`);
      });

      it(`${bud.name}, ${mode}: exploration takes e·T of the flow`, () => {
        // With continuous scores every propensity below 1 is an exploration chance.
        within(t.expectedExplored / N, 0.1 * T, 0.05, 'Σ exploration probabilities / n');
        const z = (t.explored - t.expectedExplored) / Math.sqrt(t.varianceExplored);
        assert.ok(Math.abs(z) < 3.5, `explored ${t.explored}, expected ${t.expectedExplored.toFixed(1)} (z = ${z.toFixed(2)})`);
      });

      it(`${bud.name}, ${mode}: propensities in (0, 1], mandates honoured, forced green never risk-selected`, () => {
        checkInvariants(inputs, selections);
        if (mode === 'uniform') {
          assert.ok(selections.every((s) => s.selectionType !== 'exploration'));
        } else {
          assert.ok(selections.every((s) => s.selectionType !== 'random'));
        }
        const forcedGreen = selections.filter((_, i) => inputs[i]!.mandated === 'green');
        assert.ok(forcedGreen.some((s) => s.lane !== 'green') || T < 0.05, 'random control reaches the trusted flow');
      });
    }
  }

  it('pooled over the six days, the explored share of the checks is about e = 0.1', () => {
    const share = pooled.explored / pooled.selected;
    assert.ok(Math.abs(share - 0.1) < 0.01, `explored share ${share} (${pooled.explored} of ${pooled.selected})`);
  });
});

describe('select on awkward flows', () => {
  it('splits a block of tied scores at random and still keeps the rate', () => {
    // Scores on a grid of 0.02: a handful of values, big blocks of equal scores at every cut.
    for (const bud of BUDGETS.slice(0, 2)) {
      const inputs = traffic({ n: N, seed: 5, mandatedRed: bud.mandatedRed, step: 0.02 });
      const distinct = new Set(inputs.map((x) => x.score)).size;
      assert.ok(distinct < 80, `${distinct} distinct scores`);
      const selections = run(inputs, budget(bud.red, bud.yellow, 'uncertainty'));
      const t = tally(selections);
      within((t.red + t.yellow) / N, bud.red + bud.yellow, 0.1, `${bud.name} with ties`);
      checkInvariants(inputs, selections);
      const tiedRisk = selections.filter((s) => s.selectionType === 'risk-based' && s.propensity < 1);
      assert.ok(tiedRisk.length > 0, 'some risk selections came from a split tie');
    }
  });

  it('keeps the rate when the scores fall through the day, at every budget', () => {
    // The typical probability falls from 27 % to 2 %: the window's old high scores linger.
    for (const bud of BUDGETS) {
      const inputs = traffic({ n: N, seed: 6, mandatedRed: bud.mandatedRed, from: -1, to: -4 });
      const t = tally(run(inputs, budget(bud.red, bud.yellow, 'uncertainty')));
      within((t.red + t.yellow) / N, bud.red + bud.yellow, 0.1, `${bud.name}, falling scores`);
    }
  });

  it('keeps the rate when every score is the same', () => {
    const inputs = Array.from({ length: N }, (_, i) => ({ score: 0.05, probability: 0.05, at: new Date(DAY + Math.floor((i / N) * DAY_MS)).toISOString() }));
    const t = tally(run(inputs, budget(0.004, 0.006, 'uniform')));
    within((t.red + t.yellow) / N, 0.01, 0.1, 'all tied');
  });

  it('without a model, selects at random at the office rate', () => {
    for (const bud of BUDGETS) {
      const T = bud.red + bud.yellow;
      const inputs = traffic({ n: N, seed: 9, mandatedRed: bud.mandatedRed, unscored: 1 });
      const selections = run(inputs, budget(bud.red, bud.yellow, 'uncertainty'));
      const t = tally(selections);
      within((t.red + t.yellow) / N, T, 0.1, `${bud.name} without a model`);
      assert.equal(t.riskBased, 0);
      checkInvariants(inputs, selections);
      const unforced = selections.filter((s, i) => inputs[i]!.mandated !== 'red' && s.selectionType !== 'rule-mandated');
      assert.ok(unforced.every((s) => s.selectionType === 'random' || s.selectionType === 'none'));
      // The propensity is the rate the rest of the flow is checked at: (T − mandated) / (1 − mandated).
      const median = unforced.map((s) => s.propensity).sort((a, b) => a - b)[unforced.length >> 1]!;
      within(median, (T - bud.mandatedRed) / (1 - bud.mandatedRed), 0.15, `${bud.name}: median propensity`);
    }
  });

  it('keeps the rate on a flow where half the declarations have no score', () => {
    const inputs = traffic({ n: N, seed: 10, mandatedRed: 0.01, unscored: 0.5 });
    const selections = run(inputs, budget(0.02, 0.03, 'uncertainty'));
    const t = tally(selections);
    within((t.red + t.yellow) / N, 0.05, 0.1, 'half unscored');
    checkInvariants(inputs, selections);
  });

  it('when rules alone exceed the budget, honours them, stops risk selection and keeps exploring', () => {
    // 1 % mandated red on a 1 % budget: the office inspects m + e·T = 1.1 %.
    const inputs = traffic({ n: N, seed: 11, mandatedRed: 0.01 });
    const selections = run(inputs, budget(0.004, 0.006, 'uncertainty'));
    const t = tally(selections);
    const mandated = inputs.filter((x) => x.mandated === 'red').length;
    checkInvariants(inputs, selections);
    assert.ok(t.riskBased < 0.05 * mandated, `risk-based ${t.riskBased}`);
    assert.ok(t.explored > 0);
    within((t.red + t.yellow) / N, mandated / N + 0.001, 0.1, 'mandated + exploration');
  });

  it('starts each UTC day afresh and holds the rate on every day', () => {
    const n = 5000;
    const inputs = traffic({ n, seed: 12, mandatedRed: 0.01, days: 3 });
    const state = newSelectorState();
    const selections = run(inputs, budget(0.02, 0.03, 'uniform'), 1, state);
    for (let d = 0; d < 3; d++) {
      const t = tally(selections.slice(d * n, (d + 1) * n));
      within((t.red + t.yellow) / n, 0.05, 0.1, `day ${d + 1}`);
    }
    assert.equal(state.declarations, n);
    assert.equal(state.previousDeclarations, n);
    // A declaration dated the day before is counted in the current day.
    const before = state.day;
    select(state, budget(0.02, 0.03, 'uniform'), { score: 0.1, probability: 0.1, at: '2025-03-04T23:00:00Z' }, () => 0.5);
    assert.equal(state.day, before);
    assert.equal(state.declarations, n + 1);
  });
});

describe('select: exploration weights', () => {
  it('uncertainty mode gives uncertain declarations more chance, uniform mode the same to all', () => {
    const inputs = traffic({ n: 3000, seed: 13, mandatedRed: 0.01 });
    for (const mode of MODES) {
      const state = newSelectorState();
      run(inputs, budget(0.02, 0.03, mode), 1, state);
      const chance = (probability: number) =>
        select(structuredClone(state), budget(0.02, 0.03, mode), { score: -1, probability, at: '2025-03-03T23:59:00Z' }, () => 0.999).propensity;
      const [low, mid, none] = [chance(0.001), chance(0.3), chance(0)];
      if (mode === 'uniform') {
        assert.equal(low, mid);
      } else {
        assert.ok(mid > 3 * low, `p = 0.3: ${mid}, p = 0.001: ${low}`);
        assert.ok(none > 0, 'a probability of 0 still has a chance');
      }
    }
  });
});

describe('select: state and reproducibility', () => {
  const inputs = traffic({ n: 12_000, seed: 21, mandatedRed: 0.01, step: 0.001 });
  const b = budget(0.02, 0.03, 'uncertainty');

  it('gives the same decisions for the same seed, and other decisions for another', () => {
    assert.deepEqual(run(inputs, b, 7), run(inputs, b, 7));
    assert.notDeepEqual(run(inputs, b, 7), run(inputs, b, 8));
  });

  it('round-trips its state through JSON mid-stream without changing a decision', () => {
    const straight = run(inputs, b, 7);
    const random = new SeededRandom(7);
    let state = newSelectorState();
    const resumed = inputs.map((input, i) => {
      if (i % 3000 === 1500) state = JSON.parse(JSON.stringify(state)) as SelectorState;
      return select(state, b, input, () => random.next());
    });
    assert.deepEqual(resumed, straight);
    assert.ok(JSON.stringify(state).length < 60_000, `state of ${JSON.stringify(state).length} characters`);
  });

  it('refuses bad input, naming the field', () => {
    const s = newSelectorState();
    const ok: SelectionInput = { score: 0.1, probability: 0.1, at: '2025-03-03T10:00:00Z' };
    const r = () => 0.5;
    assert.throws(() => select(s, b, { ...ok, at: '3 March 2025' }, r), /input\.at/);
    assert.throws(() => select(s, b, { ...ok, score: NaN }, r), /input\.score/);
    assert.throws(() => select(s, b, { ...ok, probability: 1.5 }, r), /input\.probability/);
    assert.throws(() => select(s, { ...b, redRate: 0.7, yellowRate: 0.5 }, ok, r), /at most 1/);
    assert.throws(() => select(s, { ...b, exploreShare: -0.1 }, ok, r), /exploreShare/);
    assert.throws(() => select(s, b, ok, () => 1), /random\(\)/);
  });
});

describe('select: properties', () => {
  const input = fc.record({
    score: fc.oneof(fc.constant(null), fc.integer({ min: -4, max: 12 }).map((x) => x / 8), fc.double({ min: -1, max: 2, noNaN: true })),
    probability: fc.oneof(fc.constant(null), fc.double({ min: 0, max: 1, noNaN: true })),
    mandated: fc.constantFrom(undefined, undefined, undefined, 'red' as const, 'yellow' as const, 'green' as const),
    minutes: fc.integer({ min: 0, max: 600 }),
  });
  const flow = fc.array(input, { minLength: 1, maxLength: 150 }).map((xs) => {
    let minute = 0;
    return xs.map(({ minutes, ...x }): SelectionInput => {
      minute += minutes;
      return { ...x, at: new Date(DAY + minute * 60_000).toISOString() };
    });
  });
  const anyBudget = fc
    .record({
      red: fc.double({ min: 0, max: 0.5, noNaN: true }),
      yellow: fc.double({ min: 0, max: 0.5, noNaN: true }),
      explore: fc.double({ min: 0.01, max: 1, noNaN: true }),
      mode: fc.constantFrom(...MODES),
    })
    .filter((x) => x.red + x.yellow > 0.001)
    .map((x) => budget(x.red, x.yellow, x.mode, x.explore));

  it('every propensity is in (0, 1], mandates are kept, types match lanes, and JSON round-trips anywhere', () => {
    fc.assert(
      fc.property(flow, anyBudget, fc.integer({ min: 0, max: 2 ** 31 }), fc.nat(), (inputs, b, seed, cut) => {
        const selections = run(inputs, b, seed);
        checkInvariants(inputs, selections);
        const at = cut % inputs.length;
        const random = new SeededRandom(seed);
        let state = newSelectorState();
        const resumed = inputs.map((x, i) => {
          if (i === at) state = JSON.parse(JSON.stringify(state)) as SelectorState;
          return select(state, b, x, () => random.next());
        });
        assert.deepEqual(resumed, selections);
      }),
      { numRuns: 200 },
    );
  });
});
