import { fail, ok, type Check } from './check.ts';

/** ISO 6346 equipment category identifiers: U freight container, J detachable equipment, Z trailer/chassis. */
const CATEGORIES = 'UJZ';
const EXPECTED = '11 characters: 3-letter owner code, category U/J/Z, 6-digit serial, 1 check digit (e.g. CSQU3054383)';
const MAX_INPUT = 64;
/** Already in canonical form (nearly every input): nothing to strip or upper-case. */
const CANONICAL = /^[A-Z]{4}\d{7}$/;

/** ISO 6346 letter values by character code: A=10 upwards, skipping the multiples of 11 (11, 22, 33). */
const LETTER_VALUES: readonly number[] = (() => {
  const values: number[] = [];
  let v = 10;
  for (let c = 65; c <= 90; c++) {
    if (v % 11 === 0) v++;
    values[c] = v++;
  }
  return values;
})();

/**
 * The ISO 6346 check digit of the first 10 characters (owner code, category, serial): each character's
 * value times 2^position, summed, mod 11, mod 10. Throws on characters that cannot appear there.
 */
export function containerCheckDigit(first10: string): number {
  if (!/^[A-Z]{4}\d{6}$/.test(first10)) {
    throw new RangeError(`containerCheckDigit expects 4 letters and 6 digits, got "${first10}"`);
  }
  return checkDigitOf(first10);
}

/** The check digit of s's first 10 characters, known to be 4 letters A-Z and 6 digits. */
function checkDigitOf(s: string): number {
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const c = s.charCodeAt(i);
    const value = i < 4 ? LETTER_VALUES[c]! : c - 48;
    sum += value * (1 << i);
  }
  return (sum % 11) % 10;
}

/** Checks an ISO 6346 container number; spaces and hyphens are allowed in the input and removed. */
export function checkContainerNumber(s: string): Check<string> {
  if (typeof s !== 'string' || s.length > MAX_INPUT) return fail('not a container number', EXPECTED);
  const canonical = CANONICAL.test(s);
  // Nearly every number is canonical and right: checked without a new string; the rest below says what is wrong.
  if (canonical && CATEGORIES.includes(s[3]!) && checkDigitOf(s) === s.charCodeAt(10) - 48) return ok(s);
  const n = canonical ? s : s.trim().toUpperCase().replace(/[\s-]/g, '');
  if (n.length !== 11) return fail(`has ${n.length} characters without spaces, not 11`, EXPECTED);
  const owner = n.slice(0, 3);
  if (!/^[A-Z]{3}$/.test(owner)) return fail(`owner code "${owner}" is not 3 letters A-Z`, EXPECTED);
  const category = n[3] as string;
  if (!CATEGORIES.includes(category)) {
    return fail(`equipment category "${category}" is not U, J or Z`, EXPECTED);
  }
  const serial = n.slice(4, 10);
  if (!/^\d{6}$/.test(serial)) return fail(`serial number "${serial}" is not 6 digits`, EXPECTED);
  const given = n[10] as string;
  const computed = containerCheckDigit(n.slice(0, 10));
  if (!/^\d$/.test(given)) return fail(`check digit "${given}" is not a digit, computed ${computed}`, EXPECTED);
  if (Number(given) !== computed) return fail(`check digit is ${given}, computed ${computed}`, EXPECTED);
  return ok(n);
}
