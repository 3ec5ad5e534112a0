import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Declaration } from '../../../src/domain/declaration.ts';
import { compileCondition, parseCondition } from '../../../src/risk/rules/condition.ts';
import { engine } from '../../../src/risk/rules/engine.ts';
import { factsOf, type Facts } from '../../../src/risk/rules/facts.ts';
import { OPERATORS } from '../../../src/risk/rules/operators.ts';

const declaration = Declaration.parse({
  id: 'D1',
  filedAt: '2025-03-01T10:00:00.000Z',
  customsOffice: 'NL000396',
  importer: 'IMP-1',
  declarant: 'DEC-1',
  containers: ['CSQU3054383'],
  items: [
    { sequence: 1, hsCode: '8471300000', originCountry: 'VN', netMassKg: 100, customsValue: 500, currency: 'EUR', duty: 10 },
    { sequence: 2, hsCode: '61091000', originCountry: 'CN', netMassKg: 20, customsValue: 2000, currency: 'EUR', taxRate: 12, duty: 240 },
    { sequence: 3, hsCode: '850440', customsValue: 2000, currency: 'EUR' },
  ],
  attributes: { incoterm: 'FOB', aeo: '1', flag: true, empty: '' },
});
// customsValue 4500, netMassKg 120, unitValue 37.5, duty 250, taxRate 12, hsCode 61091000, no seller, no model.
const facts = factsOf(declaration, { probability: 0.7 });

const v = (name: string) => ({ var: name });
const eq = (a: unknown, b: unknown) => ({ '==': [a, b] });

/** [operator, condition, whether it holds on the facts above]. */
const VECTORS: readonly [string, unknown, boolean][] = [
  ['and', { and: [eq(v('hs2'), '61'), { '>': [v('customsValue'), 4000] }] }, true],
  ['and', { and: [true, eq(v('seller'), 'X')] }, false],
  ['or', { or: [eq(v('seller'), 'X'), eq(v('importer'), 'IMP-1')] }, true],
  ['or', { or: [eq(v('seller'), 'X'), false] }, false],
  ['!', { '!': [v('seller')] }, true],
  ['!', { '!': v('declarant') }, false],
  ['!!', { '!!': [v('declarant')] }, true],
  ['!!', { '!!': [v('courier')] }, false],
  ['if', { if: [{ '>': [v('score'), 0.5] }, eq(v('hs2'), '61'), false] }, true],
  ['if', { if: [eq(v('hs2'), '84'), true, eq(v('hs2'), '85'), true, false] }, false],
  ['==', eq(v('hs4'), '6109'), true],
  ['==', eq(v('attr.aeo'), 1), true],
  ['==', eq(v('seller'), null), true],
  ['==', eq(v('customsValue'), null), false],
  ['!=', { '!=': [v('originCountry'), 'VN'] }, true],
  ['!=', { '!=': [v('seller'), null] }, false],
  ['===', { '===': [v('attr.aeo'), '1'] }, true],
  ['===', { '===': [v('attr.aeo'), 1] }, false],
  ['!==', { '!==': [v('attr.aeo'), 1] }, true],
  ['<', { '<': [v('unitValue'), 40] }, true],
  ['<', { '<': [v('unitValueRatio'), 1] }, false],
  ['<', { '<': [30, v('unitValue'), 37.5] }, false],
  ['<', { '<': [v('hs2'), '84'] }, true],
  ['<=', { '<=': [30, v('unitValue'), 37.5] }, true],
  ['<=', { '<=': [v('taxRate'), 11] }, false],
  ['>', { '>': [v('customsValue'), 4499] }, true],
  ['>', { '>': [v('importerSeen'), -1] }, false],
  ['>=', { '>=': [v('itemCount'), 3] }, true],
  ['>=', { '>=': [v('containerCount'), 2] }, false],
  ['+', eq({ '+': [v('customsValue'), v('duty'), 1] }, 4751), true],
  ['+', eq({ '+': [v('attr.aeo')] }, 1), true],
  ['+', eq({ '+': [v('unitValueRatio'), 1] }, null), true],
  ['-', eq({ '-': [v('customsValue'), v('duty')] }, 4250), true],
  ['-', eq({ '-': [v('taxRate')] }, -12), true],
  ['*', eq({ '*': [v('netMassKg'), 2, 0.5] }, 120), true],
  ['/', eq({ '/': [v('customsValue'), v('netMassKg')] }, 37.5), true],
  ['/', eq({ '/': [1, { '-': [v('taxRate'), 12] }] }, null), true],
  ['%', eq({ '%': [v('itemCount'), 2] }, 1), true],
  ['min', eq({ min: [v('taxRate'), 5, 20] }, 5), true],
  ['min', eq({ min: [v('taxRate'), v('importerSeen')] }, null), true],
  ['max', eq({ max: [v('taxRate'), 5, 20] }, 20), true],
  ['cat', eq({ cat: [v('hs2'), '-', v('office')] }, '61-NL000396'), true],
  ['cat', eq({ cat: [v('seller'), 'x'] }, 'x'), true],
  ['substr', eq({ substr: [v('hsCode'), 0, 4] }, '6109'), true],
  ['substr', eq({ substr: [v('hsCode'), -2] }, '00'), true],
  ['substr', eq({ substr: [v('hsCode'), 2, -2] }, '0910'), true],
  ['startsWith', { startsWith: [v('hsCode'), '6109'] }, true],
  ['startsWith', { startsWith: [v('hsCode'), '84'] }, false],
  ['startsWith', { startsWith: [v('seller'), 'A'] }, false],
  ['in', { in: [v('originCountry'), ['CN', 'VN']] }, true],
  ['in', { in: [v('originCountry'), ['US']] }, false],
  ['in', { in: ['OB', v('attr.incoterm')] }, true],
  ['in', { in: ['IMP', v('importer')] }, true],
  ['in', { in: ['X', v('seller')] }, false],
  ['var', { var: 'attr.flag' }, true],
  ['var', { var: 'attr.nope' }, false],
  ['var', eq({ var: ['seller', 'none'] }, 'none'), true],
  ['var', eq({ var: ['importer', 'none'] }, 'IMP-1'), true],
  ['missing', { missing: ['seller', 'importer'] }, true],
  ['missing', { missing: ['attr.empty'] }, true],
  ['missing', { missing: ['importer', 'attr.incoterm'] }, false],
  ['missing_some', { missing_some: [1, ['seller', 'courier']] }, true],
  ['missing_some', { missing_some: [1, ['seller', 'importer']] }, false],
];

describe('operators on facts', () => {
  for (const [name, condition, holds] of VECTORS) {
    it(`${name}: ${JSON.stringify(condition)} is ${holds}`, () => {
      const c = parseCondition(condition);
      assert.equal(compileCondition(c)(facts), holds);
      assert.equal(Boolean(engine.truthy(engine.run(c.expression, facts))), holds, 'interpreted');
    });
  }

  it('covers every allowed operator', () => {
    const covered = new Set(VECTORS.map(([name]) => name));
    assert.deepEqual(OPERATORS.map((o) => o.name).filter((n) => !covered.has(n)), []);
  });

  it('missing and missing_some give the names', () => {
    assert.deepEqual(engine.build(parseCondition({ missing: ['seller', 'importer', 'courier'] }).expression)(facts), ['seller', 'courier']);
    assert.deepEqual(engine.build(parseCondition({ missing_some: [2, ['seller', 'importer', 'courier']] }).expression)(facts), ['seller', 'courier']);
  });

  it('a condition that fails while it runs does not hold', () => {
    const failing = new Proxy(facts, {
      get(target, p) {
        if (p === 'customsValue') throw new Error('no');
        return Reflect.get(target, p);
      },
    }) as Facts;
    assert.equal(compileCondition(parseCondition({ '>': [v('customsValue'), 1] }))(failing), false);
  });
});
