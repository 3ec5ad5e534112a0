import { fail, ok, remembered, type Check } from './check.ts';

const EXPECTED = '6 to 10 digits of the Harmonized System, chapter 01-97 except 77 (e.g. 847130)';
const MAX_INPUT = 32;

/** The HS chapter (first two digits, 1-97) of a code that passed `checkHsCode`. */
export function hsChapter(code: string): number {
  return Number(code.slice(0, 2));
}

/** Checks a Harmonized System commodity code; dots and spaces in the input ("8471.30") are removed. */
export const checkHsCode = remembered(function checkHsCode(s: string): Check<string> {
  if (typeof s !== 'string' || s.length > MAX_INPUT) return fail('not an HS code', EXPECTED);
  const n = s.trim().replace(/[.\s]/g, '');
  if (!/^\d+$/.test(n)) return fail(`"${n}" contains characters other than digits`, EXPECTED);
  if (n.length < 6 || n.length > 10) return fail(`has ${n.length} digits, not 6 to 10`, EXPECTED);
  const chapter = hsChapter(n);
  if (chapter < 1 || chapter > 97) return fail(`chapter ${n.slice(0, 2)} does not exist`, EXPECTED);
  if (chapter === 77) return fail('chapter 77 is reserved for future use', EXPECTED);
  return ok(n);
});
