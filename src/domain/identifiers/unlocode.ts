import { fail, ok, remembered, type Check } from './check.ts';
import { checkCountry } from './country.ts';

const EXPECTED = 'a UN/LOCODE: 2-letter country code and 3 characters A-Z or 2-9 (e.g. NLRTM, KR PUS)';

/** Checks a UN/LOCODE; one space between country and location ("NL RTM") is allowed and removed. */
export const checkUnLocode = remembered(function checkUnLocode(s: string): Check<string> {
  if (typeof s !== 'string' || s.length > 16) return fail('not a UN/LOCODE', EXPECTED);
  const m = /^([A-Z]{2}) ?([A-Z2-9]{3})$/.exec(s.trim().toUpperCase());
  if (m === null) return fail(`"${s.trim()}" does not have the shape of a UN/LOCODE`, EXPECTED);
  const [, country = '', location = ''] = m;
  const c = checkCountry(country);
  if (!c.ok) return fail(c.reason, EXPECTED);
  return ok(country + location);
});
