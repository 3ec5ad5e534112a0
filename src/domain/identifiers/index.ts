export { fail, ok, type Check } from './check.ts';
export { checkContainerNumber, containerCheckDigit } from './container-number.ts';
export { checkCountry } from './country.ts';
export { checkCurrency } from './currency.ts';
export { checkHsCode, hsChapter } from './hs-code.ts';
export { checkUnLocode } from './unlocode.ts';
