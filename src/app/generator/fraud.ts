import { isParcelGoods } from './goods.ts';
import { COUNTRY, HUB_CODES, type Country } from './places.ts';
import type { Random } from './random.ts';
import type { FraudPattern } from './row.ts';
import { consign, quantityFor, type Consignment, type ItemFacts } from './shipment.ts';
import { appliedRate, cheaperOrigins, cheaperSiblings, LOW_VALUE_EUR, originRate, USD_PER } from './tariff.ts';
import type { World } from './world.ts';

/**
 * The planted fraud: whether a consignment is declared dishonestly, and how. The chance depends on
 * the latent propensities of importer, seller and broker, on AEO status (lower) and on the duty at
 * stake; each dishonest importer has a favourite pattern. Each pattern leaves its own trace:
 * undervaluation in the unit value, misclassification in a unit value and goods unusual for the
 * code, false origin in origin differing from departure and seller, new importers in their short
 * history, split consignments in several same-day parcels just under the low-value threshold.
 */

/** Scales the propensities so that about 7 % of rows come out illicit. */
const BASE_RATE = 0.12;
const FLY_BY_NIGHT_RATE = 0.45;
const CHOICE: readonly FraudPattern[] = ['undervaluation', 'misclassification', 'false_origin', 'split_consignment'];
const CHOICE_WEIGHTS = [3, 4, 4, 0.2];

/** Duty rate owed on the true facts. */
export function trueRate(c: Consignment): number {
  const t = c.truth;
  return c.reliefAllowed ? appliedRate(t.goods, t.origin, t.valueUsd) : originRate(t.goods, t.origin);
}

/** Origins that would pay less duty, other than the country the goods leave from. */
function falseOrigins(c: Consignment): readonly Country[] {
  return cheaperOrigins(c.truth.goods, c.truth.origin).filter((o) => o !== c.exportCountry);
}

function applicable(c: Consignment, pattern: FraudPattern): boolean {
  const t = c.truth;
  switch (pattern) {
    case 'undervaluation':
      return trueRate(c) > 0;
    case 'misclassification':
      return trueRate(c) > 0 && cheaperSiblings(t.goods, t.origin).length > 0;
    case 'false_origin':
      return trueRate(c) > 0 && t.origin === c.seller.country && t.origin.regime !== 'free' && falseOrigins(c).length > 0;
    case 'split_consignment':
      return isParcelGoods(t.goods) && originRate(t.goods, t.origin) > 0;
    case 'new_importer':
      return c.importer.flyByNight;
  }
}

/** Decides whether this consignment is declared dishonestly, and by which pattern ('' if honest). */
export function chooseFraud(rng: Random, c: Consignment): FraudPattern | '' {
  const { importer, seller, declarant } = c;
  if (importer.flyByNight) {
    if (!rng.bernoulli(Math.min(0.9, FLY_BY_NIGHT_RATE * importer.risk))) return '';
    return rng.bernoulli(0.75) ? 'new_importer' : pickPattern(rng, c, 'undervaluation') || 'new_importer';
  }
  const incentive = Math.min(3, 0.4 + originRate(c.truth.goods, c.truth.origin) / 8);
  const p = BASE_RATE * importer.risk * seller.risk * (declarant?.risk ?? 1) * incentive * (importer.aeo ? 0.25 : 1) * (declarant?.aeo ? 0.8 : 1);
  return rng.bernoulli(Math.min(0.9, p)) ? pickPattern(rng, c, importer.style) : '';
}

function pickPattern(rng: Random, c: Consignment, favourite: FraudPattern): FraudPattern | '' {
  if (applicable(c, favourite) && rng.bernoulli(0.7)) return favourite;
  const options = CHOICE.filter((p) => applicable(c, p));
  if (options.length === 0) return '';
  return rng.weighted(options, options.map((p) => CHOICE_WEIGHTS[CHOICE.indexOf(p)] ?? 1));
}

function withDeclared(c: Consignment, declared: Partial<ItemFacts>, extra: Partial<Consignment> = {}): Consignment {
  return { ...c, ...extra, declared: { ...c.declared, ...declared } };
}

/** Declares a consignment by a single-row pattern (all but split consignments). */
export function commit(rng: Random, c: Consignment, pattern: Exclude<FraudPattern, 'split_consignment'>): Consignment {
  const t = c.truth;
  switch (pattern) {
    case 'undervaluation':
      return withDeclared(c, { valueUsd: t.valueUsd * rng.float(0.15, 0.6) });
    case 'misclassification': {
      // Goods of a similar price look least suspicious, so they are the likelier cover.
      const siblings = cheaperSiblings(t.goods, t.origin);
      const goods = rng.weighted(siblings, siblings.map((g) => Math.exp(-2 * Math.abs(Math.log(g.usdPerKg / t.goods.usdPerKg)))));
      const [quantity, netMassKg] = quantityFor(rng, goods, t.netMassKg);
      return withDeclared(c, { goods, quantity, netMassKg });
    }
    case 'false_origin': {
      const candidates = falseOrigins(c);
      const origin = rng.weighted(candidates, candidates.map((o) => (o.chapters.includes(t.goods.chapter) ? 3 : 1)));
      const hub = COUNTRY.get(rng.pick(HUB_CODES)) as Country;
      const route = c.mode === 'sea' && hub.bloc === t.origin.bloc && hub !== origin && rng.bernoulli(0.25)
        ? { exportCountry: hub, portOfLoading: rng.pick(hub.seaPorts) }
        : {};
      return withDeclared(c, { origin }, route);
    }
    case 'new_importer': {
      if (rng.bernoulli(0.12)) return { ...c, prohibited: true };
      const [quantity, netMassKg] = quantityFor(rng, t.goods, t.netMassKg * rng.float(0.3, 0.7));
      return withDeclared(c, { quantity, netMassKg, valueUsd: (t.valueUsd * netMassKg) / t.netMassKg });
    }
  }
}

/**
 * One shipment split into `parts` express parcels, each declared just under the low-value
 * threshold, on the same day, by the same importer, seller, courier and broker.
 */
export function splitConsignment(world: World, rng: Random, c: Consignment, parts: number): Consignment[] {
  const { goods } = c.truth;
  const first = consign(world, rng, c.importer, c.seller, goods, 'express', 1, 0);
  const courier = first.courier ?? c.importer.courier;
  return Array.from({ length: parts }, () => {
    const valueUsd = rng.float(0.6, 0.999) * LOW_VALUE_EUR * USD_PER.EUR;
    const mass = valueUsd / (goods.usdPerKg * c.seller.priceLevel * rng.lognormal(1, 0.15));
    const [quantity, netMassKg] = quantityFor(rng, goods, mass);
    const facts: ItemFacts = { goods, origin: first.truth.origin, netMassKg, quantity, valueUsd };
    return { ...first, courier, truth: facts, declared: facts, reliefAllowed: false };
  });
}
