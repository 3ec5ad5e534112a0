import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { canonicalJson } from '../../src/domain/canonical-json.ts';

/** JSON values with the awkward parts of RFC 8785 in them: any member names, unicode, ±0, huge and tiny numbers. */
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.constantFrom(0, -0, 1e21, 1e-7, 5e-324, Number.MAX_VALUE, 123456789012345680000, 0.1 + 0.2),
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary' }).filter((s) => s.isWellFormed()),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ unit: 'binary' }).filter((s) => s.isWellFormed()), tie('value'), { maxKeys: 6 }),
  ),
})).value;

describe('canonicalJson (RFC 8785)', () => {
  it('writes exactly what canonicalize, the RFC author’s package, writes', () => {
    fc.assert(
      fc.property(json, (v) => assert.equal(canonicalJson(v), canonicalize(v))),
      { numRuns: 2000 },
    );
  });

  it('follows the RFC’s examples: numbers as ECMAScript prints them, members by UTF-16 code units', () => {
    assert.equal(canonicalJson({ numbers: [Number('333333333.33333329'), 1e30, 4.5, 2e-3, 0.000000000000000000000000001, -0] }), '{"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27,0]}');
    // U+20AC (€) sorts after U+000D, U+0080 after 1, and a surrogate pair (U+1F600) before U+FB33.
    assert.equal(canonicalJson({ '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\u{1f600}': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' }),
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\u{1f600}":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}');
    assert.equal(canonicalJson({ b: [1, { y: 2, x: 1 }], a: 'x\u2028"\\' }), '{"a":"x\u2028\\"\\\\","b":[1,{"x":1,"y":2}]}');
  });

  it('leaves out members whose value is undefined, and writes a Date as its toJSON', () => {
    assert.equal(canonicalJson({ a: undefined, b: 1 }), '{"b":1}');
    assert.equal(canonicalJson({ at: new Date('2026-12-07T01:02:03.004Z') }), '{"at":"2026-12-07T01:02:03.004Z"}');
  });

  it('refuses what JSON cannot hold exactly, naming where it is', () => {
    const refused = (v: unknown, where: RegExp) => assert.throws(() => canonicalJson(v), (e: Error) => e instanceof TypeError && where.test(e.message));
    refused(Number.NaN, /\$ is NaN/);
    refused({ a: [1, Infinity] }, /\$\.a\[1\] is Infinity/);
    refused(undefined, /\$ is undefined/);
    refused([undefined], /\$\[0\] is undefined/);
    refused({ f: () => 1 }, /\$\.f is a function/);
    refused({ n: 1n }, /\$\.n is a bigint/);
    refused({ s: Symbol('x') }, /\$\.s is a symbol/);
    refused({ s: 'a\ud800b' }, /\$\.s holds a lone surrogate/);
    refused({ ['\udc00']: 1 }, /\$ has a member name with a lone surrogate/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    refused(cycle, /a cycle/);
  });
});
