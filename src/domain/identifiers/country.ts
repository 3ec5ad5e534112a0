// The index module holds the codes only; the package's default entry also loads every language's names.
import countries from 'i18n-iso-countries/index.js';
import { fail, ok, type Check } from './check.ts';

const EXPECTED = 'an ISO 3166-1 alpha-2 country code (e.g. CN, KR, NL)';

/** The package's alpha-2 codes, each with its (shared) passing result. */
const PASSED: ReadonlyMap<string, Check<string>> = new Map(Object.keys(countries.getAlpha2Codes()).map((c) => [c, ok(c)]));

/** Checks an ISO 3166-1 alpha-2 country code; lower case input is upper-cased. */
export function checkCountry(s: string): Check<string> {
  if (typeof s !== 'string' || s.length > 16) return fail('not a country code', EXPECTED);
  const passed = PASSED.get(s) ?? PASSED.get(s.trim().toUpperCase());
  return passed ?? fail(`"${s.trim().toUpperCase()}" is not an ISO 3166-1 alpha-2 country code`, EXPECTED);
}
