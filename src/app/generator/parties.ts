import { GOODS, type GoodsLine } from './goods.ts';
import { brokerName, COURIER_BRANDS, importerName, sellerName, uniqueId } from './names.ts';
import { COUNTRIES, OFFICES, UNION_COUNTRIES, type Country, type CustomsOffice } from './places.ts';
import { weightedTable, zipfWeights, type Random, type WeightedTable } from './random.ts';
import type { FraudPattern } from './row.ts';
import type { Currency } from './tariff.ts';

/**
 * The parties of the generated world and their behaviour: how much they trade (Zipf-like volume),
 * what they trade, whether they are AEO-certified, and a latent propensity to commit fraud (`risk`,
 * a multiplier around 1) with a favourite way of doing it.
 */

export type PaymentType = 'open_account' | 'letter_of_credit' | 'documentary_collection' | 'cash_in_advance';
export type DescriptionStyle = 'catalogue' | 'upper' | 'short';

export interface Seller {
  readonly id: string;
  readonly name: string;
  readonly country: Country;
  readonly goods: readonly GoodsLine[];
  readonly size: number;
  readonly risk: number;
  readonly currency: Currency;
  /** Its prices relative to the market (brand, quality). */
  readonly priceLevel: number;
  readonly seaPort: string | undefined;
  readonly airport: string;
}

/** A customs broker lodging declarations on behalf of importers. */
export interface Declarant {
  readonly id: string;
  readonly name: string;
  readonly country: string;
  readonly aeo: boolean;
  readonly size: number;
  readonly risk: number;
  readonly offices: ReadonlySet<string>;
  /** Declares 10-digit tariff codes rather than HS6. */
  readonly fullCodes: boolean;
  readonly style: DescriptionStyle;
}

/** An express operator: carries small consignments by air and often declares them itself. */
export interface Courier {
  readonly id: string;
  readonly name: string;
  readonly country: string;
  readonly prefix: string;
  readonly size: number;
}

export interface Supply {
  readonly seller: Seller;
  readonly goods: readonly GoodsLine[];
}

export interface Importer {
  readonly id: string;
  readonly name: string;
  readonly country: string;
  readonly aeo: boolean;
  readonly size: number;
  readonly risk: number;
  readonly style: FraudPattern;
  /** When it starts trading, as a fraction of the generated period (0: established before). */
  readonly debut: number;
  /** Fly-by-night importers trade for a few weeks, often dishonestly, then vanish. */
  readonly flyByNight: boolean;
  readonly lifespanDays: number;
  readonly suppliers: WeightedTable<Supply>;
  readonly brokers: readonly Declarant[];
  readonly courier: Courier;
  readonly payment: PaymentType;
}

const STYLES: readonly FraudPattern[] = ['undervaluation', 'misclassification', 'false_origin', 'split_consignment'];
const STYLE_WEIGHTS = [0.35, 0.3, 0.3, 0.05];
const PAYMENTS: readonly PaymentType[] = ['open_account', 'letter_of_credit', 'documentary_collection', 'cash_in_advance'];
const CURRENCY_OPTIONS: readonly Currency[] = ['USD', 'EUR', 'CNY'];
const unionCountries = weightedTable(UNION_COUNTRIES.map(([c]) => c), UNION_COUNTRIES.map(([, w]) => w));
const sellerCountries = weightedTable(COUNTRIES, COUNTRIES.map((c) => c.tradeWeight));

function sellerCurrency(rng: Random, country: Country): Currency {
  const eur = country.bloc === 'europe' || country.code === 'TR' || country.code === 'MA' ? 0.65 : 0.08;
  const cny = country.code === 'CN' ? 0.25 : 0;
  return rng.weighted(CURRENCY_OPTIONS, [1 - eur - cny, eur, cny]);
}

export function makeSellers(rng: Random, count: number, used: Set<string>): Seller[] {
  return zipfWeights(count, 0.9).map((size) => {
    const country = rng.choose(sellerCountries);
    const primary = rng.pick(country.chapters);
    const own = GOODS.filter((g) => g.chapter === primary);
    const goods = own.filter(() => rng.bernoulli(0.6));
    if (goods.length === 0) goods.push(rng.pick(own));
    if (rng.bernoulli(0.3)) {
      const extra = rng.pick(GOODS.filter((g) => country.chapters.includes(g.chapter)));
      if (!goods.includes(extra)) goods.push(extra);
    }
    const rogue = rng.bernoulli(0.05);
    return {
      id: uniqueId(rng, country.code, used, true),
      name: sellerName(rng, country.code, country.bloc),
      country,
      goods,
      size,
      risk: rng.lognormal(rogue ? 3 : 1, 0.4),
      currency: sellerCurrency(rng, country),
      priceLevel: rng.lognormal(1, 0.12),
      seaPort: country.seaPorts.length > 0 ? rng.pick(country.seaPorts) : undefined,
      airport: rng.pick(country.airports),
    };
  });
}

export function makeDeclarants(rng: Random, count: number, used: Set<string>): Declarant[] {
  return zipfWeights(count, 0.8).map((size, i) => {
    const country = rng.choose(unionCountries);
    // The first brokers cover every office once, so that each office has someone to declare there.
    const offices = new Set([(OFFICES[i % OFFICES.length] as CustomsOffice).code]);
    for (let k = rng.int(0, 2); k > 0; k--) offices.add(rng.pick(OFFICES).code);
    return {
      id: uniqueId(rng, country, used),
      name: brokerName(rng, country),
      country,
      aeo: rng.bernoulli(0.45),
      size,
      risk: rng.bernoulli(0.08) ? rng.lognormal(3, 0.3) : rng.lognormal(1, 0.3),
      offices,
      fullCodes: rng.bernoulli(0.85),
      style: rng.weighted<DescriptionStyle>(['catalogue', 'upper', 'short'], [0.7, 0.2, 0.1]),
    };
  });
}

export function makeCouriers(rng: Random, used: Set<string>): Courier[] {
  const sizes = zipfWeights(COURIER_BRANDS.length, 0.7);
  return COURIER_BRANDS.map(([name, country, prefix], i) => ({
    id: uniqueId(rng, country, used),
    name,
    country,
    prefix,
    size: sizes[i] ?? 1,
  }));
}

export interface ImporterPlan {
  readonly count: number;
  readonly flyByNights: number;
}

/** Sellers by HS chapter, and which chapters importers take up: the popular, or the lucrative for fraudsters. */
interface Market {
  readonly sellersOf: ReadonlyMap<number, WeightedTable<Seller>>;
  readonly popular: WeightedTable<number>;
  readonly lucrative: WeightedTable<number>;
}

function market(sellers: readonly Seller[]): Market {
  const byChapter = new Map<number, Seller[]>();
  for (const s of sellers) {
    for (const chapter of new Set(s.goods.map((g) => g.chapter))) {
      const list = byChapter.get(chapter);
      if (list === undefined) byChapter.set(chapter, [s]);
      else list.push(s);
    }
  }
  const sellersOf = new Map([...byChapter].map(([ch, list]) => [ch, weightedTable(list, list.map((s) => s.size))]));
  const chapters = [...sellersOf.keys()];
  const topDuty = (ch: number) => Math.max(...GOODS.filter((g) => g.chapter === ch).map((g) => g.rate + g.cnSurcharge / 2));
  return {
    sellersOf,
    popular: weightedTable(chapters, chapters.map((ch) => sellersOf.get(ch)?.total ?? 0)),
    lucrative: weightedTable(chapters, chapters.map((ch) => topDuty(ch) + 1)),
  };
}

/** A few suppliers in one to three chapters; big importers have more. */
function suppliesOf(rng: Random, m: Market, flyByNight: boolean, big: boolean): WeightedTable<Supply> {
  const wanted = new Set<number>();
  for (let k = rng.int(1, 3); k > 0; k--) wanted.add(rng.choose(flyByNight ? m.lucrative : m.popular));
  const chapters = [...wanted];
  const links = new Map<Seller, Supply>();
  for (let k = rng.int(1, 4) + (big ? rng.int(3, 8) : 0); k > 0; k--) {
    const table = m.sellersOf.get(rng.pick(chapters));
    if (table === undefined) continue;
    const seller = rng.choose(table);
    links.set(seller, { seller, goods: seller.goods.filter((g) => wanted.has(g.chapter)) });
  }
  const supplies = [...links.values()];
  return weightedTable(supplies, zipfWeights(supplies.length, 1.2));
}

/** Most importers are honest (the biggest all are); some cut corners, a few are persistent offenders. */
function importerRisk(rng: Random, top: boolean, flyByNight: boolean): number {
  if (flyByNight) return rng.lognormal(1, 0.3);
  const u = rng.next();
  if (top || u >= 0.18) return rng.lognormal(0.5, 0.5);
  return u < 0.04 ? rng.lognormal(8, 0.4) : rng.lognormal(2.5, 0.4);
}

/** Regular importers, biggest first (the first is established from the start), then fly-by-nights. */
export function makeImporters(
  rng: Random,
  plan: ImporterPlan,
  sellers: readonly Seller[],
  declarants: readonly Declarant[],
  couriers: readonly Courier[],
  used: Set<string>,
): Importer[] {
  const m = market(sellers);
  const brokers = weightedTable(declarants, declarants.map((d) => d.size));
  const complicit = declarants.filter((d) => d.risk > 2);
  const courierTable = weightedTable(couriers, couriers.map((c) => c.size));

  const make = (size: number, rank: number, flyByNight: boolean): Importer => {
    const country = rng.choose(unionCountries);
    const big = rank < plan.count * 0.1;
    const top = rank < plan.count * 0.02;
    const suppliers = suppliesOf(rng, m, flyByNight, big);
    const aeo = !flyByNight && rng.bernoulli(top ? 0.7 : big ? 0.35 : 0.06);
    const risk = importerRisk(rng, top, flyByNight);
    const ownBrokers = flyByNight && complicit.length > 0 && rng.bernoulli(0.6) ? [rng.pick(complicit)] : [rng.choose(brokers), rng.choose(brokers)];
    const lateStarter = !flyByNight && rank > plan.count * 0.05 && rng.bernoulli(0.12);
    return {
      id: uniqueId(rng, country, used),
      name: importerName(rng, country),
      country,
      aeo,
      size,
      risk,
      style: flyByNight ? 'new_importer' : rng.weighted(STYLES, STYLE_WEIGHTS),
      debut: flyByNight ? rng.float(0, 0.97) : lateStarter ? rng.float(0.02, 0.95) : 0,
      flyByNight,
      lifespanDays: flyByNight ? rng.int(10, 45) : Number.POSITIVE_INFINITY,
      suppliers,
      brokers: ownBrokers,
      courier: rng.choose(courierTable),
      payment: flyByNight && rng.bernoulli(0.7) ? 'cash_in_advance' : rng.weighted(PAYMENTS, [0.5, 0.15, 0.1, 0.25]),
    };
  };
  const regular = zipfWeights(plan.count, 0.95).map((size, rank) => make(size, rank, false));
  const fbn = Array.from({ length: plan.flyByNights }, () => make(1, plan.count, true));
  return [...regular, ...fbn];
}
