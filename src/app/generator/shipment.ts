import { isParcelGoods, type GoodsLine } from './goods.ts';
import type { Courier, Declarant, Importer, Seller } from './parties.ts';
import { COUNTRIES, COUNTRY, HUB_CODES, type Country, type CustomsOffice, type TransportMode } from './places.ts';
import { weightedTable, type Random } from './random.ts';
import type { World } from './world.ts';

/**
 * An honest consignment: who buys what from whom, how it travels, where it is declared, how much
 * it weighs and what it is worth. `truth` and `declared` start equal; fraud changes `declared`.
 */

export interface ItemFacts {
  readonly goods: GoodsLine;
  readonly origin: Country;
  readonly netMassKg: number;
  readonly quantity: number;
  readonly valueUsd: number;
}

export interface Consignment {
  readonly importer: Importer;
  readonly seller: Seller;
  readonly mode: TransportMode;
  readonly office: CustomsOffice;
  /** The broker, or undefined when the courier declares. */
  readonly declarant: Declarant | undefined;
  readonly courier: Courier | undefined;
  readonly exportCountry: Country;
  readonly portOfLoading: string;
  readonly containers: number;
  readonly incoterm: string;
  readonly payment: string;
  readonly truth: ItemFacts;
  readonly declared: ItemFacts;
  /** False when the consignment was split to obtain the low-value relief. */
  readonly reliefAllowed: boolean;
  /** Prohibited goods were concealed in it. */
  readonly prohibited: boolean;
}

const table = (pairs: readonly (readonly [string, number])[]) => weightedTable(pairs.map(([k]) => k), pairs.map(([, w]) => w));
const INCOTERMS: Readonly<Record<TransportMode, ReturnType<typeof table>>> = {
  sea: table([['FOB', 40], ['CIF', 25], ['CFR', 10], ['EXW', 10], ['FCA', 5], ['DAP', 10]]),
  rail: table([['FCA', 40], ['CPT', 30], ['DAP', 30]]),
  road: table([['EXW', 25], ['FCA', 30], ['DAP', 35], ['DDP', 10]]),
  air: table([['FCA', 30], ['CPT', 15], ['EXW', 20], ['DAP', 25], ['CIP', 10]]),
  express: table([['DAP', 60], ['DDP', 30], ['EXW', 10]]),
  post: table([['DAP', 70], ['DDP', 30]]),
};
const PAYMENTS = table([['open_account', 50], ['letter_of_credit', 15], ['documentary_collection', 10], ['cash_in_advance', 25]]);
const HUBS = HUB_CODES.map((c) => COUNTRY.get(c)).filter((c): c is Country => c !== undefined);
const makersByChapter = new Map<number, readonly Country[]>();

function chooseMode(rng: Random, goods: GoodsLine, country: Country): TransportMode {
  if (country.roadShare > 0 && (rng.bernoulli(country.roadShare) || (country.seaPorts.length === 0 && goods.airShare < 0.1))) return 'road';
  if (country.code === 'CN' && goods.containerKg >= 4000 && rng.bernoulli(0.05)) return 'rail';
  if (country.seaPorts.length > 0 && !rng.bernoulli(goods.airShare)) return 'sea';
  if (isParcelGoods(goods)) {
    const u = rng.next();
    if (u < 0.45) return 'express';
    if (u < 0.55) return 'post';
  }
  return 'air';
}

/** Net mass of one consignment, and the number of containers it fills (sea and rail). */
function massAndContainers(rng: Random, goods: GoodsLine, mode: TransportMode): [number, number] {
  switch (mode) {
    case 'sea':
    case 'rail': {
      if (mode === 'sea' && rng.bernoulli(0.35)) {
        const lcl = rng.lognormal(goods.containerKg * 0.1, 0.7);
        return [Math.min(Math.max(lcl, 30), goods.containerKg * 0.6), 1];
      }
      const n = rng.weighted([1, 2, 3, 4, 6], [60, 25, 10, 3, 2]);
      return [n * goods.containerKg * rng.float(0.75, 1), n];
    }
    case 'road':
      return [Math.min(Math.max(rng.lognormal(Math.min(goods.containerKg, 22000) * 0.5, 0.5), 100), 24000), 0];
    case 'air':
      return [Math.min(Math.max(rng.lognormal(300, 1), 5), 20000), 0];
    case 'express':
      return [Math.min(Math.max(rng.lognormal(3, 1), 0.1), 70), 0];
    case 'post':
      return [Math.min(Math.max(rng.lognormal(0.8, 0.8), 0.05), 20), 0];
  }
}

/** Quantity in the goods' unit for a net mass, and the net mass rounded as declared. */
export function quantityFor(rng: Random, goods: GoodsLine, massKg: number): [quantity: number, massKg: number] {
  const mass = Math.round(massKg * 1000) / 1000 || 0.001;
  if (goods.unit === 'KGM') return [mass, mass];
  if (goods.unit === 'LTR') return [Math.round((mass / goods.kgPerUnit) * 10) / 10 || 0.1, mass];
  const units = Math.max(1, Math.round(massKg / goods.kgPerUnit));
  return [units, Math.round(units * goods.kgPerUnit * rng.lognormal(1, 0.04) * 1000) / 1000];
}

function originOf(rng: Random, goods: GoodsLine, seller: Seller): Country {
  if (!HUB_CODES.includes(seller.country.code) || !rng.bernoulli(0.7)) return seller.country;
  let makers = makersByChapter.get(goods.chapter);
  if (makers === undefined) {
    makers = COUNTRIES.filter((c) => c.bloc === 'asia' && !HUB_CODES.includes(c.code) && c.chapters.includes(goods.chapter));
    makersByChapter.set(goods.chapter, makers);
  }
  return makers.length > 0 ? rng.pick(makers) : seller.country;
}

function declarantAt(world: World, rng: Random, importer: Importer, office: CustomsOffice): Declarant | undefined {
  const own = rng.bernoulli(0.85) ? importer.brokers[0] : importer.brokers[importer.brokers.length - 1];
  if (own !== undefined && own.offices.has(office.code)) return own;
  const here = world.brokersAt.get(office.code);
  return here === undefined ? own : rng.choose(here);
}

/** A consignment of given goods, mode and net mass (its value drawn around the market price). */
export function consign(world: World, rng: Random, importer: Importer, seller: Seller, goods: GoodsLine, mode: TransportMode, massKg: number, containers: number): Consignment {
  const origin = originOf(rng, goods, seller);
  const [quantity, netMassKg] = quantityFor(rng, goods, massKg);
  const clearance = rng.bernoulli(0.04) ? rng.float(0.35, 0.75) : 1; // end-of-line stock, seconds, related parties
  const valueUsd = netMassKg * goods.usdPerKg * seller.priceLevel * rng.lognormal(1, goods.spread) * clearance;
  let exportCountry = seller.country;
  let portOfLoading = mode === 'sea' || mode === 'rail' || mode === 'road' ? (seller.seaPort ?? seller.airport) : seller.airport;
  if (mode === 'sea' && rng.bernoulli(0.03)) {
    const hub = rng.pick(HUBS);
    if (hub !== seller.country) [exportCountry, portOfLoading] = [hub, rng.pick(hub.seaPorts)];
  }
  const office = rng.choose(world.offices[mode]);
  const courier = mode === 'express' ? (rng.bernoulli(0.75) ? importer.courier : rng.choose(world.courierTable)) : undefined;
  const facts: ItemFacts = { goods, origin, netMassKg, quantity, valueUsd };
  return {
    importer,
    seller,
    mode,
    office,
    declarant: courier !== undefined && rng.bernoulli(0.8) ? undefined : declarantAt(world, rng, importer, office),
    courier,
    exportCountry,
    portOfLoading,
    containers,
    incoterm: rng.choose(INCOTERMS[mode]),
    payment: rng.bernoulli(0.65) ? importer.payment : rng.choose(PAYMENTS),
    truth: facts,
    declared: facts,
    reliefAllowed: true,
    prohibited: false,
  };
}

/** The next consignment of an importer: goods from one of its suppliers, by the usual route. */
export function planConsignment(world: World, rng: Random, importer: Importer): Consignment {
  const supply = rng.choose(importer.suppliers);
  const goods = rng.pick(supply.goods);
  const mode = chooseMode(rng, goods, supply.seller.country);
  const [mass, containers] = massAndContainers(rng, goods, mode);
  return consign(world, rng, importer, supply.seller, goods, mode, mass, containers);
}
