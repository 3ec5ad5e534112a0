import type { Random } from './random.ts';
import type { Bloc } from './places.ts';

/**
 * Plausible, invented company names and identifiers for the parties of the generated world. Any
 * resemblance to a real company is a coincidence of common words.
 */

const UNION_STEMS = [
  'Nord', 'Hansa', 'Rhein', 'Atlas', 'Delta', 'Meridian', 'Orion', 'Baltic', 'Iberia', 'Alpen', 'Lumen', 'Vega',
  'Castell', 'Brenner', 'Sorella', 'Maas', 'Schelde', 'Adria', 'Vistula', 'Danubia', 'Ostra', 'Lindqvist',
  'Kessler', 'Van Dijk', 'Moreau', 'Rossi', 'Novak', 'Garcia', 'Weber', 'Peeters', 'Horizon', 'Kronos',
];
const UNION_TRADES = [
  'Trading', 'Import', 'Handel', 'Distribution', 'Supply', 'Retail', 'Sourcing', 'Wholesale', 'Commerce',
  'Goods', 'Brands', 'Products',
];
const BROKER_TRADES = ['Customs Services', 'Customs Brokers', 'Clearance', 'Customs Agency', 'Forwarding & Customs'];
const UNION_LEGAL: Readonly<Record<string, string>> = {
  DE: 'GmbH', NL: 'B.V.', FR: 'SAS', IT: 'S.r.l.', ES: 'S.L.', BE: 'NV', PL: 'Sp. z o.o.', AT: 'GmbH',
  CZ: 's.r.o.', HU: 'Kft.', SE: 'AB',
};

const ASIA_STEMS = [
  'Hengda', 'Golden Bridge', 'Sunrise', 'Everbright', 'Jade River', 'Oriental', 'Pacific Rim', 'Lotus', 'Phoenix',
  'Huaxin', 'Greenfield', 'Starlight', 'Evergreen', 'Silver Bay', 'Bright Star', 'Kingdom', 'Harmony', 'Tianli',
  'Minh Phat', 'Siam Gold', 'Mahalaxmi', 'Rupali', 'Crescent', 'Lanka Pearl',
];
const WORLD_STEMS = [
  'Andes', 'Atlantic', 'Summit', 'Pioneer', 'Heritage', 'Coastal', 'Sierra', 'Savanna', 'Cape', 'Highland',
  'Northern', 'Southern', 'Union', 'Royal', 'Bosphorus', 'Anatolia', 'Nile Valley', 'Atlas Mountain', 'Fjord',
];
const SELLER_TRADES = [
  'Industrial', 'Trading', 'Manufacturing', 'Textile', 'Electronics', 'Import & Export', 'Foods', 'Metal Products',
  'Garments', 'Enterprises',
];
const SELLER_LEGAL: Readonly<Record<string, string>> = {
  US: 'Inc.', CA: 'Inc.', GB: 'Ltd', AU: 'Pty Ltd', NZ: 'Ltd', TR: 'A.Ş.', CH: 'AG', NO: 'AS', IN: 'Pvt. Ltd.',
  JP: 'K.K.', KR: 'Co., Ltd.', BR: 'Ltda.', MX: 'S.A. de C.V.', ZA: '(Pty) Ltd', AE: 'LLC', SA: 'LLC', RS: 'd.o.o.',
  UA: 'LLC', IL: 'Ltd',
};
const BLOC_LEGAL: Readonly<Record<Bloc, string>> = {
  asia: 'Co., Ltd.', europe: 'Ltd', americas: 'S.A.', mea: 'Ltd', oceania: 'Ltd',
};

export function importerName(rng: Random, country: string): string {
  return `${rng.pick(UNION_STEMS)} ${rng.pick(UNION_TRADES)} ${UNION_LEGAL[country] ?? 'Ltd'}`;
}

export function brokerName(rng: Random, country: string): string {
  return `${rng.pick(UNION_STEMS)} ${rng.pick(BROKER_TRADES)} ${UNION_LEGAL[country] ?? 'Ltd'}`;
}

export function sellerName(rng: Random, country: string, bloc: Bloc): string {
  const stem = rng.pick(bloc === 'asia' ? ASIA_STEMS : WORLD_STEMS);
  return `${stem} ${rng.pick(SELLER_TRADES)} ${SELLER_LEGAL[country] ?? BLOC_LEGAL[bloc]}`;
}

/** Express operators: [name, country of establishment, waybill prefix]. */
export const COURIER_BRANDS: readonly (readonly [name: string, country: string, prefix: string])[] = [
  ['SwiftAir Express B.V.', 'NL', 'SWX'],
  ['Globelink Parcel GmbH', 'DE', 'GLP'],
  ['Skybridge Courier NV', 'BE', 'SKB'],
  ['Aeropost Express SAS', 'FR', 'APX'],
  ['Parcelway Logistics GmbH', 'DE', 'PWL'],
  ['Velox International Express S.r.l.', 'IT', 'VLX'],
];

/**
 * An identifier not yet in `used`: EORI-like (country code and ten digits) for parties established
 * in the union, or country code, "S" and eight digits for foreign sellers.
 */
export function uniqueId(rng: Random, country: string, used: Set<string>, seller = false): string {
  for (;;) {
    const id = seller ? `${country}S${rng.digits(8)}` : `${country}${rng.digits(10)}`;
    if (!used.has(id)) {
      used.add(id);
      return id;
    }
  }
}
