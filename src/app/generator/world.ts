import type { PartyRole } from '../../domain/party.ts';
import { GOODS } from './goods.ts';
import { makeCouriers, makeDeclarants, makeImporters, makeSellers, type Courier, type Declarant, type Importer, type Seller } from './parties.ts';
import { OFFICES, type CustomsOffice, type TransportMode } from './places.ts';
import { createRandom, weightedTable, type WeightedTable } from './random.ts';

/**
 * The world of a generated data set, built from its seed: the parties with their behaviour, and
 * the tables the declaration generator draws from. The number of parties grows with the number of
 * rows (about the square root), with caps, so that small and large data sets both look plausible.
 */

export interface WorldOptions {
  readonly seed: string | number;
  readonly rows: number;
}

export interface World {
  readonly seed: string;
  /** Regular importers, biggest first. */
  readonly importers: readonly Importer[];
  readonly flyByNights: readonly Importer[];
  readonly declarants: readonly Declarant[];
  readonly sellers: readonly Seller[];
  readonly couriers: readonly Courier[];
  readonly importerTable: WeightedTable<Importer>;
  readonly courierTable: WeightedTable<Courier>;
  readonly offices: Readonly<Record<TransportMode, WeightedTable<CustomsOffice>>>;
  /** Brokers by the customs office where they declare. */
  readonly brokersAt: ReadonlyMap<string, WeightedTable<Declarant>>;
  /** For each catalogue line (by index), the 10-digit national tariff codes in use. */
  readonly tariffCodes: readonly (readonly string[])[];
}

export interface PartyCounts {
  readonly importers: number;
  readonly flyByNights: number;
  readonly declarants: number;
  readonly sellers: number;
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, Math.round(x)));

export function partyCounts(rows: number): PartyCounts {
  const r = Math.sqrt(Math.max(0, rows));
  return {
    importers: clamp(3 * r, 20, 3000),
    flyByNights: clamp(0.4 * r, 3, 400),
    declarants: clamp(r / 10, 16, 100),
    sellers: clamp(2 * r, 30, 2500),
  };
}

const MODES: readonly TransportMode[] = ['sea', 'rail', 'road', 'air', 'express', 'post'];
const SUBHEADINGS = ['00', '10', '20', '30', '80', '90'];
const TARIC = ['00', '00', '00', '10', '20', '90'];

export function buildWorld(opts: WorldOptions): World {
  const seed = String(opts.seed);
  const rng = createRandom(`${seed}/world`);
  const counts = partyCounts(opts.rows);
  const used = new Set<string>();
  const sellers = makeSellers(rng, counts.sellers, used);
  const declarants = makeDeclarants(rng, counts.declarants, used);
  const couriers = makeCouriers(rng, used);
  const all = makeImporters(rng, { count: counts.importers, flyByNights: counts.flyByNights }, sellers, declarants, couriers, used);
  const importers = all.filter((i) => !i.flyByNight);
  const flyByNights = all.filter((i) => i.flyByNight).sort((a, b) => a.debut - b.debut);

  const offices = Object.fromEntries(
    MODES.map((mode) => {
      const here = OFFICES.filter((o) => (o.modes[mode] ?? 0) > 0);
      return [mode, weightedTable(here, here.map((o) => o.modes[mode] ?? 0))];
    }),
  ) as Record<TransportMode, WeightedTable<CustomsOffice>>;

  const brokersAt = new Map<string, WeightedTable<Declarant>>();
  for (const office of OFFICES) {
    const here = declarants.filter((d) => d.offices.has(office.code));
    if (here.length > 0) brokersAt.set(office.code, weightedTable(here, here.map((d) => d.size)));
  }

  const tariffCodes = GOODS.map((g) => {
    const codes = new Set<string>();
    for (let k = rng.int(1, 3); k > 0; k--) codes.add(g.hs6 + rng.pick(SUBHEADINGS) + rng.pick(TARIC));
    return [...codes];
  });

  return {
    seed,
    importers,
    flyByNights,
    declarants,
    sellers,
    couriers,
    importerTable: weightedTable(importers, importers.map((i) => i.size)),
    courierTable: weightedTable(couriers, couriers.map((c) => c.size)),
    offices,
    brokersAt,
    tariffCodes,
  };
}

export type GeneratedPartyRole = Extract<PartyRole, 'importer' | 'declarant' | 'seller' | 'courier'>;

export interface GeneratedParty {
  readonly id: string;
  readonly name: string;
  readonly roles: GeneratedPartyRole[];
  readonly country: string;
  readonly aeo: boolean;
}

/** Every party of the world, as party records: importers, brokers, sellers, then couriers. */
export function generateParties(world: World): GeneratedParty[] {
  return [
    ...[...world.importers, ...world.flyByNights].map((p) => ({ id: p.id, name: p.name, roles: ['importer' as const], country: p.country, aeo: p.aeo })),
    ...world.declarants.map((p) => ({ id: p.id, name: p.name, roles: ['declarant' as const], country: p.country, aeo: p.aeo })),
    ...world.sellers.map((p) => ({ id: p.id, name: p.name, roles: ['seller' as const], country: p.country.code, aeo: false })),
    // Express operators lodge most of their declarations themselves.
    ...world.couriers.map((p) => ({ id: p.id, name: p.name, roles: ['courier' as const, 'declarant' as const], country: p.country, aeo: true })),
  ];
}
