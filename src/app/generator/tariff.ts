import { GOODS, type GoodsLine } from './goods.ts';
import { COUNTRIES, type Country } from './places.ts';

/**
 * The tariff of the generated world: the duty rate of goods by origin (full, reduced under GSP,
 * free under a trade agreement, plus anti-dumping duty on some Chinese goods), the low-value relief
 * under which small consignments pay no duty, and fixed exchange rates.
 */

export type Currency = 'USD' | 'EUR' | 'CNY';

/** US dollars per unit of each currency; fixed for the whole generated period. */
export const USD_PER: Readonly<Record<Currency, number>> = { USD: 1, EUR: 1.08, CNY: 0.139 };

/** Consignments worth at most this many euros pay no customs duty (excise goods excepted). */
export const LOW_VALUE_EUR = 150;

export const round2 = (x: number): number => Math.round(x * 100) / 100;

export function fromUsd(usd: number, currency: Currency): number {
  return usd / USD_PER[currency];
}

export function usdToEur(usd: number): number {
  return usd / USD_PER.EUR;
}

/** Duty rate in percent on goods of this origin, before any low-value relief. */
export function originRate(goods: GoodsLine, origin: Country): number {
  const base = origin.regime === 'free' ? 0 : origin.regime === 'gsp' ? Math.round(goods.rate * 7) / 10 : goods.rate;
  return origin.code === 'CN' ? base + goods.cnSurcharge : base;
}

/** Whether a consignment of this value is admitted duty-free under the low-value relief. */
export function lowValueRelief(goods: GoodsLine, valueUsd: number): boolean {
  return !goods.excise && usdToEur(valueUsd) <= LOW_VALUE_EUR;
}

/** The rate applied to a consignment: the origin rate, or 0 under the low-value relief. */
export function appliedRate(goods: GoodsLine, origin: Country, valueUsd: number): number {
  return lowValueRelief(goods, valueUsd) ? 0 : originRate(goods, origin);
}

/** Duty in the declaration's currency, rounded to cents: value × rate / 100. */
export function dutyOf(value: number, ratePercent: number): number {
  return round2((value * ratePercent) / 100);
}

const siblings = new Map<number, readonly GoodsLine[]>();
const origins = new Map<number, readonly Country[]>();
const key = (g: GoodsLine, c: Country): number => g.index * 1000 + c.index;

/** Goods of the same HS chapter that pay less duty from this origin: targets of misclassification. */
export function cheaperSiblings(goods: GoodsLine, origin: Country): readonly GoodsLine[] {
  const k = key(goods, origin);
  let found = siblings.get(k);
  if (found === undefined) {
    const rate = originRate(goods, origin);
    found = GOODS.filter((g) => g.chapter === goods.chapter && g !== goods && originRate(g, origin) < rate);
    siblings.set(k, found);
  }
  return found;
}

/** Countries of the same trade bloc from which these goods would pay less duty: false origins. */
export function cheaperOrigins(goods: GoodsLine, origin: Country): readonly Country[] {
  const k = key(goods, origin);
  let found = origins.get(k);
  if (found === undefined) {
    const rate = originRate(goods, origin);
    found = COUNTRIES.filter((c) => c.bloc === origin.bloc && c !== origin && originRate(goods, c) < rate);
    origins.set(k, found);
  }
  return found;
}
