import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPortcullisError } from '../../../src/domain/errors.ts';
import type { RuleAction, RuleVersion } from '../../../src/domain/rule.ts';
import { fitPipeline } from '../../../src/risk/features/pipeline.ts';
import { SeededRandom } from '../../../src/risk/random.ts';
import { factsOf, type Facts } from '../../../src/risk/rules/facts.ts';
import { compileRuleSet, evaluateRuleSet } from '../../../src/risk/rules/rule-set.ts';
import { config, declarations } from '../features/declarations.ts';

const rule = (id: string, condition: RuleVersion['condition'], action: RuleAction, extra: Partial<RuleVersion> = {}): RuleVersion => ({
  id, version: 1, status: 'active', author: 'ana', createdAt: '2025-01-01T00:00:00.000Z',
  name: `rule ${id}`, reason: `why ${id}`, threat: 'revenue', condition, action, offices: [], ...extra,
});
const red: RuleAction = { type: 'force-lane', lane: 'red' };
const yellow: RuleAction = { type: 'force-lane', lane: 'yellow' };
const green: RuleAction = { type: 'force-lane', lane: 'green' };
const documentary: RuleAction = { type: 'documentary-check' };
const points = (p: number): RuleAction => ({ type: 'add-score', points: p });

const facts = factsOf(declarations(1, 1)[0]!, { probability: 0.5 });
const JAN = '2025-01-15T00:00:00.000Z';

describe('compileRuleSet', () => {
  it('takes the active rules only, sorted by id, with their versions, digest and facts', () => {
    const set = compileRuleSet([
      rule('b', { '>': [{ var: 'score' }, 0.2] }, red),
      rule('a', { '==': [{ var: 'hs2' }, '84'] }, red, { version: 3 }),
      rule('c', true, red, { status: 'retired' }),
      rule('d', true, red, { status: 'draft' }),
    ]);
    assert.deepEqual(set.versions, ['a@3', 'b@1']);
    assert.deepEqual(set.facts, ['hs2', 'score']);
    assert.match(set.digest, /^[0-9a-f]{16}$/);
  });

  it('has a digest that depends on the id@version list only, not on the order', () => {
    const a = rule('a', true, red);
    const b = rule('b', false, green);
    const digest = compileRuleSet([a, b]).digest;
    assert.equal(compileRuleSet([b, a]).digest, digest);
    assert.equal(compileRuleSet([b, { ...a, status: 'approved' }, a]).digest, digest);
    assert.notEqual(compileRuleSet([b, { ...a, version: 2 }]).digest, digest);
    assert.notEqual(compileRuleSet([a]).digest, digest);
  });

  it('names the rule whose stored condition is bad', () => {
    assert.throws(
      () => compileRuleSet([rule('ok', true, red), rule('UV-7', { '>': [{ var: 'custmsValue' }, 1] }, red, { version: 4 })]),
      (e) => isPortcullisError(e) && e.code === 'INVALID_INPUT' && e.message.startsWith('rule UV-7@4:') && e.details[0]!.field === 'UV-7@4/condition/>/0/var',
    );
  });

  it('refuses two active versions of one rule', () => {
    assert.throws(() => compileRuleSet([rule('a', true, red), rule('a', true, red, { version: 2 })]), (e) => isPortcullisError(e) && e.code === 'CONFLICT');
  });
});

describe('evaluateRuleSet', () => {
  it('applies a rule within [validFrom, validTo) only', () => {
    const set = compileRuleSet([rule('w', true, red, { validFrom: '2025-01-10T00:00:00.000Z', validTo: '2025-02-01T00:00:00.000Z' })]);
    const hits = (at: string) => evaluateRuleSet(set, facts, at, 'NL01').hits.length;
    assert.equal(hits('2025-01-09T23:59:59.999Z'), 0);
    assert.equal(hits('2025-01-10T00:00:00.000Z'), 1);
    assert.equal(hits('2025-01-31T23:59:59.999Z'), 1);
    assert.equal(hits('2025-02-01T00:00:00.000Z'), 0);
    // Other ISO forms are brought to the stored one first.
    assert.equal(hits('2025-01-10T00:00:00Z'), 1);
    assert.equal(hits('2025-02-01T00:30:00+01:00'), 1);
    assert.throws(() => hits('yesterday'), (e) => isPortcullisError(e) && e.code === 'INVALID_INPUT' && e.details[0]!.field === 'filedAt');
  });

  it('applies a rule with offices at those offices only, one without at all', () => {
    const set = compileRuleSet([rule('scoped', true, red, { offices: ['NL01', 'BE01'] }), rule('all', true, points(0.1))]);
    assert.deepEqual(evaluateRuleSet(set, facts, JAN, 'BE01').hits.map((h) => h.id), ['all', 'scoped']);
    assert.deepEqual(evaluateRuleSet(set, facts, JAN, 'DE01').hits.map((h) => h.id), ['all']);
  });

  it('reports each hit with its rule’s name, reason, threat and action', () => {
    const set = compileRuleSet([rule('a', true, points(0.25), { threat: 'narcotics' })]);
    assert.deepEqual(evaluateRuleSet(set, facts, JAN, 'NL01'), {
      hits: [{ id: 'a', version: 1, name: 'rule a', reason: 'why a', threat: 'narcotics', action: { type: 'add-score', points: 0.25 } }],
      points: 0.25,
      documentary: false,
    });
  });

  const PRECEDENCE: readonly [string, RuleAction[], 'red' | 'yellow' | 'green' | undefined, boolean][] = [
    ['no hit', [], undefined, false],
    ['points only', [points(0.3), points(-0.1)], undefined, false],
    ['green', [green, points(0.2)], 'green', false],
    ['documentary over green', [green, documentary], 'yellow', true],
    ['yellow over green', [green, yellow], 'yellow', false],
    ['red over everything', [green, yellow, documentary, red], 'red', true],
    ['documentary alone', [documentary], 'yellow', true],
  ];
  for (const [desc, actions, lane, documentary] of PRECEDENCE) {
    it(`lane precedence: ${desc}`, () => {
      const set = compileRuleSet([...actions.map((a, i) => rule(`r${i}`, true, a)), rule('never', false, red)]);
      const outcome = evaluateRuleSet(set, facts, JAN, 'NL01');
      assert.equal(outcome.lane, lane);
      assert.equal(outcome.documentary, documentary);
      assert.equal(outcome.hits.length, actions.length);
      const sum = actions.reduce((s, a) => s + (a.type === 'add-score' ? a.points : 0), 0);
      assert.ok(Math.abs(outcome.points - sum) < 1e-12);
    });
  }

  it('evaluates 500 varied rules as each one’s meaning says', () => {
    const rows = declarations(400, 5);
    const { pipeline } = fitPipeline(rows.slice(0, 200), [{ name: 'illicit', values: Float64Array.from({ length: 200 }, (_, i) => (i % 9 === 0 ? 1 : 0)) }], config);
    const rng = new SeededRandom(42);
    const all = rows.map((d, i) => ({ d, f: factsOf(d, i % 4 === 0 ? { probability: null } : { pipeline, probability: rng.next() }) }));

    type Oracle = (f: Facts) => boolean;
    const TEMPLATES: ((i: number) => [RuleVersion['condition'], Oracle])[] = [
      (i) => [{ '>': [{ var: 'customsValue' }, i * 200] }, (f) => f.customsValue > i * 200],
      (i) => {
        const list = [['CN'], ['CN', 'VN'], ['US', 'VN']][i % 3]!;
        return [{ in: [{ var: 'originCountry' }, list] }, (f) => f.originCountry !== null && list.includes(f.originCountry)];
      },
      (i) => {
        const p = ['84', '8471', '61', '6109', '85044'][i % 5]!;
        return [{ startsWith: [{ var: 'hsCode' }, p] }, (f) => f.hsCode.startsWith(p)];
      },
      (i) => [{ '<': [{ var: 'unitValue' }, i % 300] }, (f) => f.unitValue !== null && f.unitValue < i % 300],
      (i) => {
        const [lo, hi] = [(i % 7) / 10, (i % 7) / 10 + 0.8];
        return [{ '<=': [lo, { var: 'unitValueRatio' }, hi] }, (f) => f.unitValueRatio !== null && lo <= f.unitValueRatio && f.unitValueRatio <= hi];
      },
      (i) => [{ and: [{ var: 'newImporter' }, { '>': [{ var: 'score' }, (i % 10) / 10] }] }, (f) => f.newImporter === true && f.score !== null && f.score > (i % 10) / 10],
      (i) => {
        const incoterm = ['FOB', 'CIF', ''][i % 3]!;
        return [{ or: [{ '==': [{ var: 'attr.incoterm' }, incoterm] }, { '==': [{ var: 'attr.aeo' }, 1] }] }, (f) => f.attr['incoterm'] === incoterm || f.attr['aeo'] === 1];
      },
      () => [{ missing: ['seller'] }, (f) => f.seller === null],
      (i) => [
        { if: [{ '==': [{ var: 'exportCountry' }, null] }, { '>=': [{ var: 'itemCount' }, 1 + (i % 3)] }, { '!=': [{ var: 'exportCountry' }, { var: 'originCountry' }] }] },
        (f) => (f.exportCountry === null ? f.itemCount >= 1 + (i % 3) : f.exportCountry !== f.originCountry),
      ],
      (i) => [{ '==': [{ '%': [{ var: 'customsValue' }, 2 + (i % 5)] }, 0] }, (f) => f.customsValue % (2 + (i % 5)) === 0],
      (i) => {
        const office = ['NL01', 'NL02', 'BE01'][i % 3]!;
        return [{ '==': [{ cat: [{ var: 'hs2' }, '|', { var: 'office' }] }, `84|${office}`] }, (f) => f.hs2 === '84' && f.office === office];
      },
      () => [{ '!': { in: [{ var: 'importer' }, ['A', 'constructor']] } }, (f) => f.importer !== 'A' && f.importer !== 'constructor'],
      (i) => [{ '>': [{ '/': [{ '+': [{ var: 'customsValue' }, { var: ['duty', 0] }] }, { var: 'netMassKg' }] }, i] }, (f) => f.netMassKg !== null && f.netMassKg > 0 && f.customsValue / f.netMassKg > i],
    ];
    const ACTIONS: RuleAction[] = [points(0.05), points(-0.02), documentary, yellow, red, green];
    const oracles = new Map<string, { holds: Oracle; offices: string[]; future: boolean }>();
    const rules = Array.from({ length: 500 }, (_, i) => {
      const [condition, holds] = TEMPLATES[i % TEMPLATES.length]!(i);
      const id = `R${String(i).padStart(3, '0')}`;
      const offices = i % 7 === 0 ? ['NL01'] : i % 11 === 0 ? ['NL02', 'BE01'] : [];
      const future = i % 29 === 0;
      oracles.set(id, { holds, offices, future });
      return rule(id, condition, ACTIONS[i % ACTIONS.length]!, { offices, ...(future ? { validFrom: '2026-01-01T00:00:00.000Z' } : { validTo: '2026-01-01T00:00:00.000Z' }) });
    });
    const set = compileRuleSet(rules);
    assert.equal(set.versions.length, 500);

    let hits = 0;
    for (const { d, f } of all) {
      const outcome = evaluateRuleSet(set, f, d.filedAt, d.customsOffice);
      const expected = [...oracles].filter(([, o]) => !o.future && (o.offices.length === 0 || o.offices.includes(d.customsOffice)) && o.holds(f)).map(([id]) => id);
      assert.deepEqual(outcome.hits.map((h) => h.id), expected, d.id);
      const actions = outcome.hits.map((h) => h.action);
      const lane = actions.some((a) => a.type === 'force-lane' && a.lane === 'red') ? 'red'
        : actions.some((a) => a.type === 'documentary-check' || (a.type === 'force-lane' && a.lane === 'yellow')) ? 'yellow'
        : actions.some((a) => a.type === 'force-lane') ? 'green' : undefined;
      assert.equal(outcome.lane, lane);
      hits += outcome.hits.length;
    }
    // The rules are varied: many hit, many do not.
    assert.ok(hits > 0.1 * 500 * all.length && hits < 0.9 * 500 * all.length, `${hits} hits`);
  });
});
