import { fail, ok, remembered, type Check } from './check.ts';

const EXPECTED = 'an ISO 4217 alphabetic currency code (e.g. KRW, USD, EUR)';

let currencies: ReadonlySet<string> | undefined;

/** The ISO 4217 codes this runtime knows, built on first use. */
function knownCurrencies(): ReadonlySet<string> {
  currencies ??= new Set(Intl.supportedValuesOf('currency'));
  return currencies;
}

/** Checks an ISO 4217 alphabetic currency code; lower case input is upper-cased. */
export const checkCurrency = remembered(function checkCurrency(s: string): Check<string> {
  if (typeof s !== 'string' || s.length > 16) return fail('not a currency code', EXPECTED);
  const n = s.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(n) || !knownCurrencies().has(n)) {
    return fail(`"${n}" is not an ISO 4217 currency code`, EXPECTED);
  }
  return ok(n);
});
