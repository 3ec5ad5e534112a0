// The index module holds the codes only; the package's default entry also loads every language's names.
import countries from 'i18n-iso-countries/index.js';
import { fail, ok, type Check } from './check.ts';

const EXPECTED = 'an ISO 3166-1 alpha-2 country code (e.g. CN, KR, NL)';

/** Checks an ISO 3166-1 alpha-2 country code; lower case input is upper-cased. */
export function checkCountry(s: string): Check<string> {
  if (typeof s !== 'string' || s.length > 16) return fail('not a country code', EXPECTED);
  const n = s.trim().toUpperCase();
  // isValid also accepts alpha-3 and numeric codes, so only two letters may reach it.
  if (!/^[A-Z]{2}$/.test(n) || !countries.isValid(n)) {
    return fail(`"${n}" is not an ISO 3166-1 alpha-2 country code`, EXPECTED);
  }
  return ok(n);
}
