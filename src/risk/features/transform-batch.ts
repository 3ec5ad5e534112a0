import type { Declaration } from '../../domain/declaration.ts';
import type { FeatureMatrix } from '../gbdt/bins.ts';
import { emptyMatrix, fillValues, keyNames, mainItem, smooth, type FittedPipeline } from './pipeline.ts';

/**
 * The feature matrix of many declarations at once, equal to `transform`'s, without its cost per
 * row: a pipeline's encodings become tables once (each category of a key gets a number, and each
 * feature of the key a value per number), and a batch looks each distinct party, office, HS code
 * or country up once; pairs such as HS6 × origin are found by the numbers of their two halves
 * instead of by building their text on every row.
 */

/** A pipeline's risk profiles as tables, made once per pipeline. */
export interface EncodingTables {
  /** Categorical keys, and targets encoded. */
  readonly keys: number;
  readonly targets: number;
  /** Per key, the number of each category seen in training, from 1 (0: never seen). */
  readonly codes: readonly ReadonlyMap<string, number>[];
  /** Per matrix column before the numeric ones (risk per target and key, then seen per key), its value by category number. */
  readonly values: readonly Float64Array[];
}

const TABLES = new WeakMap<FittedPipeline, EncodingTables>();

export function encodingTables(p: FittedPipeline): EncodingTables {
  let tables = TABLES.get(p);
  if (tables !== undefined) return tables;
  const names = keyNames(p.config.attributes);
  const K = names.length;
  const T = p.priors.length;
  const codes: Map<string, number>[] = [];
  const values: Float64Array[] = new Array<Float64Array>((T + 1) * K);
  names.forEach((name, j) => {
    const stats = Object.entries(p.encoders[name] ?? {});
    codes.push(new Map(stats.map(([c], i) => [c, i + 1])));
    for (let t = 0; t < T; t++) {
      const col = new Float64Array(stats.length + 1);
      col[0] = p.priors[t]!;
      stats.forEach(([, s], i) => (col[i + 1] = smooth(s[t + 1]!, s[0]!, p.priors[t]!, p.config.smoothing)));
      values[t * K + j] = col;
    }
    const seen = new Float64Array(stats.length + 1);
    stats.forEach(([, s], i) => (seen[i + 1] = Math.log1p(s[0]!)));
    values[T * K + j] = seen;
  });
  tables = { keys: K, targets: T, codes, values };
  TABLES.set(p, tables);
  return tables;
}

/** The distinct values of one part of a declaration in a batch, each with its category number under one key. */
class Interned {
  readonly ids = new Map<string, number>();
  readonly text: string[] = [];
  readonly code: number[] = [];
  constructor(private readonly codes: ReadonlyMap<string, number> | undefined) {}

  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.text.length;
      this.ids.set(s, id);
      this.text.push(s);
      this.code.push(this.codes?.get(s) ?? 0);
    }
    return id;
  }
}

/** The category numbers of a pair key, by the ids of its two halves. */
class Pairs {
  private readonly byFirst: (Map<number, number> | undefined)[] = [];
  constructor(private readonly codes: ReadonlyMap<string, number>) {}

  code(a: Interned, ia: number, b: Interned, ib: number): number {
    let m = this.byFirst[ia];
    if (m === undefined) this.byFirst[ia] = m = new Map();
    let c = m.get(ib);
    if (c === undefined) m.set(ib, (c = this.codes.get(`${a.text[ia]}|${b.text[ib]}`) ?? 0));
    return c;
  }
}

/** Each row's category number under each key, row after row (`keys` numbers per row), in keyNames order. */
export function encodeKeys(p: FittedPipeline, rows: readonly Declaration[]): Int32Array {
  const { keys: K, codes } = encodingTables(p);
  const attrs = p.config.attributes.filter((a) => a.kind === 'categorical');
  const importer = new Interned(codes[0]);
  const declarant = new Interned(codes[1]);
  const seller = new Interned(codes[2]);
  const courier = new Interned(codes[3]);
  const office = new Interned(codes[4]);
  const mode = new Interned(codes[5]);
  const hs2 = new Interned(codes[6]);
  const hs4 = new Interned(codes[7]);
  const hs6 = new Interned(codes[8]);
  const origin = new Interned(codes[9]);
  const exportCountry = new Interned(codes[10]);
  const attr = attrs.map((_, a) => new Interned(codes[17 + a]));
  // Per distinct HS code: the ids of its 2-, 4- and 6-digit prefixes.
  const hs = new Map<string, readonly [number, number, number]>();
  const hs6Origin = new Pairs(codes[11]!);
  const importerHs4 = new Pairs(codes[12]!);
  const declarantImporter = new Pairs(codes[13]!);
  const sellerImporter = new Pairs(codes[14]!);
  const officeHs4 = new Pairs(codes[15]!);
  const originExport = new Pairs(codes[16]!);
  const out = new Int32Array(rows.length * K);
  for (let i = 0, o = 0; i < rows.length; i++, o += K) {
    const d = rows[i]!;
    const it = mainItem(d);
    let h = hs.get(it.hsCode);
    if (h === undefined) hs.set(it.hsCode, (h = [hs2.id(it.hsCode.slice(0, 2)), hs4.id(it.hsCode.slice(0, 4)), hs6.id(it.hsCode.slice(0, 6))]));
    const im = importer.id(d.importer);
    const de = declarant.id(d.declarant ?? '');
    const se = seller.id(d.seller ?? '');
    const of = office.id(d.customsOffice);
    const or = origin.id(it.originCountry ?? '');
    const ex = exportCountry.id(d.exportCountry ?? '');
    out[o] = importer.code[im]!;
    out[o + 1] = declarant.code[de]!;
    out[o + 2] = seller.code[se]!;
    out[o + 3] = courier.code[courier.id(d.courier ?? '')]!;
    out[o + 4] = office.code[of]!;
    out[o + 5] = mode.code[mode.id(d.modeOfTransport ?? '')]!;
    out[o + 6] = hs2.code[h[0]]!;
    out[o + 7] = hs4.code[h[1]]!;
    out[o + 8] = hs6.code[h[2]]!;
    out[o + 9] = origin.code[or]!;
    out[o + 10] = exportCountry.code[ex]!;
    out[o + 11] = hs6Origin.code(hs6, h[2], origin, or);
    out[o + 12] = importerHs4.code(importer, im, hs4, h[1]);
    out[o + 13] = declarantImporter.code(declarant, de, importer, im);
    out[o + 14] = sellerImporter.code(seller, se, importer, im);
    out[o + 15] = officeHs4.code(office, of, hs4, h[1]);
    out[o + 16] = originExport.code(origin, or, exportCountry, ex);
    for (let a = 0; a < attrs.length; a++) out[o + 17 + a] = attr[a]!.code[attr[a]!.id(String(d.attributes[attrs[a]!.name] ?? ''))]!;
  }
  return out;
}

/** The same matrix as `transform(p, rows)`, made column by column from tables. */
export function transformBatch(p: FittedPipeline, rows: readonly Declaration[]): FeatureMatrix {
  const { keys: K, targets: T, values } = encodingTables(p);
  const codes = encodeKeys(p, rows);
  const matrix = emptyMatrix(p, rows.length);
  for (let c = 0; c < (T + 1) * K; c++) {
    const col = matrix.columns[c]!;
    const table = values[c]!;
    const j = c % K;
    for (let i = 0; i < rows.length; i++) col[i] = table[codes[i * K + j]!]!;
  }
  for (let i = 0; i < rows.length; i++) fillValues(p, rows[i]!, matrix, i, (T + 1) * K);
  return matrix;
}
