/**
 * RFC 8785 (JSON Canonicalization Scheme): object members sorted by their UTF-16 code units,
 * numbers and strings as ECMAScript's JSON.stringify prints them, no insignificant space. Values
 * that JSON cannot hold exactly (undefined at the top or in an array, NaN, Infinity, functions,
 * symbols, bigints, strings with a lone surrogate) are refused rather than silently dropped, so
 * that two parties never hash different readings of one value; an object member whose value is
 * undefined is left out, as JSON.stringify leaves it, and a value with toJSON (a Date) is written
 * as what toJSON returns.
 *
 * Written out rather than taken from `canonicalize` (the RFC author's package, against which
 * test/domain/canonical-json.test.ts checks it on generated values): that package walks every
 * string a character at a time in JavaScript to find lone surrogates and keeps a set of the objects
 * it is inside, and every ledger entry and device signature canonicalizes its payload, thousands a
 * second. This is one pass, with String.prototype.isWellFormed and a depth bound for cycles.
 */
export function canonicalJson(value: unknown): string {
  try {
    return write(value, 0);
  } catch (e) {
    if (!(e instanceof Refusal)) throw e;
    throw new TypeError(`canonicalJson: $${e.path.join('')} ${e.problem}`);
  }
}

/** Deeper than this, a value is taken for a cycle (no payload of ours is nested a tenth as deep). */
const MAX_DEPTH = 1000;

/** A value refused, and where: the path is filled in on the way out (a path built on the way in cost a third of the time). */
class Refusal extends Error {
  readonly path: string[] = [];
  constructor(readonly problem: string) {
    super(problem);
  }
}

function write(v: unknown, depth: number): string {
  switch (typeof v) {
    case 'string':
      if (!v.isWellFormed()) throw new Refusal('holds a lone surrogate; JSON text must be well-formed Unicode');
      return JSON.stringify(v);
    case 'number':
      if (!Number.isFinite(v)) throw new Refusal(`is ${v}; JSON numbers must be finite`);
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (depth >= MAX_DEPTH) throw new Refusal(`is nested ${MAX_DEPTH} deep; a cycle?`);
      const toJSON = (v as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') return write(toJSON.call(v), depth + 1);
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) {
          try {
            out += (i === 0 ? '' : ',') + write(v[i], depth + 1);
          } catch (e) {
            if (e instanceof Refusal) e.path.unshift(`[${i}]`);
            throw e;
          }
        }
        return out + ']';
      }
      const o = v as Record<string, unknown>;
      let out = '{';
      let first = true;
      for (const k of Object.keys(o).sort()) {
        const x = o[k];
        if (x === undefined) continue;
        if (!k.isWellFormed()) throw new Refusal('has a member name with a lone surrogate; JSON text must be well-formed Unicode');
        try {
          out += (first ? '' : ',') + JSON.stringify(k) + ':' + write(x, depth + 1);
        } catch (e) {
          if (e instanceof Refusal) e.path.unshift(`.${k}`);
          throw e;
        }
        first = false;
      }
      return out + '}';
    }
    default:
      throw new Refusal(v === undefined ? 'is undefined; JSON holds objects, arrays, strings, finite numbers, booleans and null' : `is a ${typeof v}; JSON holds objects, arrays, strings, finite numbers, booleans and null`);
  }
}
