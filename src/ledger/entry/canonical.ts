import canonicalize from 'canonicalize';

/**
 * RFC 8785 (JSON Canonicalization Scheme) through `canonicalize`, by the RFC's author: members
 * sorted by their UTF-16 code units, numbers as ECMAScript prints them, no insignificant space.
 * Values JSON cannot hold exactly (undefined at the top, NaN, Infinity, functions) are refused
 * rather than silently dropped, so that two parties never hash different readings of one value.
 */
export function canonicalJson(value: unknown): string {
  check(value, '$');
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('canonicalJson: the value has no JSON form');
  return text;
}

const encoder = new TextEncoder();

export function canonicalBytes(value: unknown): Uint8Array {
  return encoder.encode(canonicalJson(value));
}

function check(v: unknown, path: string): void {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`canonicalJson: ${path} is ${v}; JSON numbers must be finite`);
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((x, i) => check(x, `${path}[${i}]`));
    return;
  }
  if (typeof v === 'object') {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) check(x, `${path}.${k}`);
    return;
  }
  throw new TypeError(`canonicalJson: ${path} is a ${typeof v}; JSON holds objects, arrays, strings, finite numbers, booleans and null`);
}
