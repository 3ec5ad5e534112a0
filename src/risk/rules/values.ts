/**
 * What the value operators of a condition compute. Facts are often unknown (null: no mass, no
 * model), and a rule must not fire on what is not known, so unlike plain JavaScript (where
 * `null < 0.2` is true):
 *
 * - arithmetic with an unknown operand is unknown (null), and so is a result that is not a finite
 *   number (division by zero);
 * - an ordering (`<`, `<=`, `>`, `>=`) with an unknown or non-numeric operand is false; two texts
 *   are ordered as text;
 * - `==` and `!=` compare a number with numeric text by value (attributes arrive as either), and
 *   null equals only null; `===` and `!==` compare exactly.
 *
 * None of these throws: the compiled condition and the interpreted one see the same values.
 */

type Value = unknown;

/** A number, numeric text as a number, anything else null. */
export function num(x: Value): number | null {
  if (typeof x === 'number') return Number.isFinite(x) ? x : null;
  if (typeof x === 'string' && x.trim() !== '') {
    const n = Number(x);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

export function add(a: Value, b: Value): number | null {
  const x = num(a);
  const y = num(b);
  return x === null || y === null ? null : finite(x + y);
}

export function multiply(a: Value, b: Value): number | null {
  const x = num(a);
  const y = num(b);
  return x === null || y === null ? null : finite(x * y);
}

export function subtract(a: Value, b: Value): number | null {
  const x = num(a);
  const y = num(b);
  return x === null || y === null ? null : finite(x - y);
}

export function negate(a: Value): number | null {
  const x = num(a);
  return x === null ? null : -x;
}

export function divide(a: Value, b: Value): number | null {
  const x = num(a);
  const y = num(b);
  return x === null || y === null || y === 0 ? null : finite(x / y);
}

export function remainder(a: Value, b: Value): number | null {
  const x = num(a);
  const y = num(b);
  return x === null || y === null || y === 0 ? null : finite(x % y);
}

export function min(a: Value, b: Value): number | null {
  const x = num(a);
  const y = num(b);
  return x === null || y === null ? null : Math.min(x, y);
}

export function max(a: Value, b: Value): number | null {
  const x = num(a);
  const y = num(b);
  return x === null || y === null ? null : Math.max(x, y);
}

/** -1, 0 or 1 when a and b can be ordered (two texts, or two numbers), else NaN. */
function order(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const x = num(a);
  const y = num(b);
  return x === null || y === null ? Number.NaN : x < y ? -1 : x > y ? 1 : 0;
}

export const less = (a: Value, b: Value): boolean => order(a, b) < 0;
export const lessOrEqual = (a: Value, b: Value): boolean => order(a, b) <= 0;
export const greater = (a: Value, b: Value): boolean => order(a, b) > 0;
export const greaterOrEqual = (a: Value, b: Value): boolean => order(a, b) >= 0;

export function equal(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a === typeof b) return false;
  if (typeof a === 'boolean' || typeof b === 'boolean') return false;
  const x = num(a);
  return x !== null && x === num(b);
}

export const notEqual = (a: Value, b: Value): boolean => !equal(a, b);
export const strictEqual = (a: Value, b: Value): boolean => a === b;
export const strictNotEqual = (a: Value, b: Value): boolean => a !== b;

/** Text joined, unknown parts left out. */
export function cat(a: Value, b: Value): string {
  return (a === null || a === undefined ? '' : String(a)) + (b === null || b === undefined ? '' : String(b));
}

/**
 * JsonLogic's substr: from a position (negative: from the end) the given number of characters
 * (negative: all but that many at the end; absent: to the end). Unknown text gives null.
 */
export function substr(s: Value, from: Value, length?: Value): string | null {
  if (s === null || s === undefined) return null;
  const text = String(s);
  const start = num(from);
  if (start === null) return null;
  const begin = Math.trunc(start) < 0 ? Math.max(0, text.length + Math.trunc(start)) : Math.min(text.length, Math.trunc(start));
  if (length === undefined || length === null) return text.slice(begin);
  const n = num(length);
  if (n === null) return null;
  const end = Math.trunc(n) < 0 ? text.length + Math.trunc(n) : begin + Math.trunc(n);
  return end <= begin ? '' : text.slice(begin, end);
}

/** Substring test on text; false when either is not text. */
export function contains(needle: Value, haystack: Value): boolean {
  return typeof needle === 'string' && typeof haystack === 'string' && haystack.includes(needle);
}

export function startsWith(s: Value, prefix: Value): boolean {
  return typeof s === 'string' && typeof prefix === 'string' && s.startsWith(prefix);
}
