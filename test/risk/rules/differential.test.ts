import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compileCondition, parseCondition, type Condition } from '../../../src/risk/rules/condition.ts';
import { engine, truthy } from '../../../src/risk/rules/engine.ts';
import { FACTS, type Facts } from '../../../src/risk/rules/facts.ts';

/**
 * The compiled condition (json-logic-engine's build) against the same engine's interpreter
 * (`run`), on random expressions over random facts: the same value, or a failure on both sides.
 */

const TEXTS = ['', ' ', 'CN', 'VN', '84', '8471', '847130', 'FOB', '1', '2.5', 'abc'];
const literal = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -5, max: 5 }),
  fc.double({ min: -1000, max: 1000, noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(...TEXTS),
);
const names = [...FACTS.map((f) => f.name), 'attr.a', 'attr.b'];
const factName = fc.constantFrom(...names);
const variable = fc.oneof(
  factName.map((n) => ({ var: [n] })),
  fc.tuple(factName, literal).map(([n, d]) => ({ var: [n, d] })),
);

const { expr } = fc.letrec<{ expr: unknown; op: unknown }>((tie) => {
  const e = tie('expr');
  const args = (min: number, max: number) => fc.array(e, { minLength: min, maxLength: max });
  const op = (name: string, min: number, max: number) => args(min, max).map((a) => ({ [name]: a }));
  return {
    expr: fc.oneof({ depthSize: 'small', withCrossShrink: true }, literal, variable, tie('op')),
    op: fc.oneof(
      op('and', 1, 4),
      op('or', 1, 4),
      op('!', 1, 1),
      op('!!', 1, 1),
      fc.oneof(op('if', 3, 3), op('if', 5, 5)),
      ...['==', '!=', '===', '!==', '>', '>=', '/', '%', 'startsWith'].map((n) => op(n, 2, 2)),
      ...['<', '<='].map((n) => op(n, 2, 3)),
      ...['+', '*', 'min', 'max', 'cat'].map((n) => op(n, 1, 4)),
      op('-', 1, 2),
      op('substr', 2, 3),
      op('in', 2, 2),
      fc.tuple(e, fc.array(literal, { maxLength: 4 })).map(([x, list]) => ({ in: [x, list] })),
      fc.array(factName, { minLength: 1, maxLength: 3 }).map((n) => ({ missing: n })),
      fc.tuple(fc.nat(3), fc.array(factName, { minLength: 1, maxLength: 3 })).map(([k, n]) => ({ missing_some: [k, n] })),
    ),
  };
});

const attribute = fc.oneof(fc.constant(null), fc.boolean(), fc.integer({ min: -3, max: 3 }), fc.constantFrom(...TEXTS));
const value = (type: string): fc.Arbitrary<unknown> =>
  fc.option<unknown, null>(
    type === 'number' ? fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true })) : type === 'boolean' ? fc.boolean() : fc.constantFrom(...TEXTS),
    { nil: null },
  );
const facts = fc
  .tuple(fc.tuple(...FACTS.map((f) => value(f.type))), attribute, attribute)
  .map(([values, a, b]) => ({ ...Object.fromEntries(FACTS.map((f, i) => [f.name, values[i]])), attr: Object.assign(Object.create(null), { a, b }) }) as Facts);

/** The value, or that it failed. -0 counts as 0: compiled code writes a literal -0 as 0 (it is JSON's text). */
function outcome(f: () => unknown): { value: unknown } | { failed: true } {
  try {
    const value = f();
    return { value: Object.is(value, -0) ? 0 : value };
  } catch {
    return { failed: true };
  }
}

describe('compiled conditions equal interpreted ones', () => {
  it('on random expressions over random facts', () => {
    fc.assert(
      fc.property(expr, fc.array(facts, { minLength: 1, maxLength: 4 }), (e, many) => {
        const compiled = outcome(() => engine.build(e));
        if ('failed' in compiled) return; // an expression the engine refuses to build is refused by both
        const run = compiled.value as (f: Facts) => unknown;
        for (const f of many) assert.deepEqual(outcome(() => run(f)), outcome(() => engine.run(e, f)), JSON.stringify({ e, f }));
      }),
      { numRuns: 1500, seed: 20250301 },
    );
  });

  it('for the conditions parseCondition accepts, hit for hit', () => {
    let accepted = 0;
    fc.assert(
      fc.property(expr, fc.array(facts, { minLength: 1, maxLength: 4 }), (e, many) => {
        let c: Condition;
        try {
          c = parseCondition(e);
        } catch {
          return;
        }
        accepted += 1;
        const hit = compileCondition(c);
        for (const f of many) {
          const interpreted = outcome(() => engine.run(c.expression, f));
          assert.equal(hit(f), 'value' in interpreted && truthy(interpreted.value), JSON.stringify({ e, f }));
        }
      }),
      { numRuns: 1500, seed: 7 },
    );
    assert.ok(accepted > 200, `only ${accepted} random expressions were valid conditions`);
  });
});
