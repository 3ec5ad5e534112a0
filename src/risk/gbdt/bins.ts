/**
 * Histogram binning, as LightGBM and XGBoost-hist do it: each feature's values are cut into at most
 * 255 bins at quantiles of the training values, and the learner only ever sees bin numbers (one
 * byte per value, column by column). Bin 0 holds missing values (NaN); bins 1..B hold values up to
 * `upper[b - 1]` inclusive, the last bin's bound being +Infinity.
 */

/** The features of a set of rows, column by column; NaN marks a missing value. */
export interface FeatureMatrix {
  readonly rows: number;
  readonly names: readonly string[];
  readonly columns: readonly Float64Array[];
}

/**
 * Features produced one column at a time, for matrices too large to hold whole: `column(f)` may
 * compute the column afresh on each call, and the caller drops it when done with it.
 */
export interface FeatureColumns {
  readonly rows: number;
  readonly names: readonly string[];
  column(f: number): Float64Array;
}

/** Either kind of feature source. */
export type FeatureSource = FeatureMatrix | FeatureColumns;

/** Column f of a feature source. */
export function columnOf(m: FeatureSource, f: number): Float64Array {
  return 'columns' in m ? m.columns[f]! : m.column(f);
}

/** Per feature, the ascending upper bounds of its value bins (the last is +Infinity). */
export interface BinMapper {
  readonly upper: readonly Float64Array[];
}

/**
 * Rows in bins, row by row, as the learner reads them: each bin is numbered by its place in a
 * histogram that holds every feature's bins one feature after the other.
 */
export interface BinnedRows {
  readonly rows: number;
  readonly features: number;
  /** offsets[f]: the place of feature f's bin 0 (missing values); offsets[features]: every feature's bins. */
  readonly offsets: Int32Array;
  /** index[r * features + f] = offsets[f] + the bin of row r's value of feature f. */
  readonly index: Uint16Array | Uint32Array;
  /** The same bins column by column (bins[f][r]), for reading one feature of many rows. */
  readonly bins: readonly Uint8Array[];
}

/** A matrix in bin numbers, column by column. */
export interface BinnedMatrix {
  readonly rows: number;
  readonly bins: readonly Uint8Array[];
}

export const MAX_BINS = 255;
const SAMPLE = 200_000;

/**
 * Fits the bins of each feature on (an even sample of at most 200,000 of) its non-missing values:
 * a feature with few distinct values gets one bin per value, cut half-way between neighbours;
 * others get quantile cuts.
 */
export function fitBins(m: FeatureSource, maxBins = MAX_BINS): BinMapper {
  checkMaxBins(maxBins);
  return { upper: m.names.map((_, f) => fitColumn(columnOf(m, f), maxBins)) };
}

function checkMaxBins(maxBins: number): void {
  if (maxBins < 2 || maxBins > MAX_BINS) throw new RangeError(`maxBins must be 2..${MAX_BINS}, got ${maxBins}`);
}

/**
 * Fits the bins of each feature and puts the rows into them, one column at a time (a column source
 * is read once; the rows' index is the only copy of the matrix kept). `shared`: the index lives in
 * memory that a helper thread can read.
 */
export function fitBinRows(m: FeatureSource, maxBins: number, shared: boolean): { mapper: BinMapper; binned: BinnedRows } {
  checkMaxBins(maxBins);
  const upper: Float64Array[] = [];
  const binned = binInto(m.rows, m.names.length, shared, (f) => {
    const col = columnOf(m, f);
    upper.push(fitColumn(col, maxBins));
    return { col, upper: upper[f]! };
  });
  return { mapper: { upper }, binned };
}

/** Puts rows into the bins of a fitted mapper, row by row (see BinnedRows). */
export function binRows(m: FeatureSource, mapper: BinMapper, shared = false): BinnedRows {
  if (m.names.length !== mapper.upper.length) throw new RangeError(`the matrix has ${m.names.length} features, the bins were fitted on ${mapper.upper.length}`);
  return binInto(m.rows, m.names.length, shared, (f) => ({ col: columnOf(m, f), upper: mapper.upper[f]! }));
}

function binInto(rows: number, F: number, shared: boolean, columnAndBins: (f: number) => { col: Float64Array; upper: Float64Array }): BinnedRows {
  // Places in a histogram of every feature fit in 16 bits up to 256 features.
  const wide = F * (MAX_BINS + 1) > 0x10000;
  const bytes = (wide ? 4 : 2) * rows * F;
  const buffer = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  const index = wide ? new Uint32Array(buffer) : new Uint16Array(buffer);
  const offsets = new Int32Array(F + 1);
  const all = new Uint8Array(rows * F);
  const bins = Array.from({ length: F }, (_, f) => all.subarray(f * rows, (f + 1) * rows));
  for (let f = 0; f < F; f++) {
    const { col, upper } = columnAndBins(f);
    const o = offsets[f]!;
    offsets[f + 1] = o + upper.length + 1;
    const out = bins[f]!;
    for (let r = 0; r < rows; r++) out[r] = binOf(upper, col[r]!);
    for (let r = 0, j = f; r < rows; r++, j += F) index[j] = o + out[r]!;
  }
  return { rows, features: F, offsets, index, bins };
}

function fitColumn(col: Float64Array, maxBins: number): Float64Array {
  const step = Math.max(1, Math.floor(col.length / SAMPLE));
  const values: number[] = [];
  for (let i = 0; i < col.length; i += step) {
    const v = col[i]!;
    if (!Number.isNaN(v)) values.push(v);
  }
  if (values.length === 0) return Float64Array.of(Infinity);
  const sorted = Float64Array.from(values).sort();
  const distinct: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) {
      distinct.push(sorted[i]!);
      counts.push(1);
    } else counts[counts.length - 1]! += 1;
  }
  const cuts: number[] = [];
  if (distinct.length <= maxBins) {
    for (let i = 0; i + 1 < distinct.length; i++) cuts.push(midpoint(distinct[i]!, distinct[i + 1]!));
  } else {
    // Walk the distinct values, closing a bin once it holds its share of the remaining values, so
    // that a value heavier than a share gets a bin of its own instead of swallowing its neighbours.
    let remaining = sorted.length;
    let inBin = 0;
    let binsLeft = maxBins;
    for (let i = 0; i + 1 < distinct.length && binsLeft > 1; i++) {
      inBin += counts[i]!;
      const share = remaining / binsLeft;
      if (inBin >= share || counts[i + 1]! >= share) {
        cuts.push(midpoint(distinct[i]!, distinct[i + 1]!));
        remaining -= inBin;
        inBin = 0;
        binsLeft -= 1;
      }
    }
  }
  cuts.push(Infinity);
  return Float64Array.from(cuts);
}

/** A cut between two neighbouring values that falls strictly below the larger one. */
function midpoint(a: number, b: number): number {
  const m = a + (b - a) / 2;
  return m >= b ? a : m;
}

/** The bin of a value: 0 when missing, else 1 + the first bound it does not exceed. */
export function binOf(upper: Float64Array, v: number): number {
  if (Number.isNaN(v)) return 0;
  let lo = 0;
  let hi = upper.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= upper[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo + 1;
}

/** Puts a matrix into bins with a fitted mapper. */
export function applyBins(m: FeatureMatrix, mapper: BinMapper): BinnedMatrix {
  if (m.columns.length !== mapper.upper.length) {
    throw new RangeError(`the matrix has ${m.columns.length} features, the bins were fitted on ${mapper.upper.length}`);
  }
  const bins = m.columns.map((col, f) => {
    const upper = mapper.upper[f]!;
    const out = new Uint8Array(m.rows);
    for (let r = 0; r < m.rows; r++) out[r] = binOf(upper, col[r]!);
    return out;
  });
  return { rows: m.rows, bins };
}
