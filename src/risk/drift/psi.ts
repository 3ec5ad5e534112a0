/**
 * The population stability index: how far the distribution of a feature or a score in a recent
 * period has moved from a reference period.
 *
 *   PSI = Σ over bins (recentᵢ − referenceᵢ) · ln(recentᵢ / referenceᵢ)
 *
 * where referenceᵢ and recentᵢ are the shares of each sample in bin i. Each term is ≥ 0 (the two
 * factors have the same sign), so PSI ≥ 0, and with the bins fixed it is symmetric in the two
 * samples (it is the symmetrised Kullback–Leibler divergence of the binned distributions).
 *
 * Numeric bins: cut points at the reference's quantiles 1/bins … (bins − 1)/bins (order
 * statistics, no interpolation), deduplicated, and those equal to the reference's smallest value
 * dropped, so that no bin is empty by construction; bin k holds [cutₖ₋₁, cutₖ), the first starts
 * at −∞ and the last ends at +∞. NaN (a missing value) has a bin of its own, listed last, when
 * either sample has one. Since the cuts are quantiles, PSI does not change under a strictly
 * increasing transformation of both samples.
 *
 * Empty bins: a share of 0 would make ln(0) infinite, so a share below EPSILON = 1e-4 counts as
 * EPSILON (without renormalising the others) — the usual convention. A bin empty in both samples
 * then adds exactly 0; a bin empty in one adds about (share) · ln(share / 1e-4), i.e. it is a
 * large, finite signal, as wanted for values the reference never had.
 *
 * driftLevel uses the customary reading: below 0.1 stable, below 0.25 moderate, else significant.
 */

export const EPSILON = 1e-4;

export type DriftLevel = 'stable' | 'moderate' | 'significant';

export interface PsiBin {
  /** Lower edge (inclusive; −Infinity for the first bin); NaN for the missing-value bin. */
  readonly from: number;
  /** Upper edge (exclusive; +Infinity for the last bin); NaN for the missing-value bin. */
  readonly to: number;
  /** Share of the reference sample in the bin. */
  readonly reference: number;
  /** Share of the recent sample in the bin. */
  readonly recent: number;
}

export interface CategoryBin {
  /** The category, or null for "every other category" (rare ones and ones new in the recent sample). */
  readonly category: string | null;
  readonly reference: number;
  readonly recent: number;
}

function checkBins(fn: string, bins: number): void {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`${fn}: bins is ${String(bins)}; it must be a whole number ≥ 1`);
}

/** The ascending cut points of the bins: distinct reference quantiles above the smallest value. */
export function psiBins(reference: ArrayLike<number>, bins = 10): number[] {
  checkBins('psiBins', bins);
  const values: number[] = [];
  for (let i = 0; i < reference.length; i++) if (!Number.isNaN(reference[i]!)) values.push(reference[i]!);
  values.sort((a, b) => a - b);
  const n = values.length;
  const cuts: number[] = [];
  for (let k = 1; k < bins && n > 0; k++) {
    const cut = values[Math.floor((k * n) / bins)]! + 0; // + 0: −0 and 0 are one cut
    if (cut > values[0]! && cut !== cuts[cuts.length - 1]) cuts.push(cut);
  }
  return cuts;
}

/** PSI of two distributions over the same bins, given as shares (or counts, each normalised here). */
export function psiOfShares(reference: readonly number[], recent: readonly number[]): number {
  if (reference.length !== recent.length) {
    throw new RangeError(`psiOfShares: reference has ${reference.length} bins but recent has ${recent.length}; they must match`);
  }
  const total = (xs: readonly number[], name: string) =>
    xs.reduce((sum, x, i) => {
      if (!(x >= 0 && x < Infinity)) throw new RangeError(`psiOfShares: ${name}[${i}] is ${String(x)}; shares must be finite and ≥ 0`);
      return sum + x;
    }, 0);
  const a = total(reference, 'reference');
  const b = total(recent, 'recent');
  if (a === 0 || b === 0) throw new RangeError(`psiOfShares: the ${a === 0 ? 'reference' : 'recent'} shares sum to 0; PSI needs a distribution`);
  let psi = 0;
  for (let i = 0; i < reference.length; i++) {
    const e = Math.max(reference[i]! / a, EPSILON);
    const r = Math.max(recent[i]! / b, EPSILON);
    psi += (r - e) * Math.log(r / e);
  }
  return psi;
}

/** Bin index of x among ascending cuts: the number of cuts ≤ x; NaN goes to `cuts.length + 1`. */
function binOf(cuts: readonly number[], x: number): number {
  if (Number.isNaN(x)) return cuts.length + 1;
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cuts[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function histogram(cuts: readonly number[], values: ArrayLike<number>): number[] {
  const counts = new Array<number>(cuts.length + 2).fill(0);
  for (let i = 0; i < values.length; i++) counts[binOf(cuts, values[i]!)]! += 1;
  return counts;
}

/** PSI of a numeric sample against a reference, over `bins` quantile bins of the reference. */
export function psi(reference: ArrayLike<number>, recent: ArrayLike<number>, bins = 10): { psi: number; bins: PsiBin[] } {
  checkBins('psi', bins);
  if (reference.length === 0 || recent.length === 0) {
    throw new RangeError(`psi: the ${reference.length === 0 ? 'reference' : 'recent'} sample is empty; PSI needs values in both`);
  }
  const cuts = psiBins(reference, bins);
  const ref = histogram(cuts, reference);
  const rec = histogram(cuts, recent);
  const missing = cuts.length + 1;
  if (ref[missing] === 0 && rec[missing] === 0) {
    ref.pop();
    rec.pop();
  }
  const table: PsiBin[] = ref.map((count, i) => ({
    from: i === missing ? NaN : i === 0 ? -Infinity : cuts[i - 1]!,
    to: i === missing ? NaN : i === cuts.length ? Infinity : cuts[i]!,
    reference: count / reference.length,
    recent: rec[i]! / recent.length,
  }));
  return { psi: psiOfShares(ref, rec), bins: table };
}

/**
 * PSI of a categorical sample against a reference. The `maxCategories − 1` most frequent
 * reference categories (ties by name) keep a bin each, and every other category — rarer ones,
 * and ones the reference never had — shares one bin (category null), listed last. When the
 * reference has at most `maxCategories` categories, each keeps its own bin and the null bin holds
 * only new ones (it is listed only when the recent sample has some).
 */
export function categoricalPsi(
  reference: readonly string[],
  recent: readonly string[],
  maxCategories = 20,
): { psi: number; bins: CategoryBin[] } {
  if (!Number.isInteger(maxCategories) || maxCategories < 2) {
    throw new RangeError(`categoricalPsi: maxCategories is ${String(maxCategories)}; it must be a whole number ≥ 2`);
  }
  if (reference.length === 0 || recent.length === 0) {
    throw new RangeError(`categoricalPsi: the ${reference.length === 0 ? 'reference' : 'recent'} sample is empty; PSI needs values in both`);
  }
  const frequency = new Map<string, number>();
  for (const c of reference) frequency.set(c, (frequency.get(c) ?? 0) + 1);
  const ranked = [...frequency.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)).map(([c]) => c);
  const kept = ranked.length <= maxCategories ? ranked : ranked.slice(0, maxCategories - 1);
  const index = new Map(kept.map((c, i) => [c, i]));
  const ref = new Array<number>(kept.length + 1).fill(0);
  const rec = new Array<number>(kept.length + 1).fill(0);
  for (const c of reference) ref[index.get(c) ?? kept.length]! += 1;
  for (const c of recent) rec[index.get(c) ?? kept.length]! += 1;
  if (ref[kept.length] === 0 && rec[kept.length] === 0) {
    ref.pop();
    rec.pop();
  }
  const table: CategoryBin[] = ref.map((count, i) => ({
    category: i < kept.length ? kept[i]! : null,
    reference: count / reference.length,
    recent: rec[i]! / recent.length,
  }));
  return { psi: psiOfShares(ref, rec), bins: table };
}

/** The customary reading of a PSI: < 0.1 stable, < 0.25 moderate, otherwise significant. */
export function driftLevel(psi: number): DriftLevel {
  if (!(psi >= 0)) throw new RangeError(`driftLevel: psi is ${String(psi)}; a PSI is a number ≥ 0`);
  return psi < 0.1 ? 'stable' : psi < 0.25 ? 'moderate' : 'significant';
}
