/**
 * A small seeded pseudo-random source: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator,
 * as in PractRand) seeded with the 128-bit cyrb128 hash of the seed text. The same seed always gives
 * the same sequence, on every platform, so every generated data set can be made again.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** A float in [min, max). */
  float(min: number, max: number): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** True with probability p. */
  bernoulli(p: number): boolean;
  /** One element, each equally likely; throws on an empty list. */
  pick<T>(items: readonly T[]): T;
  /** One element, with the given (not necessarily normalised) weights; linear in the list length. */
  weighted<T>(items: readonly T[], weights: readonly number[]): T;
  /** One element of a prepared table, in logarithmic time. */
  choose<T>(table: WeightedTable<T>): T;
  /** A normal deviate (Box-Muller). */
  normal(mean?: number, sd?: number): number;
  /** A log-normal deviate given its median and the standard deviation of its logarithm. */
  lognormal(median: number, sigma: number): number;
  /** A string of n random decimal digits. */
  digits(n: number): string;
}

/** Items with cumulative weights, for repeated weighted draws. */
export interface WeightedTable<T> {
  readonly items: readonly T[];
  readonly cumulative: Float64Array;
  readonly total: number;
}

export function weightedTable<T>(items: readonly T[], weights: readonly number[]): WeightedTable<T> {
  if (items.length === 0 || items.length !== weights.length) {
    throw new RangeError(`weightedTable needs as many weights as items (${items.length} items, ${weights.length} weights), at least one`);
  }
  const cumulative = new Float64Array(items.length);
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    const w = weights[i] ?? 0;
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weight ${i} is ${w}, expected a finite number >= 0`);
    total += w;
    cumulative[i] = total;
  }
  if (total <= 0) throw new RangeError('weightedTable needs at least one positive weight');
  return { items, cumulative, total };
}

/** Zipf-like weights 1/rank^s for ranks 1..n: a few heavy items and a long tail. */
export function zipfWeights(n: number, s: number): number[] {
  return Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s);
}

/** The cyrb128 hash of a text: four 32-bit words. */
export function hashSeed(seed: string | number): [number, number, number, number] {
  const text = String(seed);
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

export function createRandom(seed: string | number): Random {
  let [a, b, c, d] = hashSeed(seed);
  let spare: number | undefined;

  const next = (): number => {
    const t0 = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const t = (t0 + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();

  const normal = (mean = 0, sd = 1): number => {
    if (spare !== undefined) {
      const z = spare;
      spare = undefined;
      return mean + sd * z;
    }
    const u = 1 - next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return mean + sd * r * Math.cos(2 * Math.PI * v);
  };

  const indexIn = (length: number): number => {
    if (length <= 0) throw new RangeError('cannot pick from an empty list');
    return Math.floor(next() * length);
  };

  return {
    next,
    float: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    bernoulli: (p) => next() < p,
    pick: (items) => items[indexIn(items.length)] as (typeof items)[number],
    weighted(items, weights) {
      if (items.length === 0) throw new RangeError('cannot pick from an empty list');
      let total = 0;
      for (let i = 0; i < items.length; i++) total += weights[i] ?? 0;
      let r = next() * total;
      for (let i = 0; i < items.length; i++) {
        r -= weights[i] ?? 0;
        if (r < 0) return items[i] as (typeof items)[number];
      }
      return items[items.length - 1] as (typeof items)[number]; // only reached through rounding
    },
    choose(table) {
      const r = next() * table.total;
      const cum = table.cumulative;
      let lo = 0;
      let hi = cum.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((cum[mid] as number) > r) hi = mid;
        else lo = mid + 1;
      }
      return table.items[lo] as (typeof table.items)[number];
    },
    normal,
    lognormal: (median, sigma) => median * Math.exp(sigma * normal()),
    digits(n) {
      let out = '';
      while (out.length < n) {
        const k = Math.min(n - out.length, 9);
        out += String(Math.floor(next() * 10 ** k)).padStart(k, '0');
      }
      return out;
    },
  };
}
