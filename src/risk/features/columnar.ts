import type { Declaration } from '../../domain/declaration.ts';
import type { FeatureColumns, FeatureMatrix } from '../gbdt/bins.ts';
import { crossingParts, featureNames, foldsAndPriors, fillValueFeatures, keyNames, keysOf, smooth, UNIT_VS_HS6, UNIT_VS_HS6_ORIGIN, unitValueGroups, type FittedPipeline, type PipelineConfig, type Target } from './pipeline.ts';

/**
 * The feature pipeline's fit for many declarations, column by column: declarations are added one at
 * a time as they are read and kept only as category numbers (each distinct category string once)
 * and value columns, and the training matrix is made one column at a time when the learner asks for
 * it. Computes exactly what fitPipeline and transform compute (the same pipeline, the same numbers).
 */
export class FeatureRows {
  rows = 0;
  private readonly keyCount: number;
  /** Per key: each row's category number, and the categories by number. */
  private readonly codes: Int32Array[];
  private readonly dicts: Map<string, number>[];
  private readonly categories: string[][];
  /** Per row: its HS6 and HS6 × origin group numbers (for the median unit values). */
  private readonly groupCodes: [Int32Array, Int32Array];
  private readonly groupDicts: [Map<string, number>, Map<string, number>] = [new Map(), new Map()];
  private readonly groupNames: [string[], string[]] = [[], []];
  /** The value features, median ratios left out (filled when the medians are known). */
  private readonly values: Float64Array[];
  private capacity = 1024;
  /** Per crossing, the positions of the keys it combines. */
  private readonly crossings: number[][];

  constructor(readonly config: PipelineConfig) {
    this.crossings = crossingParts(config);
    this.keyCount = keyNames(config).length;
    this.codes = Array.from({ length: this.keyCount }, () => new Int32Array(this.capacity));
    this.dicts = Array.from({ length: this.keyCount }, () => new Map());
    this.categories = Array.from({ length: this.keyCount }, () => []);
    this.groupCodes = [new Int32Array(this.capacity), new Int32Array(this.capacity)];
    const valueCount = featureNames(config, []).length - this.keyCount;
    this.values = Array.from({ length: valueCount }, () => new Float64Array(this.capacity));
  }

  /** Adds a declaration; returns its row number. */
  add(d: Declaration): number {
    const i = this.rows;
    if (i === this.capacity) this.grow();
    const keys = keysOf(d, this.config.attributes, this.crossings);
    for (let j = 0; j < this.keyCount; j++) this.codes[j]![i] = intern(keys[j]!, this.dicts[j]!, this.categories[j]!);
    const g = unitValueGroups(d);
    this.groupCodes[0][i] = intern(g.hs6, this.groupDicts[0], this.groupNames[0]);
    this.groupCodes[1][i] = intern(g.hs6Origin, this.groupDicts[1], this.groupNames[1]);
    fillValueFeatures(d, this.config.attributes, undefined, undefined, this.values, i, 0);
    this.rows += 1;
    return i;
  }

  private grow(): void {
    this.capacity *= 2;
    const bigger = <A extends Int32Array | Float64Array>(a: A): A => {
      const b = new (a.constructor as new (n: number) => A)(this.capacity);
      b.set(a);
      return b;
    };
    this.codes.forEach((c, j) => (this.codes[j] = bigger(c)));
    this.groupCodes[0] = bigger(this.groupCodes[0]);
    this.groupCodes[1] = bigger(this.groupCodes[1]);
    this.values.forEach((c, j) => (this.values[j] = bigger(c)));
  }

  /**
   * Fits the pipeline on the rows `train` (row numbers, in order), with each target's labels given
   * in that order, as fitPipeline does on those declarations. Returns the pipeline, the training
   * rows' features as columns made on demand (encodings out of fold), and `transform` for other rows.
   */
  fit(train: Int32Array, targets: readonly Target[]): { pipeline: FittedPipeline; matrix: FeatureColumns; transform: (rows: Int32Array) => FeatureMatrix } {
    const { config } = this;
    const n = train.length;
    const { fold, priors, foldPriors } = foldsAndPriors(n, targets, config);
    const k = config.folds;
    const T = targets.length;
    const W = T + 1;
    const S = (k + 1) * W; // per category: per fold count and sums, then the totals
    const K = this.keyCount;
    const names = keyNames(config);

    const stats = this.codes.map((codes, j) => {
      const s = new Float64Array(this.categories[j]!.length * S);
      for (let i = 0; i < n; i++) {
        const o = codes[train[i]!]! * S + fold[i]! * W;
        s[o]! += 1;
        for (let t = 0; t < T; t++) s[o + t + 1]! += targets[t]!.values[i]!;
      }
      for (let c = 0; c < this.categories[j]!.length; c++) {
        const base = c * S;
        for (let f = 0; f < k; f++) for (let x = 0; x < W; x++) s[base + k * W + x]! += s[base + f * W + x]!;
      }
      return s;
    });
    // The model file lists categories in the order the training rows first show them.
    const encoders: FittedPipeline['encoders'] = {};
    names.forEach((name, j) => {
      const record: Record<string, number[]> = Object.create(null);
      const codes = this.codes[j]!;
      const done = new Uint8Array(this.categories[j]!.length);
      const s = stats[j]!;
      for (let i = 0; i < n; i++) {
        const c = codes[train[i]!]!;
        if (done[c] === 1) continue;
        done[c] = 1;
        record[this.categories[j]![c]!] = Array.from(s.subarray(c * S + k * W, c * S + S));
      }
      encoders[name] = record;
    });
    const logUnit = this.values[2]!;
    const medians = this.groupCodes.map((codes, g) => medianPerGroup(codes, this.groupNames[g]!, train, logUnit));
    const targetNames = targets.map((t) => t.name);
    const pipeline: FittedPipeline = {
      version: 1, config, targets: targetNames, priors, encoders,
      medianUnitValue: { hs6: medians[0]!.record, hs6Origin: medians[1]!.record },
      names: featureNames(config, targetNames),
    };

    const valueColumn = (v: number, rows: Int32Array): Float64Array => {
      const out = new Float64Array(rows.length);
      const src = this.values[v]!;
      if (v === UNIT_VS_HS6 || v === UNIT_VS_HS6_ORIGIN) {
        const { byCode } = medians[v === UNIT_VS_HS6 ? 0 : 1]!;
        const codes = this.groupCodes[v === UNIT_VS_HS6 ? 0 : 1];
        for (let i = 0; i < rows.length; i++) {
          const r = rows[i]!;
          const m = byCode[codes[r]!]!;
          out[i] = Number.isNaN(m) || Number.isNaN(logUnit[r]!) ? Number.NaN : logUnit[r]! - m;
        }
      } else for (let i = 0; i < rows.length; i++) out[i] = src[rows[i]!]!;
      return out;
    };
    const m = config.smoothing;
    const matrix: FeatureColumns = {
      rows: n,
      names: pipeline.names,
      column: (f) => {
        if (f >= (T + 1) * K) return valueColumn(f - (T + 1) * K, train);
        const out = new Float64Array(n);
        const j = f % K;
        const codes = this.codes[j]!;
        const s = stats[j]!;
        if (f < T * K) {
          const t = Math.floor(f / K);
          for (let i = 0; i < n; i++) {
            const tot = codes[train[i]!]! * S + k * W;
            const o = tot - k * W + fold[i]! * W;
            out[i] = smooth(s[tot + t + 1]! - s[o + t + 1]!, s[tot]! - s[o]!, foldPriors[fold[i]! * T + t]!, m);
          }
        } else {
          // How many other training rows share the category.
          for (let i = 0; i < n; i++) out[i] = Math.log1p(s[codes[train[i]!]! * S + k * W]! - 1);
        }
        return out;
      },
    };
    const transform = (rows: Int32Array): FeatureMatrix => {
      const columns: Float64Array[] = pipeline.names.map(() => new Float64Array(rows.length));
      for (let j = 0; j < K; j++) {
        const codes = this.codes[j]!;
        const s = stats[j]!;
        for (let i = 0; i < rows.length; i++) {
          const tot = codes[rows[i]!]! * S + k * W;
          const count = s[tot]!;
          // A category no training row has: the prior (what transform does for a category it cannot find).
          for (let t = 0; t < T; t++) columns[t * K + j]![i] = count === 0 ? priors[t]! : smooth(s[tot + t + 1]!, count, priors[t]!, m);
          columns[T * K + j]![i] = count === 0 ? 0 : Math.log1p(count);
        }
      }
      for (let v = 0; v < this.values.length; v++) columns[(T + 1) * K + v] = valueColumn(v, rows);
      return { rows: rows.length, names: pipeline.names, columns };
    };
    return { pipeline, matrix, transform };
  }
}

function intern(key: string, dict: Map<string, number>, names: string[]): number {
  let c = dict.get(key);
  if (c === undefined) {
    c = names.length;
    dict.set(key, c);
    names.push(key);
  }
  return c;
}

/** Median log unit value per group over the training rows that have one: as a record in first-seen order, and by group number (NaN for none). */
function medianPerGroup(codes: Int32Array, groups: readonly string[], train: Int32Array, logUnit: Float64Array): { record: Record<string, number>; byCode: Float64Array } {
  const lists: (number[] | undefined)[] = new Array(groups.length);
  const seen: number[] = [];
  for (let i = 0; i < train.length; i++) {
    const r = train[i]!;
    const u = logUnit[r]!;
    if (Number.isNaN(u)) continue;
    const c = codes[r]!;
    let list = lists[c];
    if (list === undefined) {
      lists[c] = list = [];
      seen.push(c);
    }
    list.push(u);
  }
  const record: Record<string, number> = Object.create(null);
  const byCode = new Float64Array(groups.length).fill(Number.NaN);
  for (const c of seen) {
    const list = lists[c]!;
    list.sort((a, b) => a - b);
    const mid = list.length >> 1;
    byCode[c] = list.length % 2 === 1 ? list[mid]! : (list[mid - 1]! + list[mid]!) / 2;
    record[groups[c]!] = byCode[c]!;
  }
  return { record, byCode };
}
