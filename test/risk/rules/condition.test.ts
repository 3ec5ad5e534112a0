import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPortcullisError, type PortcullisError } from '../../../src/domain/errors.ts';
import { parseCondition } from '../../../src/risk/rules/condition.ts';

/** The error parseCondition throws for this input. */
function rejection(input: unknown): PortcullisError {
  try {
    parseCondition(input);
  } catch (e) {
    assert.ok(isPortcullisError(e), `not a PortcullisError: ${String(e)}`);
    return e;
  }
  assert.fail(`accepted ${typeof input === 'string' ? input : JSON.stringify(input)}`);
}

const deep = (n: number): unknown => Array.from({ length: n - 1 }).reduce<unknown>((e) => ({ '!': [e] }), { var: ['newImporter'] });

/** Text that must be rejected: where (JSON Pointer, line, column) and a word of what. */
const REJECTED: readonly { desc: string; text: string; field: string; line: number; column: number; says: RegExp }[] = [
  { desc: 'JSON syntax: a missing comma', text: '{"and": [\n  {"var": "newImporter"}\n  {"var": "newImporter"}\n]}', field: 'condition/and/0', line: 3, column: 3, says: /comma was expected/ },
  { desc: 'JSON syntax: a key without quotes', text: '{and: [true]}', field: 'condition', line: 1, column: 2, says: /unexpected character/ },
  { desc: 'JSON syntax: a trailing comma in a list', text: '{"or": [\n  true,\n  false,\n]}', field: 'condition/or/1', line: 3, column: 8, says: /trailing comma/ },
  { desc: 'JSON syntax: a trailing comma in an object', text: '{"var": "score",}', field: 'condition/var', line: 1, column: 16, says: /trailing comma/ },
  { desc: 'JSON syntax: a line comment', text: '{"var": "newImporter"} // new ones', field: 'condition', line: 1, column: 24, says: /comments are not allowed/ },
  { desc: 'JSON syntax: a block comment', text: '{"and": [/* x */ true]}', field: 'condition/and/0', line: 1, column: 10, says: /comments are not allowed/ },
  { desc: 'JSON syntax: single quotes', text: "{'var': 'score'}", field: 'condition', line: 1, column: 2, says: /unexpected character/ },
  { desc: 'JSON syntax: unclosed', text: '{"and": [true, false]', field: 'condition/and', line: 1, column: 22, says: /closing \}/ },
  { desc: 'JSON syntax: a duplicate key', text: '{"var": "score",\n "var": "hs2"}', field: 'condition/var', line: 2, column: 2, says: /appears twice/ },
  { desc: 'empty text', text: '  \n ', field: 'condition', line: 1, column: 1, says: /empty/ },
  { desc: 'an empty object', text: '{}', field: 'condition', line: 1, column: 1, says: /empty/ },
  { desc: 'an empty operation inside', text: '{"and": [true, {}]}', field: 'condition/and/1', line: 1, column: 16, says: /empty operation/ },
  { desc: 'top level: a number', text: '42', field: 'condition', line: 1, column: 1, says: /a number, not an operation/ },
  { desc: 'top level: text', text: '"score > 0.8"', field: 'condition', line: 1, column: 1, says: /text, not an operation/ },
  { desc: 'top level: a list', text: '[true]', field: 'condition', line: 1, column: 1, says: /a list, not an operation/ },
  { desc: 'top level: null', text: 'null', field: 'condition', line: 1, column: 1, says: /null, not an operation/ },
  { desc: 'top level: a number-valued operation', text: '{"+": [{"var": "customsValue"}, 1]}', field: 'condition', line: 1, column: 1, says: /gives a number/ },
  { desc: 'unknown operator', text: '{"and": [\n  {"var": "newImporter"},\n  {"greater": [1, 2]}\n]}', field: 'condition/and/1/greater', line: 3, column: 4, says: /unknown operator "greater"/ },
  { desc: 'unknown operator, near a known one', text: '{"nad": [true]}', field: 'condition/nad', line: 1, column: 2, says: /did you mean "and"/ },
  { desc: 'operator left out: it loops', text: '{"some": [[1], {"var": ""}]}', field: 'condition/some', line: 1, column: 2, says: /not allowed: it loops/ },
  { desc: 'two operators in one object', text: '{"and": [true], "or": [true]}', field: 'condition', line: 1, column: 1, says: /several keys/ },
  { desc: 'arity: > with one argument', text: '{"and": [true, {">": [{"var": "score"}]}]}', field: 'condition/and/1/>', line: 1, column: 22, says: /has 1 argument/ },
  { desc: 'arity: > with three arguments', text: '{">": [1, {"var": "score"}, 3]}', field: 'condition/>', line: 1, column: 7, says: /has 3 arguments/ },
  { desc: 'arity: ! with two arguments', text: '{"!": [true, false]}', field: 'condition/!', line: 1, column: 7, says: /has 2 arguments/ },
  { desc: 'arity: if with an even count', text: '{"if": [true, false, true, false]}', field: 'condition/if', line: 1, column: 8, says: /odd number/ },
  { desc: 'arity: / with three arguments', text: '{"<": [{"/": [1, 2, 3]}, 1]}', field: 'condition/</0/~1', line: 1, column: 14, says: /has 3 arguments/ },
  { desc: 'arity: var with three arguments', text: '{"var": ["score", 0, 1]}', field: 'condition/var', line: 1, column: 9, says: /has 3 arguments/ },
  { desc: 'unknown fact, with the closest', text: '{"and": [\n  {"var": "newImporter"},\n  {">": [{"var": "customValue"}, 5]}\n]}', field: 'condition/and/1/>/0/var', line: 3, column: 18, says: /unknown fact "customValue"; did you mean "customsValue"/ },
  { desc: 'unknown fact in the unary form', text: '{"!": {"var": "importr"}}', field: 'condition/!/var', line: 1, column: 15, says: /did you mean "importer"/ },
  { desc: 'unknown fact, no close one', text: '{"==": [{"var": "xyzzy"}, 1]}', field: 'condition/==/0/var', line: 1, column: 17, says: /unknown fact "xyzzy"/ },
  { desc: 'an attribute without a name', text: '{"==": [{"var": "attr."}, 1]}', field: 'condition/==/0/var', line: 1, column: 17, says: /not an attribute name/ },
  { desc: 'unknown fact in missing', text: '{"missing": ["seller", "sellr"]}', field: 'condition/missing/1', line: 1, column: 24, says: /did you mean "seller"/ },
  { desc: 'a text fact compared with a number', text: '{"and": [\n  {"var": "newImporter"},\n  {"==": [{"var": "hs4"}, 8471]}\n]}', field: 'condition/and/1/==/1', line: 3, column: 27, says: /compares \{"var": "hs4"\} \(text\) with 8471 \(a number\)/ },
  { desc: 'a number fact compared with text', text: '{">": [\n  {"var": "customsValue"},\n  "10000"\n]}', field: 'condition/>/1', line: 3, column: 3, says: /compares .*customsValue.* with "10000" \(text\)/ },
  { desc: 'a number literal compared with a text fact (literal first)', text: '{"<": [5, {"var": "hs2"}]}', field: 'condition/</0', line: 1, column: 8, says: /compares 5 \(a number\)/ },
  { desc: 'startsWith with a number', text: '{"startsWith": [{"var": "hsCode"}, 84]}', field: 'condition/startsWith/1', line: 1, column: 36, says: /startsWith compares text/ },
  { desc: 'in a list of numbers for a text fact', text: '{"in": [{"var": "originCountry"}, ["CN", 156]]}', field: 'condition/in/1/1', line: 1, column: 42, says: /among a number/ },
  { desc: 'arithmetic on text', text: '{">": [{"+": [{"var": "importer"}, 1]}, 2]}', field: 'condition/>/0/+/0', line: 1, column: 15, says: /is text, not a number/ },
  { desc: 'ordering with null', text: '{"<": [{"var": "unitValueRatio"}, null]}', field: 'condition/</1', line: 1, column: 35, says: /ordering with null/ },
  { desc: 'a list outside in', text: '{"==": [{"var": "hs2"}, ["84"]]}', field: 'condition/==/1', line: 1, column: 25, says: /list is allowed only/ },
  { desc: 'var naming a fact by a number', text: '{"var": 3}', field: 'condition/var', line: 1, column: 9, says: /named by text/ },
  { desc: 'nested too deep (33 operations)', text: JSON.stringify(deep(33)), field: `condition${'/!/0'.repeat(32)}`, line: 1, column: 1 + 6 * 32, says: /more than 32 operations/ },
  { desc: 'nested far too deep for the parser', text: '['.repeat(40_000) + ']'.repeat(40_000), field: `condition${'/0'.repeat(66)}`, line: 1, column: 67, says: /more than 32 operations/ },
  { desc: 'too large (over 2,000 parts)', text: JSON.stringify({ or: Array.from({ length: 2001 }, () => false) }), field: 'condition/or/1999', line: 1, column: 8 + 6 * 1999, says: /more than 2000 parts/ },
];

describe('parseCondition rejects', () => {
  for (const v of REJECTED) {
    it(v.desc, () => {
      const e = rejection(v.text);
      assert.equal(e.code, 'INVALID_INPUT');
      const d = e.details[0]!;
      assert.equal(d.field, v.field);
      assert.match(d.problem, v.says);
      assert.ok(d.problem.includes(`line ${v.line}, column ${v.column}`), `${d.problem} is not at line ${v.line}, column ${v.column}`);
      assert.ok(d.expected !== undefined && d.expected.length > 0);
      assert.ok(e.message.includes(d.field!));
    });
  }

  it('every problem of an expression, not only the first', () => {
    const e = rejection('{"and": [{"var": "scor"}, {"==": [{"var": "hs2"}, 84]}, {"foo": [1]}]}');
    assert.deepEqual(e.details.map((d) => d.field), ['condition/and/0/var', 'condition/and/1/==/1', 'condition/and/2/foo']);
  });

  it('a parsed value: the same pointers, no positions', () => {
    const e = rejection({ and: [true, { '>': [{ var: 'customValue' }, 5] }] });
    assert.equal(e.code, 'INVALID_INPUT');
    assert.equal(e.details[0]!.field, 'condition/and/1/>/0/var');
    assert.doesNotMatch(e.details[0]!.problem, /line/);
  });

  it('parsed values that are no JSON', () => {
    assert.equal(rejection(undefined).details[0]!.field, 'condition');
    assert.equal(rejection({ '>': [{ var: 'score' }, Number.NaN] }).details[0]!.field, 'condition/>/1');
    assert.equal(rejection({ '>': [{ var: 'score' }, () => 1] }).details[0]!.field, 'condition/>/1');
    assert.equal(rejection({ '==': [{ var: 'hs2' }, new Date(0)] }).details[0]!.field, 'condition/==/1');
    assert.equal(rejection(deep(40)).details[0]!.problem.startsWith('the expression nests more than 32'), true);
  });

  it('escapes / and ~ in pointers', () => {
    assert.equal(rejection('{"<": [{"/": [{"var": "customsValue"}, {"var": "nope"}]}, 1]}').details[0]!.field, 'condition/</0/~1/1/var');
    assert.equal(rejection('{"a~b": [1]}').details[0]!.field, 'condition/a~0b');
  });

  it('text longer than the limit, before parsing it', () => {
    const e = rejection(' '.repeat(100_001));
    assert.equal(e.details[0]!.field, 'condition');
    assert.match(e.details[0]!.problem, /100001 characters/);
  });
});

describe('parseCondition accepts', () => {
  it('normalises every operation to a list of arguments, and lists the facts read', () => {
    const c = parseCondition('{"and": [{"!": {"var": "newImporter"}}, {">": [{"var": ["score", null]}, 0.8]}, {"in": [{"var": "attr.incoterm"}, ["FOB"]]}, {"var": ["hs2", "00"]}]}');
    assert.deepEqual(c.expression, { and: [{ '!': [{ var: ['newImporter'] }] }, { '>': [{ var: ['score'] }, 0.8] }, { in: [{ var: ['attr.incoterm'] }, ['FOB']] }, { var: ['hs2', '00'] }] });
    assert.deepEqual(c.facts, ['attr.incoterm', 'hs2', 'newImporter', 'score']);
  });

  it('true and false, text or value', () => {
    assert.deepEqual(parseCondition('true'), { expression: true, facts: [] });
    assert.deepEqual(parseCondition(false), { expression: false, facts: [] });
  });

  it('a parsed value and its text alike', () => {
    const value = { '<=': [0, { var: 'unitValueRatio' }, 0.3] };
    assert.deepEqual(parseCondition(value), parseCondition(JSON.stringify(value, null, 2)));
  });

  it('32 operations deep and 2,000 parts', () => {
    assert.ok(parseCondition(deep(32)));
    assert.ok(parseCondition({ or: Array.from({ length: 1999 }, () => false) }));
  });

  it('an attribute name with an escaped dot', () => {
    assert.deepEqual(parseCondition({ '==': [{ var: 'attr.invoice\\.number' }, 'X'] }).facts, ['attr.invoice\\.number']);
  });

  it('comparisons of unknown type (attributes, if) with anything', () => {
    assert.ok(parseCondition({ '==': [{ var: 'attr.aeo' }, 1] }));
    assert.ok(parseCondition({ '==': [{ var: 'attr.aeo' }, 'x'] }));
    assert.ok(parseCondition({ '>': [{ if: [{ var: 'newImporter' }, { var: 'customsValue' }, 'x'] }, 1] }));
  });
});
