import type { Declaration } from '../../domain/declaration.ts';
import type { FeatureMatrix } from '../gbdt/bins.ts';
import { SeededRandom } from '../random.ts';

/**
 * The feature pipeline: turns declarations into a numeric matrix for the trees. It is fitted on the
 * training period only and travels inside the model file, so that scoring later computes exactly
 * the same features.
 *
 * - Risk profiles: smoothed target encoding of parties, office, HS code at 2/4/6 digits, countries
 *   and useful pairs. On the training rows it is computed out of fold (k seeded folds: a row's own
 *   label never enters its own encoding, the main known leak of published customs models); later
 *   rows use every training row.
 * - How often each of those was seen in training (a first-time importer is a risk of its own).
 * - Value features: customs value, mass, unit value and its ratio to the usual unit value of the
 *   same HS6 (and HS6 × origin) in training, tax rate and duty at stake.
 * - Attributes named in the configuration, as categories (target-encoded) or numbers.
 * - Crossings named in the configuration: keys made of several keys (such as the trade lane HS6 ×
 *   origin × departure under its tariff treatment), profiled like any other key.
 */

export interface AttributeFeature {
  readonly name: string;
  readonly kind: 'categorical' | 'numeric';
}

export interface PipelineConfig {
  readonly folds: number;
  readonly seed: number;
  /** Weight of the prior in a smoothed encoding, in rows. */
  readonly smoothing: number;
  readonly attributes: readonly AttributeFeature[];
  /**
   * Further keys, each combining the keys it names (e.g. `["hs6", "origin", "export", "attr:taxType"]`):
   * a rare outcome can sit in one combination of common values. Absent in files written before them.
   */
  readonly crossings?: readonly (readonly string[])[];
}

export const DEFAULT_PIPELINE: Omit<PipelineConfig, 'attributes'> = { folds: 5, seed: 1, smoothing: 20 };

/** Per category: the count of rows, then the sum of each target's labels. */
type Stats = Record<string, readonly number[]>;

/** What a fitted pipeline holds (serialised in the model file as it is). */
export interface FittedPipeline {
  readonly version: 1;
  readonly config: PipelineConfig;
  /** The outcomes encoded (the model's label first) and their rates in training. */
  readonly targets: readonly string[];
  readonly priors: readonly number[];
  /** Per categorical key, its training statistics. */
  readonly encoders: Record<string, Stats>;
  /** Median log unit value (customs value per kg) per HS6, and per HS6 × origin. */
  readonly medianUnitValue: { readonly hs6: Record<string, number>; readonly hs6Origin: Record<string, number> };
  readonly names: readonly string[];
}

/** The categorical keys of a declaration, in a fixed order. */
export const BASE_KEYS = [
  'importer', 'declarant', 'seller', 'courier', 'office', 'mode', 'hs2', 'hs4', 'hs6', 'origin', 'export',
  'hs6×origin', 'importer×hs4', 'declarant×importer', 'seller×importer', 'office×hs4', 'origin×export',
] as const;

export const NUMERIC = ['logValue', 'logMass', 'logUnitValue', 'unitValueVsHs6', 'unitValueVsHs6Origin', 'taxRate', 'logDuty', 'items'] as const;

/** The goods item that carries the declaration's features: its most valuable one. */
export function mainItem(d: Declaration) {
  let best = d.items[0]!;
  for (const it of d.items) if (it.customsValue > best.customsValue) best = it;
  return best;
}

/**
 * Parts a crossing may combine beyond the keys: the declaration's total net mass and customs value,
 * as decimal text (empty for an unknown mass). With the lane they make a repeat consignment: the
 * same goods on the same route at the same declared mass and value.
 */
export const AMOUNT_PARTS = ['mass', 'value'] as const;

/** Per crossing, the positions of the parts it combines: among the keys before the crossings, then AMOUNT_PARTS. */
export function crossingParts(config: PipelineConfig): number[][] {
  const simple = [...simpleKeyNames(config.attributes), ...AMOUNT_PARTS];
  return (config.crossings ?? []).map((c) =>
    c.map((name) => {
      const j = simple.indexOf(name);
      if (j < 0) throw new RangeError(`crossing ${c.join('×')}: no key "${name}"; expected one of ${simple.join(', ')}`);
      return j;
    }),
  );
}

/** AMOUNT_PARTS of a declaration, in that order: its total net mass (NaN when unknown) and customs value. */
export function amounts(d: Declaration): [number, number] {
  let value = 0;
  let mass = 0;
  let massKnown = false;
  for (const it of d.items) {
    value += it.customsValue;
    if (it.netMassKg !== undefined) {
      mass += it.netMassKg;
      massKnown = true;
    }
  }
  return [massKnown ? mass : Number.NaN, value];
}

/** An amount as a crossing's part: decimal text, empty when unknown. */
export function amountText(x: number): string {
  return Number.isNaN(x) ? '' : String(x);
}

/** The text of AMOUNT_PARTS for a declaration, in that order. */
export function amountTexts(d: Declaration): [string, string] {
  const [mass, value] = amounts(d);
  return [amountText(mass), amountText(value)];
}

/** A declaration's categorical keys, in keyNames order (shared with the columnar fit). */
export function keysOf(d: Declaration, attrs: readonly AttributeFeature[], crossings: readonly (readonly number[])[]): string[] {
  const it = mainItem(d);
  const hs = it.hsCode;
  const origin = it.originCountry ?? '';
  const k = [
    d.importer, d.declarant ?? '', d.seller ?? '', d.courier ?? '', d.customsOffice, d.modeOfTransport ?? '',
    hs.slice(0, 2), hs.slice(0, 4), hs.slice(0, 6), origin, d.exportCountry ?? '',
    `${hs.slice(0, 6)}|${origin}`, `${d.importer}|${hs.slice(0, 4)}`, `${d.declarant ?? ''}|${d.importer}`,
    `${d.seller ?? ''}|${d.importer}`, `${d.customsOffice}|${hs.slice(0, 4)}`, `${origin}|${d.exportCountry ?? ''}`,
  ];
  for (const a of attrs) if (a.kind === 'categorical') k.push(String(d.attributes[a.name] ?? ''));
  if (crossings.length === 0) return k;
  const simple = k.length;
  const amounts = crossings.some((parts) => parts.some((j) => j >= simple)) ? amountTexts(d) : undefined;
  const part = (j: number) => (j < simple ? k[j]! : amounts![j - simple]!);
  for (const parts of crossings) {
    let c = part(parts[0]!);
    for (let p = 1; p < parts.length; p++) c += `|${part(parts[p]!)}`;
    k.push(c);
  }
  return k;
}

/** The keys before the crossings: the base keys, then the categorical attributes. */
function simpleKeyNames(attrs: readonly AttributeFeature[]): string[] {
  return [...BASE_KEYS, ...attrs.filter((a) => a.kind === 'categorical').map((a) => `attr:${a.name}`)];
}

/** Every key's name, crossings last, in keysOf order. */
export function keyNames(config: PipelineConfig): string[] {
  return [...simpleKeyNames(config.attributes), ...(config.crossings ?? []).map((c) => c.join('×'))];
}

interface Values {
  readonly value: number;
  readonly mass: number;
  readonly taxRate: number;
  readonly duty: number;
  readonly logUnit: number;
}

export function valuesOf(d: Declaration): Values {
  let value = 0;
  let mass = 0;
  let massKnown = false;
  let taxRate = Number.NaN;
  let duty = 0;
  for (const it of d.items) {
    value += it.customsValue;
    if (it.netMassKg !== undefined) {
      mass += it.netMassKg;
      massKnown = true;
    }
    if (it.taxRate !== undefined) taxRate = Number.isNaN(taxRate) ? it.taxRate : Math.max(taxRate, it.taxRate);
    duty += it.duty ?? (it.taxRate !== undefined ? (it.customsValue * it.taxRate) / 100 : 0);
  }
  const m = massKnown ? mass : Number.NaN;
  return { value, mass: m, taxRate, duty, logUnit: m > 0 ? Math.log(value / m + 1e-9) : Number.NaN };
}

/** Feature names, in matrix column order. */
export function featureNames(config: PipelineConfig, targets: readonly string[]): string[] {
  const attrs = config.attributes;
  const keys = keyNames(config);
  return [
    ...targets.flatMap((t) => keys.map((k) => `risk:${t}:${k}`)),
    ...keys.map((k) => `seen:${k}`),
    ...NUMERIC,
    ...attrs.filter((a) => a.kind === 'numeric').map((a) => `attr:${a.name}`),
  ];
}

/** An outcome whose rate per category becomes a risk profile: 0/1 per declaration. */
export interface Target {
  readonly name: string;
  readonly values: ArrayLike<number>;
}

/**
 * The seeded fold of each of n training rows, the priors over every row, and per fold (fold × T +
 * target) the priors over the rows outside it: a row's own label never enters its encodings.
 */
export function foldsAndPriors(n: number, targets: readonly Target[], config: PipelineConfig): { fold: Uint8Array; priors: number[]; foldPriors: Float64Array } {
  for (const t of targets) if (n !== t.values.length) throw new RangeError(`${n} declarations but ${t.values.length} ${t.name} labels`);
  if (targets.length === 0) throw new RangeError('no target to encode');
  if (!Number.isInteger(config.folds) || config.folds < 2) throw new RangeError(`folds is ${config.folds}; expected a whole number of at least 2`);
  const k = config.folds;
  const T = targets.length;
  const W = T + 1;
  const rng = new SeededRandom(config.seed);
  const fold = new Uint8Array(n);
  for (let i = 0; i < n; i++) fold[i] = rng.int(k);
  const totals = new Float64Array(W);
  const foldTotals = new Float64Array(k * W);
  for (let i = 0; i < n; i++) {
    totals[0]! += 1;
    foldTotals[fold[i]! * W]! += 1;
    for (let t = 0; t < T; t++) {
      totals[t + 1]! += targets[t]!.values[i]!;
      foldTotals[fold[i]! * W + t + 1]! += targets[t]!.values[i]!;
    }
  }
  const priors = Array.from({ length: T }, (_, t) => (n > 0 ? totals[t + 1]! / n : 0));
  const foldPriors = new Float64Array(k * T);
  for (let f = 0; f < k; f++) {
    const count = n - foldTotals[f * W]!;
    for (let t = 0; t < T; t++) foldPriors[f * T + t] = count > 0 ? (totals[t + 1]! - foldTotals[f * W + t + 1]!) / count : priors[t]!;
  }
  return { fold, priors, foldPriors };
}

/**
 * Fits the pipeline on the training rows and returns it with their matrix (encodings out of fold).
 * Each target (the model's label first, then any other outcome the data records, such as illicit
 * for a model of critical fraud) gets its own risk profiles.
 */
export function fitPipeline(rows: readonly Declaration[], targets: readonly Target[], config: PipelineConfig): { pipeline: FittedPipeline; matrix: FeatureMatrix } {
  const n = rows.length;
  const k = config.folds;
  const T = targets.length;
  const W = T + 1; // per fold: count, then one sum per target
  const { fold, priors, foldPriors } = foldsAndPriors(n, targets, config);
  const names = keyNames(config);
  const parts = crossingParts(config);
  const keys = rows.map((d) => keysOf(d, config.attributes, parts));

  const perFold = names.map(() => new Map<string, Float64Array>());
  for (let i = 0; i < n; i++) {
    const o = fold[i]! * W;
    for (let j = 0; j < names.length; j++) {
      const map = perFold[j]!;
      const c = keys[i]![j]!;
      let s = map.get(c);
      // Per fold, then (at the end) the totals over every fold.
      if (s === undefined) map.set(c, (s = new Float64Array((k + 1) * W)));
      s[o]! += 1;
      for (let t = 0; t < T; t++) s[o + t + 1]! += targets[t]!.values[i]!;
    }
  }
  const encoders: Record<string, Stats> = {};
  names.forEach((name, j) => {
    const stats: Record<string, number[]> = Object.create(null);
    for (const [c, s] of perFold[j]!) {
      for (let f = 0; f < k; f++) for (let x = 0; x < W; x++) s[k * W + x]! += s[f * W + x]!;
      stats[c] = Array.from(s.subarray(k * W));
    }
    encoders[name] = stats;
  });

  const medianUnitValue = { hs6: medians(rows, (d) => mainItem(d).hsCode.slice(0, 6)), hs6Origin: medians(rows, (d) => `${mainItem(d).hsCode.slice(0, 6)}|${mainItem(d).originCountry ?? ''}`) };
  const targetNames = targets.map((t) => t.name);
  const pipeline: FittedPipeline = { version: 1, config, targets: targetNames, priors, encoders, medianUnitValue, names: featureNames(config, targetNames) };

  const matrix = emptyMatrix(pipeline, n);
  const K = names.length;
  for (let i = 0; i < n; i++) {
    const o = fold[i]! * W;
    for (let j = 0; j < K; j++) {
      const mine = perFold[j]!.get(keys[i]![j]!)!;
      const tot = k * W;
      const count = mine[tot]! - mine[o]!;
      for (let t = 0; t < T; t++) {
        matrix.columns[t * K + j]![i] = smooth(mine[tot + t + 1]! - mine[o + t + 1]!, count, foldPriors[fold[i]! * T + t]!, config.smoothing);
      }
      // How many other training rows share the category.
      matrix.columns[T * K + j]![i] = Math.log1p(mine[tot]! - 1);
    }
    fillValues(pipeline, rows[i]!, matrix, i, (T + 1) * K);
  }
  return { pipeline, matrix };
}

/**
 * The matrix of any rows (validation, test, new filings), with encodings from every training row.
 * Row by row; transformBatch (transform-batch.ts) computes the same matrix faster.
 */
export function transform(pipeline: FittedPipeline, rows: readonly Declaration[]): FeatureMatrix {
  const { config, priors } = pipeline;
  const names = keyNames(config);
  const parts = crossingParts(config);
  const encoders = lookups(pipeline);
  const K = names.length;
  const T = priors.length;
  const matrix = emptyMatrix(pipeline, rows.length);
  for (let i = 0; i < rows.length; i++) {
    const keys = keysOf(rows[i]!, config.attributes, parts);
    for (let j = 0; j < K; j++) {
      const s = encoders[j]!.get(keys[j]!);
      for (let t = 0; t < T; t++) matrix.columns[t * K + j]![i] = s === undefined ? priors[t]! : smooth(s[t + 1]!, s[0]!, priors[t]!, config.smoothing);
      matrix.columns[T * K + j]![i] = s === undefined ? 0 : Math.log1p(s[0]!);
    }
    fillValues(pipeline, rows[i]!, matrix, i, (T + 1) * K);
  }
  return matrix;
}

const LOOKUPS = new WeakMap<FittedPipeline, Map<string, readonly number[]>[]>();

/** The encoders as maps (faster to look up than large records), made once per pipeline. */
function lookups(p: FittedPipeline): Map<string, readonly number[]>[] {
  let maps = LOOKUPS.get(p);
  if (maps === undefined) {
    maps = keyNames(p.config).map((name) => new Map(Object.entries(p.encoders[name] ?? {})));
    LOOKUPS.set(p, maps);
  }
  return maps;
}

/** A record's own entry only: category names such as "constructor" must not find inherited members. */
export function own<T>(o: Record<string, T>, k: string): T | undefined {
  return Object.hasOwn(o, k) ? o[k] : undefined;
}

export function smooth(sum: number, count: number, prior: number, m: number): number {
  return (sum + m * prior) / (count + m);
}

export function emptyMatrix(p: FittedPipeline, rows: number): FeatureMatrix {
  return { rows, names: p.names, columns: p.names.map(() => new Float64Array(rows)) };
}

export function fillValues(p: FittedPipeline, d: Declaration, m: FeatureMatrix, i: number, from: number): void {
  const it = mainItem(d);
  const hs6 = it.hsCode.slice(0, 6);
  fillValueFeatures(d, p.config.attributes, own(p.medianUnitValue.hs6, hs6), own(p.medianUnitValue.hs6Origin, `${hs6}|${it.originCountry ?? ''}`), m.columns, i, from);
}

/** The value features of a declaration, given the medians of its HS6 and HS6 × origin (shared with the columnar fit). */
export function fillValueFeatures(d: Declaration, attrs: readonly AttributeFeature[], medHs6: number | undefined, medPair: number | undefined, c: readonly Float64Array[], i: number, from: number): void {
  const v = valuesOf(d);
  let j = from;
  c[j++]![i] = Math.log1p(v.value);
  c[j++]![i] = Number.isNaN(v.mass) ? Number.NaN : Math.log1p(v.mass);
  c[j++]![i] = v.logUnit;
  c[j++]![i] = medHs6 === undefined || Number.isNaN(v.logUnit) ? Number.NaN : v.logUnit - medHs6;
  c[j++]![i] = medPair === undefined || Number.isNaN(v.logUnit) ? Number.NaN : v.logUnit - medPair;
  c[j++]![i] = v.taxRate;
  c[j++]![i] = Math.log1p(v.duty);
  c[j++]![i] = d.items.length;
  for (const a of attrs) {
    if (a.kind !== 'numeric') continue;
    const x = d.attributes[a.name];
    c[j++]![i] = typeof x === 'number' ? x : typeof x === 'string' && x.trim() !== '' && Number.isFinite(Number(x)) ? Number(x) : Number.NaN;
  }
}

/** The groups whose median unit value a declaration is compared with, and its log unit value (shared with the columnar fit). */
export function unitValueGroups(d: Declaration): { hs6: string; hs6Origin: string; logUnit: number } {
  const it = mainItem(d);
  const hs6 = it.hsCode.slice(0, 6);
  return { hs6, hs6Origin: `${hs6}|${it.originCountry ?? ''}`, logUnit: valuesOf(d).logUnit };
}

/** The columns of value features, after the risk and seen columns, as `fillValueFeatures` writes them. */
export const UNIT_VS_HS6 = 3;
export const UNIT_VS_HS6_ORIGIN = 4;

/** Median log unit value per group, over the rows with a known positive mass. */
function medians(rows: readonly Declaration[], group: (d: Declaration) => string): Record<string, number> {
  const byGroup = new Map<string, number[]>();
  for (const d of rows) {
    const u = valuesOf(d).logUnit;
    if (Number.isNaN(u)) continue;
    const g = group(d);
    let list = byGroup.get(g);
    if (list === undefined) byGroup.set(g, (list = []));
    list.push(u);
  }
  const out: Record<string, number> = Object.create(null);
  for (const [g, list] of byGroup) {
    list.sort((a, b) => a - b);
    const mid = list.length >> 1;
    out[g] = list.length % 2 === 1 ? list[mid]! : (list[mid - 1]! + list[mid]!) / 2;
  }
  return out;
}
